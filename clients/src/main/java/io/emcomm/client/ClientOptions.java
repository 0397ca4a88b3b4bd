package io.emcomm.client;

import io.emcomm.protocol.address.Address;
import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.region.RegionCode;
import io.emcomm.protocol.wire.TerminalKind;

import java.time.Duration;
import java.util.Objects;

/**
 * Everything an {@link EmcommClient} needs to know before it connects: where the router is, who this
 * terminal is, and how patient to be. Immutable and thread-safe; build one with {@link #builder()}.
 *
 * <pre>{@code
 * ClientOptions options = ClientOptions.builder()
 *     .router("127.0.0.1", 7400)
 *     .terminal("uav-07", TerminalKind.AIR, "520111")
 *     .build();
 * }</pre>
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
    private final int maxFrameBytes;
    private final String clientName;
    private final String linkProfile;
    private final String credential;
    private final DeliveryListener deliveryListener;
    private final ConnectionListener connectionListener;

    private ClientOptions(final Builder b)
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
        maxFrameBytes = b.maxFrameBytes;
        clientName = b.clientName;
        linkProfile = b.linkProfile;
        credential = b.credential;
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
        b.maxFrameBytes = maxFrameBytes;
        b.clientName = clientName;
        b.linkProfile = linkProfile;
        b.credential = credential;
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

    public int maxFrameBytes()
    {
        return maxFrameBytes;
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
            " @ " + host + ":" + port + ", autoAck=" + autoAck + "}";
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
        private int maxFrameBytes = Frames.DEFAULT_MAX_FRAME_BYTES;
        private String clientName = "emcomm-java/0.1";
        private String linkProfile = "";
        private String credential = "";
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

        public Builder maxFrameBytes(final int maxFrameBytes)
        {
            this.maxFrameBytes = maxFrameBytes;
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
         * Validates and freezes the options.
         *
         * @throws IllegalArgumentException naming the first bad option
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
            if (maxFrameBytes < Frames.MIN_MAX_FRAME_BYTES || maxFrameBytes > Frames.MAX_MAX_FRAME_BYTES)
            {
                throw new IllegalArgumentException("max frame bytes " + maxFrameBytes + " is not in " +
                    Frames.MIN_MAX_FRAME_BYTES + ".." + Frames.MAX_MAX_FRAME_BYTES);
            }
            Objects.requireNonNull(clientName, "clientName");
            return new ClientOptions(this);
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
