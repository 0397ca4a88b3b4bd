package io.emcomm.client;

import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.TerminalKind;
import io.netty.handler.ssl.SslContext;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything an {@link EmcommClient} needs to know before it connects: where the router is, how to reach it
 * securely, who this terminal is, and how patient to be. Immutable and thread-safe; build one with
 * {@link #builder()}.
 *
 * <pre>{@code
 * ClientOptions options = ClientOptions.builder()
 *     .router("router.gz.example", 7400)
 *     .tls(Path.of("pki/ca.pem"))                                              // TLS 1.3, trust this CA
 *     .tlsClientCertificate(Path.of("pki/uav-07.pem"), Path.of("pki/uav-07.key")) // mutual TLS
 *     .terminal("uav-07", TerminalKind.AIR, "520111")
 *     .build();
 * }</pre>
 *
 * <p>A site that runs several router nodes on one cluster (docs/cluster.md) gives them all, in the order to try
 * them: {@code .routers(ClientOptions.parseRouters("node-a:7400,node-b:7400"))}; the client fails over between
 * them as {@link Builder#routers} describes, and {@link EmcommClient#connectedRouter()} says which one it is on.
 *
 * <p>Frame sizes are not an option: the router's WELCOME announces {@code max_frame_bytes}, and the client
 * sends frames up to it and accepts frames up to it plus {@link Frames#ROUTER_FRAME_ALLOWANCE}
 * (protocol.md §1).
 */
public final class ClientOptions
{
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 7400;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_RECONNECT_MIN = Duration.ofMillis(100);
    public static final Duration DEFAULT_RECONNECT_MAX = Duration.ofSeconds(10);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_PENDING_PUBLISHES = 65_536;
    /** See {@link Builder#ackDelay}. */
    public static final Duration DEFAULT_ACK_DELAY = Duration.ofMillis(2);
    /** The longest {@link Builder#ackDelay} taken: longer would hold the router's in-flight slots for no gain. */
    public static final Duration MAX_ACK_DELAY = Duration.ofSeconds(1);

    private final List<InetSocketAddress> routers;
    private final TerminalIdentity identity;
    private final boolean autoAck;
    private final Duration ackDelay;
    private final Timeouts timeouts;
    private final ReconnectPolicy reconnect;
    private final int maxPendingPublishes;
    private final TlsOptions tls;
    private final SslContext sslContext;
    private final DeliveryListener deliveryListener;
    private final DeliveryHandler deliveryHandler;
    private final PublishListener publishListener;
    private final ConnectionListener connectionListener;

    private ClientOptions(final Builder b, final List<InetSocketAddress> routers, final SslContext sslContext)
    {
        this.routers = routers;
        identity = b.identity;
        autoAck = b.autoAck;
        ackDelay = b.ackDelay;
        timeouts = b.timeouts;
        reconnect = b.reconnect;
        maxPendingPublishes = b.maxPendingPublishes;
        tls = b.tls;
        this.sslContext = sslContext;
        deliveryListener = b.deliveryListener;
        deliveryHandler = b.deliveryHandler;
        publishListener = b.publishListener;
        connectionListener = b.connectionListener;
    }

    public static Builder builder()
    {
        return new Builder();
    }

    /** A builder holding the same values, to derive a variant (e.g. another terminal on the same router). */
    public Builder toBuilder()
    {
        final Builder b = new Builder();
        b.routers = routers;
        b.identity = identity;
        b.autoAck = autoAck;
        b.ackDelay = ackDelay;
        b.timeouts = timeouts;
        b.reconnect = reconnect;
        b.maxPendingPublishes = maxPendingPublishes;
        b.tls = tls;
        b.deliveryListener = deliveryListener;
        b.deliveryHandler = deliveryHandler;
        b.publishListener = publishListener;
        b.connectionListener = connectionListener;
        return b;
    }

    /**
     * The routers this client dials, in the order given to {@link Builder#routers} (one for
     * {@link Builder#router}); never empty, immutable. Entries may be unresolved: the host is looked up at each dial.
     */
    public List<InetSocketAddress> routers()
    {
        return routers;
    }

    /** The host of the first router of {@link #routers()} (the only one unless a list was given). */
    public String host()
    {
        return routers.get(0).getHostString();
    }

    /** The port of the first router of {@link #routers()} (the only one unless a list was given). */
    public int port()
    {
        return routers.get(0).getPort();
    }

    /**
     * Parses a router list as operators write it: {@code HOST:PORT[,HOST:PORT...]}, where an entry may also be
     * {@code HOST} (port {@value #DEFAULT_PORT}), {@code :PORT} (host {@value #DEFAULT_HOST}) or {@code [IPv6]:PORT};
     * blanks around entries are ignored. The addresses are left unresolved.
     *
     * @return the routers in the order written, for {@link Builder#routers}
     * @throws IllegalArgumentException naming the first bad entry, e.g. {@code bad router 'b:http' in 'a:7400,b:http':
     *                                  not HOST:PORT with a port in 1..65535}
     */
    public static List<InetSocketAddress> parseRouters(final String text)
    {
        return RouterAddresses.parse(text);
    }

    public String terminalId()
    {
        return identity.terminalId();
    }

    public TerminalKind kind()
    {
        return identity.kind();
    }

    public String regionCode()
    {
        return identity.regionCode();
    }

    /** When true, each delivery is acknowledged as soon as the {@link DeliveryListener} returns normally. */
    public boolean autoAck()
    {
        return autoAck;
    }

    /** How long automatic cumulative acks may wait to be coalesced ({@link Builder#ackDelay}); zero = none. */
    public Duration ackDelay()
    {
        return ackDelay;
    }

    public Duration connectTimeout()
    {
        return timeouts.connect();
    }

    public Duration reconnectMin()
    {
        return reconnect.min();
    }

    public Duration reconnectMax()
    {
        return reconnect.max();
    }

    /**
     * How long a publish or subscribe may wait for its answer, reconnects included; zero = forever. Replays
     * have no timeout (a long journal takes long); they fail when the connection drops.
     */
    public Duration requestTimeout()
    {
        return timeouts.request();
    }

    /** Heartbeat interval used until the router's WELCOME states its own. */
    public Duration heartbeatInterval()
    {
        return timeouts.heartbeat();
    }

    public int maxPendingPublishes()
    {
        return maxPendingPublishes;
    }

    public String clientName()
    {
        return identity.clientName();
    }

    /** The link profile asked for at login ("" = unshaped), e.g. a narrow-link profile for BeiDou terminals. */
    public String linkProfile()
    {
        return identity.linkProfile();
    }

    /** The terminal's token for a router that authenticates with tokens ("" = none); never logged. */
    public String credential()
    {
        return identity.credential();
    }

    /** True when the terminal port is reached over TLS 1.3 (a CA or a client certificate was given). */
    public boolean tls()
    {
        return sslContext != null;
    }

    /** The PEM file of the CA(s) trusted to sign the router's certificate; null = the JDK's default trust store. */
    public Path tlsCa()
    {
        return tls.ca();
    }

    /** The PEM certificate chain this terminal presents under mutual TLS; null = none. */
    public Path tlsCertificate()
    {
        return tls.certificate();
    }

    /** The PKCS#8 PEM private key of {@link #tlsCertificate()}; null = none. */
    public Path tlsKey()
    {
        return tls.key();
    }

    /** Whether the router's certificate must name the host the client dials (default true). */
    public boolean tlsVerifyHostname()
    {
        return tls.verifyHostname();
    }

    /** The TLS context built from the files above, or null for plain TCP. */
    SslContext sslContext()
    {
        return sslContext;
    }

    /** The reconnect delays as one value. */
    ReconnectPolicy reconnectPolicy()
    {
        return reconnect;
    }

    /** "host:port" of the first router, for messages. */
    String routerAddress()
    {
        return RouterAddresses.describe(routers.get(0));
    }

    /** Receives every DELIVERY; may be null when the terminal only publishes. */
    public DeliveryListener deliveryListener()
    {
        return deliveryListener;
    }

    /** Told of every connection state change; may be null. */
    /** The low-level receive path, or null; see {@link Builder#deliveryHandler}. */
    public DeliveryHandler deliveryHandler()
    {
        return deliveryHandler;
    }

    /** Told the outcome of every {@link Publisher} offer, or null (outcomes ignored). */
    public PublishListener publishListener()
    {
        return publishListener;
    }

    public ConnectionListener connectionListener()
    {
        return connectionListener;
    }

    @Override
    public String toString()
    {
        return "ClientOptions{" + identity + " @ " + String.join(",", routers.stream().map(RouterAddresses::describe).toList()) + (tls() ? " (TLS)" : "") + ", autoAck=" + autoAck + "}";
    }

    /** Collects and validates options. Not thread-safe. */
    public static final class Builder
    {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        /** Set by {@link #routers}; null while {@link #router} (host and port) is in force. */
        private List<InetSocketAddress> routers;
        private TerminalIdentity identity = TerminalIdentity.UNNAMED;
        private boolean autoAck = true;
        private Duration ackDelay = DEFAULT_ACK_DELAY;
        private Timeouts timeouts = Timeouts.DEFAULT;
        private ReconnectPolicy reconnect = ReconnectPolicy.DEFAULT;
        private int maxPendingPublishes = DEFAULT_MAX_PENDING_PUBLISHES;
        private TlsOptions tls = TlsOptions.PLAIN;
        private DeliveryListener deliveryListener;
        private DeliveryHandler deliveryHandler;
        private PublishListener publishListener;
        private ConnectionListener connectionListener;

        private Builder()
        {
        }

        /**
         * The one router to dial (default 127.0.0.1:7400): a list of one for {@link #routers}. Validated in
         * {@link #build()}. Replaces an earlier {@link #routers} list.
         */
        public Builder router(final String host, final int port)
        {
            this.host = host;
            this.port = port;
            this.routers = null;
            return this;
        }

        /**
         * The router nodes of a site that serve every terminal (several nodes on one cluster, docs/cluster.md), in
         * the order to try them, as nats.java takes a server list. Replaces {@link #router}; {@link #host()} and
         * {@link #port()} then name the first. Addresses may be unresolved
         * ({@link InetSocketAddress#createUnresolved}); each dial looks the host up again. With TLS, each router's
         * certificate is checked against the host given for it.
         *
         * <p>Failover: {@link EmcommClient#connect} tries the routers in order and fails only when none of them
         * welcomed the terminal. Once connected, whenever the connection to router {@code i} is lost, or an attempt
         * to reach router {@code i} fails, the next attempt goes to router {@code i + 1} (after the last, the
         * first). An attempt to a router not yet tried since the loss goes at once; only the attempt that comes
         * back round to the router the round began with waits the {@link #reconnectBackoff} delay, and that delay
         * doubles per whole round of the list that failed. So a terminal whose node died is on the next node
         * without waiting, and a site that is down entirely is retried as gently as a single router. With one
         * router every attempt closes a round: the backoff is the single-router backoff. On every node reached the
         * client does what it does on any reconnect (HELLO, unacknowledged publishes sent again with their
         * original origin sequence so that the router deduplicates them, subscriptions renewed).
         *
         * @param routers one or more router addresses, no null entries (see {@link ClientOptions#parseRouters})
         * @throws IllegalArgumentException when the list is null, empty or holds a null entry
         */
        public Builder routers(final List<InetSocketAddress> routers)
        {
            if (routers == null || routers.isEmpty())
            {
                throw new IllegalArgumentException("a client needs at least one router");
            }
            for (final InetSocketAddress router : routers)
            {
                if (router == null) // List.of's contains(null) would throw rather than answer
                {
                    throw new IllegalArgumentException("the router list holds a null entry");
                }
            }
            this.routers = List.copyOf(routers);
            return this;
        }

        /**
         * Who this client logs in as (HELLO, protocol.md section 3): terminal id (1 to 64 ASCII characters), kind and
         * region code (GB/T 2260 digits). Required.
         */
        public Builder terminal(final String terminalId, final TerminalKind kind, final String regionCode)
        {
            this.identity = identity.withTerminal(terminalId, kind, regionCode);
            return this;
        }

        /**
         * Whether each delivery is acknowledged (DELIVERY_ACK) as soon as the listener returns (default true); off,
         * the application calls {@link EmcommClient#ack(long)} itself, as a console does for FLASH.
         */
        public Builder autoAck(final boolean autoAck)
        {
            this.autoAck = autoAck;
            return this;
        }

        /**
         * How long the automatic acknowledgements of handled deliveries may wait so that one cumulative DELIVERY_ACK
         * answers several read batches (default 2 ms; zero acknowledges at the end of every read batch, as before).
         * The wait is cut short, and the ack written at the end of the read batch, when half of the router's
         * in-flight limit ({@code Welcome.delivery_inflight}, protocol.md section 7.4) is unacknowledged, or when the
         * client writes to the router anyway in that batch (a publish from the handler: the ack rides along). It
         * applies only to a router that offers cumulative acks and states its in-flight limit; otherwise every read
         * batch is acknowledged at its end. What it saves: at 10,000 deliveries a second, arriving one per read, a
         * system call a delivery on the client and a read and wake-up a delivery on the router. What it costs: a
         * publisher's delivery receipt and the terminal's durable cursor trail by up to the delay; after a crash of
         * the client, up to the delay's deliveries come again (they would anyway, unacknowledged).
         *
         * @param delay 0 to {@link #MAX_ACK_DELAY}
         */
        public Builder ackDelay(final Duration delay)
        {
            this.ackDelay = delay;
            return this;
        }

        /** How long {@code connect} waits for the first WELCOME before it fails (default 5 s). */
        public Builder connectTimeout(final Duration timeout)
        {
            this.timeouts = timeouts.withConnect(timeout);
            return this;
        }

        /**
         * Reconnect delays start at {@code min} and double on each failed attempt up to {@code max} (defaults 100 ms
         * and 10 s); with several {@link #routers}, on each failed round of the list, failing over within a round at
         * once.
         */
        public Builder reconnectBackoff(final Duration min, final Duration max)
        {
            this.reconnect = new ReconnectPolicy(min, max);
            return this;
        }

        /**
         * How long a publish, subscribe or replay request waits for its answer before its future fails (default 30
         * s).
         */
        public Builder requestTimeout(final Duration timeout)
        {
            this.timeouts = timeouts.withRequest(timeout);
            return this;
        }

        /**
         * How often an idle connection sends HEARTBEAT (default 5 s); the router ends a connection silent past its
         * idle timeout.
         */
        public Builder heartbeatInterval(final Duration interval)
        {
            this.timeouts = timeouts.withHeartbeat(interval);
            return this;
        }

        /**
         * The most publishes kept unacknowledged at once (default 65,536); past it {@code publish} fails at once
         * rather than queue.
         */
        public Builder maxPendingPublishes(final int max)
        {
            this.maxPendingPublishes = max;
            return this;
        }

        /** The client name sent in HELLO, for the router's logs and status (default none). */
        public Builder clientName(final String clientName)
        {
            this.identity = identity.withClientName(clientName);
            return this;
        }

        /**
         * Asks the router to shape deliveries for a narrow link: a named profile or {@code rate:<bytes per
         * second>} (see docs/delivery.md); "" (the default) means unshaped. The router refuses an unknown
         * profile at login.
         */
        public Builder linkProfile(final String linkProfile)
        {
            this.identity = identity.withLinkProfile(linkProfile);
            return this;
        }

        /** The terminal's token ({@code emcomm credential}) when the router runs {@code emcomm.auth.mode=token}. */
        public Builder credential(final String credential)
        {
            this.identity = identity.withCredential(credential);
            return this;
        }

        /**
         * Reaches the router over TLS 1.3 (docs/security.md), trusting the CA certificate(s) in {@code caPem}
         * to have signed the router's certificate; null trusts the JDK's default CAs (still TLS when
         * {@link #tlsClientCertificate} is given).
         */
        public Builder tls(final Path caPem)
        {
            this.tls = tls.withCa(caPem);
            return this;
        }

        /**
         * The certificate this terminal presents when the router runs {@code emcomm.auth.mode=mtls}: its chain
         * (PEM, the terminal's certificate first, CN = the terminal id) and its private key (PEM, PKCS#8:
         * {@code openssl pkcs8 -topk8 -nocrypt}). Implies TLS. Null for both removes it.
         */
        public Builder tlsClientCertificate(final Path certificateChainPem, final Path privateKeyPem)
        {
            this.tls = tls.withClientCertificate(certificateChainPem, privateKeyPem);
            return this;
        }

        /**
         * Whether the router's certificate must name the host given to {@link #router} in its subjectAltName
         * (DNS name or IP address), as HTTPS does. On by default; turn it off only where the router is
         * dialled by an address its certificate does not list and the CA is the network's own.
         */
        public Builder tlsVerifyHostname(final boolean verify)
        {
            this.tls = tls.withVerifyHostname(verify);
            return this;
        }

        /**
         * Receives every delivery, in order, on the client's one dispatch thread (default: none; deliveries are then
         * acknowledged and dropped).
         */
        public Builder deliveryListener(final DeliveryListener listener)
        {
            this.deliveryListener = listener;
            return this;
        }

        /**
         * Receives every DELIVERY as a flyweight on the network thread, without a lock or an allocation per message
         * (see {@link DeliveryHandler}; default: none). When set, it takes the deliveries the
         * {@link #deliveryListener} would otherwise get.
         */
        public Builder deliveryHandler(final DeliveryHandler handler)
        {
            this.deliveryHandler = handler;
            return this;
        }

        /** Told the outcome of every {@link Publisher} offer, on the network thread (default: none, ignored). */
        public Builder publishListener(final PublishListener listener)
        {
            this.publishListener = listener;
            return this;
        }

        /** Told of connection state changes: connected, reconnecting (attempt, delay, cause), replaced, closed. */
        public Builder connectionListener(final ConnectionListener listener)
        {
            this.connectionListener = listener;
            return this;
        }

        /**
         * Validates and freezes the options. With TLS, reads the PEM files now, so that a missing or unusable
         * file is reported here and not at the first connection.
         *
         * @throws IllegalArgumentException naming the first bad option (for a TLS file: the file and the reason)
         */
        public ClientOptions build()
        {
            final List<InetSocketAddress> dialled = routers != null ? routers : List.of(single());
            identity.validate();
            timeouts.validate(reconnect);
            if (maxPendingPublishes < 1)
            {
                throw new IllegalArgumentException("max pending publishes must be at least 1");
            }
            if (ackDelay == null || ackDelay.isNegative() || ackDelay.compareTo(MAX_ACK_DELAY) > 0)
            {
                throw new IllegalArgumentException("ack delay " + ackDelay + " is not within 0.." + MAX_ACK_DELAY.toMillis() + " ms");
            }
            identity.validateClientName();
            return new ClientOptions(this, dialled, tls.context());
        }

        /** The router of {@link #router}, checked. */
        private InetSocketAddress single()
        {
            if (host == null || host.isEmpty())
            {
                throw new IllegalArgumentException("router host is empty");
            }
            if (port < 1 || port > 65535)
            {
                throw new IllegalArgumentException("router port " + port + " is not in 1..65535");
            }
            return InetSocketAddress.createUnresolved(host, port);
        }
    }
}
