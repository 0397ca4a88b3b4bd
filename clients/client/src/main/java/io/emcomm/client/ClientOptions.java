package io.emcomm.client;

import io.emcomm.protocol.address.Address;
import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.region.RegionCode;
import io.emcomm.protocol.wire.TerminalKind;
import io.netty.handler.ssl.SslContext;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

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

    private final String host;
    private final int port;
    private final String terminalId;
    private final TerminalKind kind;
    private final String regionCode;
    private final boolean autoAck;
    private final Duration connectTimeout;
    private final Duration reconnectMin;
    private final Duration reconnectMax;
    private final Duration requestTimeout;
    private final Duration heartbeatInterval;
    private final int maxPendingPublishes;
    private final String clientName;
    private final String linkProfile;
    private final String credential;
    private final Path tlsCa;
    private final Path tlsCertificate;
    private final Path tlsKey;
    private final boolean tlsVerifyHostname;
    private final SslContext sslContext;
    private final DeliveryListener deliveryListener;
    private final ConnectionListener connectionListener;

    private ClientOptions(final Builder b, final SslContext sslContext)
    {
        host = b.host;
        port = b.port;
        terminalId = b.terminalId;
        kind = b.kind;
        regionCode = b.regionCode;
        autoAck = b.autoAck;
        connectTimeout = b.connectTimeout;
        reconnectMin = b.reconnectMin;
        reconnectMax = b.reconnectMax;
        requestTimeout = b.requestTimeout;
        heartbeatInterval = b.heartbeatInterval;
        maxPendingPublishes = b.maxPendingPublishes;
        clientName = b.clientName;
        linkProfile = b.linkProfile;
        credential = b.credential;
        tlsCa = b.tlsCa;
        tlsCertificate = b.tlsCertificate;
        tlsKey = b.tlsKey;
        tlsVerifyHostname = b.tlsVerifyHostname;
        this.sslContext = sslContext;
        deliveryListener = b.deliveryListener;
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
        b.host = host;
        b.port = port;
        b.terminalId = terminalId;
        b.kind = kind;
        b.regionCode = regionCode;
        b.autoAck = autoAck;
        b.connectTimeout = connectTimeout;
        b.reconnectMin = reconnectMin;
        b.reconnectMax = reconnectMax;
        b.requestTimeout = requestTimeout;
        b.heartbeatInterval = heartbeatInterval;
        b.maxPendingPublishes = maxPendingPublishes;
        b.clientName = clientName;
        b.linkProfile = linkProfile;
        b.credential = credential;
        b.tlsCa = tlsCa;
        b.tlsCertificate = tlsCertificate;
        b.tlsKey = tlsKey;
        b.tlsVerifyHostname = tlsVerifyHostname;
        b.deliveryListener = deliveryListener;
        b.connectionListener = connectionListener;
        return b;
    }

    public String host()
    {
        return host;
    }

    public int port()
    {
        return port;
    }

    public String terminalId()
    {
        return terminalId;
    }

    public TerminalKind kind()
    {
        return kind;
    }

    public String regionCode()
    {
        return regionCode;
    }

    /** When true, each delivery is acknowledged as soon as the {@link DeliveryListener} returns normally. */
    public boolean autoAck()
    {
        return autoAck;
    }

    public Duration connectTimeout()
    {
        return connectTimeout;
    }

    public Duration reconnectMin()
    {
        return reconnectMin;
    }

    public Duration reconnectMax()
    {
        return reconnectMax;
    }

    /**
     * How long a publish or subscribe may wait for its answer, reconnects included; zero = forever. Replays
     * have no timeout (a long journal takes long); they fail when the connection drops.
     */
    public Duration requestTimeout()
    {
        return requestTimeout;
    }

    /** Heartbeat interval used until the router's WELCOME states its own. */
    public Duration heartbeatInterval()
    {
        return heartbeatInterval;
    }

    public int maxPendingPublishes()
    {
        return maxPendingPublishes;
    }

    public String clientName()
    {
        return clientName;
    }

    /** The link profile asked for at login ("" = unshaped), e.g. a narrow-link profile for BeiDou terminals. */
    public String linkProfile()
    {
        return linkProfile;
    }

    /** The terminal's token for a router that authenticates with tokens ("" = none); never logged. */
    public String credential()
    {
        return credential;
    }

    /** True when the terminal port is reached over TLS 1.3 (a CA or a client certificate was given). */
    public boolean tls()
    {
        return sslContext != null;
    }

    /** The PEM file of the CA(s) trusted to sign the router's certificate; null = the JDK's default trust store. */
    public Path tlsCa()
    {
        return tlsCa;
    }

    /** The PEM certificate chain this terminal presents under mutual TLS; null = none. */
    public Path tlsCertificate()
    {
        return tlsCertificate;
    }

    /** The PKCS#8 PEM private key of {@link #tlsCertificate()}; null = none. */
    public Path tlsKey()
    {
        return tlsKey;
    }

    /** Whether the router's certificate must name the host the client dials (default true). */
    public boolean tlsVerifyHostname()
    {
        return tlsVerifyHostname;
    }

    /** The TLS context built from the files above, or null for plain TCP. */
    SslContext sslContext()
    {
        return sslContext;
    }

    /** Receives every DELIVERY; may be null when the terminal only publishes. */
    public DeliveryListener deliveryListener()
    {
        return deliveryListener;
    }

    /** Told of every connection state change; may be null. */
    public ConnectionListener connectionListener()
    {
        return connectionListener;
    }

    @Override
    public String toString()
    {
        return "ClientOptions{" + terminalId + " " + Address.kindName(kind) + " " + regionCode +
            " @ " + host + ":" + port + (tls() ? " (TLS)" : "") + ", autoAck=" + autoAck + "}";
    }

    /** Collects and validates options. Not thread-safe. */
    public static final class Builder
    {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private String terminalId;
        private TerminalKind kind;
        private String regionCode;
        private boolean autoAck = true;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration reconnectMin = DEFAULT_RECONNECT_MIN;
        private Duration reconnectMax = DEFAULT_RECONNECT_MAX;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
        private int maxPendingPublishes = DEFAULT_MAX_PENDING_PUBLISHES;
        private String clientName = "emcomm-java/0.1";
        private String linkProfile = "";
        private String credential = "";
        private Path tlsCa;
        private Path tlsCertificate;
        private Path tlsKey;
        private boolean tlsVerifyHostname = true;
        private DeliveryListener deliveryListener;
        private ConnectionListener connectionListener;

        private Builder()
        {
        }

        public Builder router(final String host, final int port)
        {
            this.host = host;
            this.port = port;
            return this;
        }

        public Builder terminal(final String terminalId, final TerminalKind kind, final String regionCode)
        {
            this.terminalId = terminalId;
            this.kind = kind;
            this.regionCode = regionCode;
            return this;
        }

        public Builder autoAck(final boolean autoAck)
        {
            this.autoAck = autoAck;
            return this;
        }

        public Builder connectTimeout(final Duration timeout)
        {
            this.connectTimeout = timeout;
            return this;
        }

        /** Reconnect delays start at {@code min} and double on each failed attempt up to {@code max}. */
        public Builder reconnectBackoff(final Duration min, final Duration max)
        {
            this.reconnectMin = min;
            this.reconnectMax = max;
            return this;
        }

        public Builder requestTimeout(final Duration timeout)
        {
            this.requestTimeout = timeout;
            return this;
        }

        public Builder heartbeatInterval(final Duration interval)
        {
            this.heartbeatInterval = interval;
            return this;
        }

        public Builder maxPendingPublishes(final int max)
        {
            this.maxPendingPublishes = max;
            return this;
        }

        public Builder clientName(final String clientName)
        {
            this.clientName = clientName;
            return this;
        }

        /**
         * Asks the router to shape deliveries for a narrow link: a named profile or {@code rate:<bytes per
         * second>} (see docs/delivery.md); "" (the default) means unshaped. The router refuses an unknown
         * profile at login.
         */
        public Builder linkProfile(final String linkProfile)
        {
            this.linkProfile = linkProfile == null ? "" : linkProfile;
            return this;
        }

        /** The terminal's token ({@code emcomm credential}) when the router runs {@code emcomm.auth.mode=token}. */
        public Builder credential(final String credential)
        {
            this.credential = credential == null ? "" : credential;
            return this;
        }

        /**
         * Reaches the router over TLS 1.3 (docs/security.md), trusting the CA certificate(s) in {@code caPem}
         * to have signed the router's certificate; null trusts the JDK's default CAs (still TLS when
         * {@link #tlsClientCertificate} is given).
         */
        public Builder tls(final Path caPem)
        {
            this.tlsCa = caPem;
            return this;
        }

        /**
         * The certificate this terminal presents when the router runs {@code emcomm.auth.mode=mtls}: its chain
         * (PEM, the terminal's certificate first, CN = the terminal id) and its private key (PEM, PKCS#8:
         * {@code openssl pkcs8 -topk8 -nocrypt}). Implies TLS. Null for both removes it.
         */
        public Builder tlsClientCertificate(final Path certificateChainPem, final Path privateKeyPem)
        {
            this.tlsCertificate = certificateChainPem;
            this.tlsKey = privateKeyPem;
            return this;
        }

        /**
         * Whether the router's certificate must name the host given to {@link #router} in its subjectAltName
         * (DNS name or IP address), as HTTPS does. On by default; turn it off only where the router is
         * dialled by an address its certificate does not list and the CA is the network's own.
         */
        public Builder tlsVerifyHostname(final boolean verify)
        {
            this.tlsVerifyHostname = verify;
            return this;
        }

        public Builder deliveryListener(final DeliveryListener listener)
        {
            this.deliveryListener = listener;
            return this;
        }

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
            if (host == null || host.isEmpty())
            {
                throw new IllegalArgumentException("router host is empty");
            }
            if (port < 1 || port > 65535)
            {
                throw new IllegalArgumentException("router port " + port + " is not in 1..65535");
            }
            if (!Address.isValidTerminalId(terminalId))
            {
                throw new IllegalArgumentException("terminal id '" + terminalId + "' must be 1-64 of [A-Za-z0-9._-]");
            }
            if (kind == null || kind == TerminalKind.TERMINAL_KIND_UNSPECIFIED || kind == TerminalKind.UNRECOGNIZED)
            {
                throw new IllegalArgumentException("terminal kind must be air, space, ground or command-post");
            }
            final String regionProblem = RegionCode.problem(regionCode);
            if (regionProblem != null)
            {
                throw new IllegalArgumentException(regionProblem);
            }
            positive("connect timeout", connectTimeout);
            positive("reconnect backoff minimum", reconnectMin);
            positive("heartbeat interval", heartbeatInterval);
            if (reconnectMax == null || reconnectMax.compareTo(reconnectMin) < 0)
            {
                throw new IllegalArgumentException("reconnect backoff maximum is below the minimum");
            }
            if (requestTimeout == null || requestTimeout.isNegative())
            {
                throw new IllegalArgumentException("request timeout must be zero (none) or positive");
            }
            if (maxPendingPublishes < 1)
            {
                throw new IllegalArgumentException("max pending publishes must be at least 1");
            }
            Objects.requireNonNull(clientName, "clientName");
            if ((tlsCertificate == null) != (tlsKey == null))
            {
                throw new IllegalArgumentException("TLS client certificate and key: give both or neither");
            }
            final SslContext ssl = tlsCa == null && tlsCertificate == null ? null :
                ClientTls.context(tlsCa, tlsCertificate, tlsKey, tlsVerifyHostname);
            return new ClientOptions(this, ssl);
        }

        private static void positive(final String name, final Duration value)
        {
            if (value == null || value.isNegative() || value.isZero())
            {
                throw new IllegalArgumentException(name + " must be positive");
            }
        }
    }
}
