package io.emcomm.router.config;

import io.emcomm.protocol.address.Address;
import io.emcomm.protocol.frame.Frames;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The router's one configuration object, immutable and validated once by {@link Builder#build()}.
 *
 * <p>Every property has a key (used in the configuration file and as a {@code -D} system property) and an
 * environment variable (the key upper-cased with dots as underscores, e.g. {@code EMCOMM_PORT}).
 * Precedence, lowest first: defaults, the file, system properties, environment, explicit builder calls
 * made after {@link Builder#load}.
 */
public final class RouterConfig
{
    public static final String HOST_PROP = "emcomm.host";
    public static final String HOST_DEFAULT = "127.0.0.1";
    public static final String PORT_PROP = "emcomm.port";
    public static final int PORT_DEFAULT = 7400;
    public static final String DATA_PROP = "emcomm.data";
    public static final String DATA_DEFAULT = "data";
    public static final String MAX_FRAME_PROP = "emcomm.max.frame.bytes";
    public static final String IO_THREADS_PROP = "emcomm.io.threads";
    public static final String JOURNAL_SYNC_PROP = "emcomm.journal.sync";
    public static final String ROUTER_ID_PROP = "emcomm.router.id";
    public static final String ROUTER_ID_DEFAULT = "emcomm-1";
    /**
     * The router id is the origin of receipts and of escalated FLASH copies, so it is a terminal id (1-64 of
     * {@code [A-Za-z0-9._-]}). The bound keeps every frame the router sends within the {@code max_frame_bytes
     * + 128} that clients accept (protocol.md section 1): an escalated copy of a maximal envelope (at most
     * {@code max_frame_bytes - 1} bytes) replaces an origin of at least 1 character by this id (+63 bytes at
     * most), its sequence by the router's (+9 at most), its creation time (+10 at most, when it had none) and
     * its addresses by one {@code up:} address of a region of at most 12 digits (+6 at most over the shortest
     * address that can reach a terminal of that region); the DELIVERY or REPLAY_ITEM around it adds at most
     * 39 (type 1, index 11, envelope tag and length 5, journal time 11, replay request id 11), all varints at
     * their widest. 63 + 9 + 10 + 6 + 39 - 1 = 126 <= 128 (EscalatedFrameBoundTest measures it). A receipt
     * holds at most three ids of 64 characters and a few numbers: under 400 bytes, far below the smallest
     * {@code max_frame_bytes} (1,024).
     */
    public static final int MAX_ROUTER_ID_LENGTH = 64;
    public static final String HEARTBEAT_PROP = "emcomm.heartbeat.interval.ms";
    public static final int HEARTBEAT_DEFAULT_MS = 10_000;
    public static final String OUTBOUND_LIMIT_PROP = "emcomm.outbound.queue.limit";
    public static final int OUTBOUND_LIMIT_DEFAULT = 65_536;
    /** Delivery bytes one session may hold in memory (queued, or written and not yet on the socket). */
    public static final String OUTBOUND_SESSION_BYTES_PROP = "emcomm.outbound.session.bytes";
    /** The per-session default is at most this, and at most a quarter of the router-wide budget. */
    public static final long OUTBOUND_SESSION_BYTES_DEFAULT_MAX = 8L << 20;
    public static final long OUTBOUND_SESSION_BYTES_MIN = 64L << 10;
    /** Delivery bytes all sessions together may hold in memory. */
    public static final String OUTBOUND_ROUTER_BYTES_PROP = "emcomm.outbound.router.bytes";

    public static final String TIMER_PROP = "emcomm.timer.interval.ms";
    public static final int TIMER_DEFAULT_MS = 1_000;
    public static final String WINDOW_PROP = "emcomm.delivery.window";
    public static final int WINDOW_DEFAULT = 16_384;
    public static final String IN_FLIGHT_PROP = "emcomm.delivery.inflight";
    public static final int IN_FLIGHT_DEFAULT = 128;
    public static final String FLASH_TIMEOUT_PROP = "emcomm.flash.ack.timeout.ms";
    public static final int FLASH_TIMEOUT_DEFAULT_MS = 30_000;
    public static final String FLASH_ESCALATE_PROP = "emcomm.flash.escalate";
    public static final String SLOW_CONSUMER_PROP = "emcomm.slow.consumer.disconnect.ms";
    public static final int SLOW_CONSUMER_DEFAULT_MS = 120_000;

    public static final String AUTH_MODE_PROP = "emcomm.auth.mode";
    public static final String TERMINALS_FILE_PROP = "emcomm.auth.terminals.file";
    public static final String ACL_FILE_PROP = "emcomm.acl.file";
    public static final String TLS_CERT_PROP = "emcomm.tls.cert";
    public static final String TLS_KEY_PROP = "emcomm.tls.key";
    public static final String TLS_CA_PROP = "emcomm.tls.ca";
    public static final String LIMIT_MSGS_PROP = "emcomm.limit.msgs.per.sec";
    public static final String LIMIT_BYTES_PROP = "emcomm.limit.bytes.per.sec";
    public static final String LIMIT_FLASH_FLOOR_PROP = "emcomm.limit.flash.floor.per.sec";
    public static final int LIMIT_FLASH_FLOOR_DEFAULT = 10;
    public static final String LIMIT_SUBSCRIPTIONS_PROP = "emcomm.limit.subscriptions";
    public static final int LIMIT_SUBSCRIPTIONS_DEFAULT = 256;
    public static final String IDLE_TIMEOUT_PROP = "emcomm.idle.timeout.ms";
    public static final int IDLE_TIMEOUT_DEFAULT_MS = 120_000;
    public static final String HANDSHAKE_TIMEOUT_PROP = "emcomm.handshake.timeout.ms";
    public static final int HANDSHAKE_TIMEOUT_DEFAULT_MS = 10_000;
    public static final String MAX_CONNECTIONS_PROP = "emcomm.max.connections";
    public static final String VALIDATE_BODIES_PROP = "emcomm.validate.bodies";
    public static final int MAX_CONNECTIONS_DEFAULT = 20_000;

    public static final String ADMIN_HOST_PROP = "emcomm.admin.host";
    public static final String ADMIN_HOST_DEFAULT = "127.0.0.1";
    public static final String ADMIN_PORT_PROP = "emcomm.admin.port";
    public static final int ADMIN_PORT_DEFAULT = 7401;
    public static final String ROLL_CYCLE_PROP = "emcomm.journal.roll.cycle";
    public static final String ROLL_CYCLE_DEFAULT = "FAST_DAILY";
    public static final String RETENTION_HOURS_PROP = "emcomm.journal.retention.hours";
    public static final String RETENTION_MB_PROP = "emcomm.journal.retention.mb";
    public static final String RETENTION_INTERVAL_PROP = "emcomm.journal.retention.interval.ms";
    public static final int RETENTION_INTERVAL_DEFAULT_MS = 60_000;
    public static final String DISK_MIN_FREE_PROP = "emcomm.disk.min.free.mb";
    public static final long DISK_MIN_FREE_DEFAULT_MB = 256;
    public static final String SHUTDOWN_DRAIN_PROP = "emcomm.shutdown.drain.ms";
    public static final int SHUTDOWN_DRAIN_DEFAULT_MS = 5_000;

    /** The Chronicle roll cycles a journal may use, shortest first. */
    public static final java.util.List<String> ROLL_CYCLES = java.util.List.of("FIVE_MINUTELY", "TEN_MINUTELY",
        "TWENTY_MINUTELY", "HALF_HOURLY", "FAST_HOURLY", "TWO_HOURLY", "FOUR_HOURLY", "SIX_HOURLY", "FAST_DAILY", "WEEKLY");

    /** Every key this class understands, so that a misspelt key in a file is reported, not ignored. */
    public static final Set<String> KEYS = Set.of(HOST_PROP, PORT_PROP, DATA_PROP, MAX_FRAME_PROP, IO_THREADS_PROP,
        JOURNAL_SYNC_PROP, ROUTER_ID_PROP, HEARTBEAT_PROP, OUTBOUND_LIMIT_PROP, OUTBOUND_SESSION_BYTES_PROP, OUTBOUND_ROUTER_BYTES_PROP, TIMER_PROP, WINDOW_PROP, IN_FLIGHT_PROP, FLASH_TIMEOUT_PROP,
        FLASH_ESCALATE_PROP, SLOW_CONSUMER_PROP, AUTH_MODE_PROP, TERMINALS_FILE_PROP, ACL_FILE_PROP, TLS_CERT_PROP, TLS_KEY_PROP,
        TLS_CA_PROP, LIMIT_MSGS_PROP, LIMIT_BYTES_PROP, LIMIT_FLASH_FLOOR_PROP, LIMIT_SUBSCRIPTIONS_PROP, IDLE_TIMEOUT_PROP,
        HANDSHAKE_TIMEOUT_PROP, MAX_CONNECTIONS_PROP, VALIDATE_BODIES_PROP, ADMIN_HOST_PROP, ADMIN_PORT_PROP, ROLL_CYCLE_PROP,
        RETENTION_HOURS_PROP, RETENTION_MB_PROP, RETENTION_INTERVAL_PROP, DISK_MIN_FREE_PROP, SHUTDOWN_DRAIN_PROP);

    private final String host;
    private final int port;
    private final Path dataDir;
    private final int maxFrameBytes;
    private final int ioThreads;
    private final JournalSync journalSync;
    private final String routerId;
    private final int heartbeatIntervalMs;
    private final int outboundQueueLimit;
    private final long outboundSessionBytes;
    private final long outboundRouterBytes;
    private final int timerIntervalMs;
    private final int deliveryWindow;
    private final int inFlightLimit;
    private final int flashAckTimeoutMs;
    private final boolean flashEscalate;
    private final int slowConsumerDisconnectMs;
    private final String adminHost;
    private final int adminPort;
    private final String rollCycle;
    private final int retentionHours;
    private final long retentionMb;
    private final int retentionIntervalMs;
    private final long diskMinFreeMb;
    private final int shutdownDrainMs;

    private final SecuritySettings security;

    private RouterConfig(final Builder b)
    {
        security = b.security.build();
        adminHost = b.adminHost;
        adminPort = b.adminPort;
        rollCycle = b.rollCycle;
        retentionHours = b.retentionHours;
        retentionMb = b.retentionMb;
        retentionIntervalMs = b.retentionIntervalMs;
        diskMinFreeMb = b.diskMinFreeMb;
        shutdownDrainMs = b.shutdownDrainMs;
        timerIntervalMs = b.timerIntervalMs;
        deliveryWindow = b.deliveryWindow;
        inFlightLimit = b.inFlightLimit;
        flashAckTimeoutMs = b.flashAckTimeoutMs;
        flashEscalate = b.flashEscalate;
        slowConsumerDisconnectMs = b.slowConsumerDisconnectMs;
        host = b.host;
        port = b.port;
        dataDir = b.dataDir;
        maxFrameBytes = b.maxFrameBytes;
        ioThreads = b.ioThreads;
        journalSync = b.journalSync;
        routerId = b.routerId;
        heartbeatIntervalMs = b.heartbeatIntervalMs;
        outboundQueueLimit = b.outboundQueueLimit;
        outboundRouterBytes = b.outboundRouterBytes;
        outboundSessionBytes = b.outboundSessionBytes > 0 ? b.outboundSessionBytes : defaultOutboundSessionBytes(outboundRouterBytes);
    }

    /**
     * Half of the direct memory Netty may use ({@code -XX:MaxDirectMemorySize}, or the heap limit when that is not
     * set): delivery frames live there, and the other half is left to read buffers, allocator slack and acks.
     */
    public static long defaultOutboundRouterBytes()
    {
        return Math.max(OUTBOUND_SESSION_BYTES_MIN, io.netty.util.internal.PlatformDependent.maxDirectMemory() / 2);
    }

    /** 8 MiB, or a quarter of the router-wide budget when that is smaller (but never below 64 KiB). */
    public static long defaultOutboundSessionBytes(final long routerBytes)
    {
        return Math.max(OUTBOUND_SESSION_BYTES_MIN, Math.min(OUTBOUND_SESSION_BYTES_DEFAULT_MAX, routerBytes / 4));
    }

    public static Builder builder()
    {
        return new Builder();
    }

    public String host()
    {
        return host;
    }

    public int port()
    {
        return port;
    }

    public Path dataDir()
    {
        return dataDir;
    }

    public Path journalDir()
    {
        return dataDir.resolve("journal");
    }

    public int maxFrameBytes()
    {
        return maxFrameBytes;
    }

    public int ioThreads()
    {
        return ioThreads;
    }

    public JournalSync journalSync()
    {
        return journalSync;
    }

    public String routerId()
    {
        return routerId;
    }

    public int heartbeatIntervalMs()
    {
        return heartbeatIntervalMs;
    }

    /** Deliveries queued for one session beyond which it counts as a slow consumer. */
    public int outboundQueueLimit()
    {
        return outboundQueueLimit;
    }

    /**
     * Delivery bytes one session may hold in memory, queued or written and not yet on the socket; past this its
     * ROUTINE and PRIORITY messages wait in the journal (docs/delivery.md).
     */
    public long outboundSessionBytes()
    {
        return outboundSessionBytes;
    }

    /**
     * Delivery bytes all sessions together may hold; near it, sessions that do not read fall back to the journal,
     * and at it the stalled ones holding the most are disconnected (docs/delivery.md).
     */
    public long outboundRouterBytes()
    {
        return outboundRouterBytes;
    }

    /** Authentication, authorization, TLS and per-connection limits. */
    public SecuritySettings security()
    {
        return security;
    }

    /** How often each session checks its FLASH deadlines and the slow-consumer limit. */
    public int timerIntervalMs()
    {
        return timerIntervalMs;
    }

    /** Unacknowledged messages one terminal may have outstanding before it is fed from the journal instead. */
    public int deliveryWindow()
    {
        return deliveryWindow;
    }

    /**
     * ROUTINE and PRIORITY messages written to a terminal and not yet acknowledged, at most: past this they
     * wait in the router's precedence queue, where a FLASH can still overtake them, instead of in socket
     * buffers, where it cannot.
     */
    public int inFlightLimit()
    {
        return inFlightLimit;
    }

    public int flashAckTimeoutMs()
    {
        return flashAckTimeoutMs;
    }

    public boolean flashEscalate()
    {
        return flashEscalate;
    }

    /** 0 = never disconnect a session that stopped reading. */
    public int slowConsumerDisconnectMs()
    {
        return slowConsumerDisconnectMs;
    }

    /** Address of the admin HTTP endpoint (metrics, health); loopback unless configured otherwise. */
    public String adminHost()
    {
        return adminHost;
    }

    /** Port of the admin HTTP endpoint; 0 picks a free one, -1 turns it off. */
    public int adminPort()
    {
        return adminPort;
    }

    /** The Chronicle roll cycle name of a new journal (an existing journal keeps its own). */
    public String rollCycle()
    {
        return rollCycle;
    }

    /** Roll files whose cycle ended longer ago than this are deleted; 0 = keep forever. */
    public int retentionHours()
    {
        return retentionHours;
    }

    /** The oldest roll files are deleted while the journal is larger than this; 0 = no limit. */
    public long retentionMb()
    {
        return retentionMb;
    }

    public int retentionIntervalMs()
    {
        return retentionIntervalMs;
    }

    /** Publishes are refused while the journal's disk has less free space than this; 0 = never. */
    public long diskMinFreeMb()
    {
        return diskMinFreeMb;
    }

    /** How long a graceful shutdown waits for sessions to take their going-away frame and close. */
    public int shutdownDrainMs()
    {
        return shutdownDrainMs;
    }

    @Override
    public String toString()
    {
        return "RouterConfig{host=" + host + ", port=" + port + ", data=" + dataDir + ", maxFrameBytes=" + maxFrameBytes
            + ", ioThreads=" + ioThreads + ", journalSync=" + journalSync + ", routerId=" + routerId + '}';
    }

    /** Fluent builder; {@link #build()} validates every value and names the offending key. */
    public static final class Builder
    {
        private String host = HOST_DEFAULT;
        private int port = PORT_DEFAULT;
        private Path dataDir = Path.of(DATA_DEFAULT);
        private int maxFrameBytes = Frames.DEFAULT_MAX_FRAME_BYTES;
        private int ioThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
        private JournalSync journalSync = JournalSync.NONE;
        private String routerId = ROUTER_ID_DEFAULT;
        private int heartbeatIntervalMs = HEARTBEAT_DEFAULT_MS;
        private int outboundQueueLimit = OUTBOUND_LIMIT_DEFAULT;
        /** 0 = derived from the router-wide budget at build time. */
        private long outboundSessionBytes;
        private long outboundRouterBytes = defaultOutboundRouterBytes();
        private int timerIntervalMs = TIMER_DEFAULT_MS;
        private int deliveryWindow = WINDOW_DEFAULT;
        private int inFlightLimit = IN_FLIGHT_DEFAULT;
        private int flashAckTimeoutMs = FLASH_TIMEOUT_DEFAULT_MS;
        private boolean flashEscalate = true;
        private int slowConsumerDisconnectMs = SLOW_CONSUMER_DEFAULT_MS;
        private final SecuritySettings.Builder security = new SecuritySettings.Builder();
        private String adminHost = ADMIN_HOST_DEFAULT;
        private int adminPort = ADMIN_PORT_DEFAULT;
        private String rollCycle = ROLL_CYCLE_DEFAULT;
        private int retentionHours;
        private long retentionMb;
        private int retentionIntervalMs = RETENTION_INTERVAL_DEFAULT_MS;
        private long diskMinFreeMb = DISK_MIN_FREE_DEFAULT_MB;
        private int shutdownDrainMs = SHUTDOWN_DRAIN_DEFAULT_MS;

        private Builder()
        {
        }

        /**
         * Applies a properties file (may be null), then system properties, then environment variables (either
         * may be null). A key in the {@code emcomm.} namespace that is not a setting is refused from every
         * source, with the nearest known key as a suggestion ({@link ConfigSources} lists the exceptions).
         *
         * @throws ConfigException naming the key of an unknown or invalid value, or the file and why it
         *                         cannot be read.
         */
        public Builder load(final Path file, final Properties system, final Map<String, String> env)
        {
            if (file != null)
            {
                apply(ConfigSources.readFile(file, KEYS)::getProperty);
            }
            if (system != null)
            {
                ConfigSources.checkSystem(system, KEYS);
                apply(system::getProperty);
            }
            if (env != null)
            {
                ConfigSources.checkEnvironment(env, KEYS);
                apply(key -> env.get(ConfigSources.envName(key)));
            }
            return this;
        }

        private void apply(final java.util.function.Function<String, String> source)
        {
            for (final String key : KEYS)
            {
                final String value = source.apply(key);
                if (value != null)
                {
                    set(key, value.trim());
                }
            }
        }

        /** Sets one property by key, as from a file. */
        public Builder set(final String key, final String value)
        {
            switch (key)
            {
                case HOST_PROP: host = value; break;
                case PORT_PROP: port = parseInt(key, value); break;
                case DATA_PROP: dataDir = Path.of(value); break;
                case MAX_FRAME_PROP: maxFrameBytes = parseInt(key, value); break;
                case IO_THREADS_PROP: ioThreads = parseInt(key, value); break;
                case JOURNAL_SYNC_PROP:
                    try
                    {
                        journalSync = JournalSync.valueOf(value.toUpperCase(Locale.ROOT));
                    }
                    catch (final IllegalArgumentException ex)
                    {
                        throw new ConfigException(key + ": '" + value + "' is not one of none, batch");
                    }
                    break;
                case ROUTER_ID_PROP: routerId = value; break;
                case HEARTBEAT_PROP: heartbeatIntervalMs = parseInt(key, value); break;
                case OUTBOUND_LIMIT_PROP: outboundQueueLimit = parseInt(key, value); break;
                case OUTBOUND_SESSION_BYTES_PROP: outboundSessionBytes = parseLong(key, value); break;
                case OUTBOUND_ROUTER_BYTES_PROP: outboundRouterBytes = parseLong(key, value); break;
                case TIMER_PROP: timerIntervalMs = parseInt(key, value); break;
                case WINDOW_PROP: deliveryWindow = parseInt(key, value); break;
                case IN_FLIGHT_PROP: inFlightLimit = parseInt(key, value); break;
                case FLASH_TIMEOUT_PROP: flashAckTimeoutMs = parseInt(key, value); break;
                case FLASH_ESCALATE_PROP:
                    if (!value.equals("true") && !value.equals("false"))
                    {
                        throw new ConfigException(key + ": '" + value + "' is not true or false");
                    }
                    flashEscalate = Boolean.parseBoolean(value);
                    break;
                case SLOW_CONSUMER_PROP: slowConsumerDisconnectMs = parseInt(key, value); break;
                case ADMIN_HOST_PROP: adminHost = value; break;
                case ADMIN_PORT_PROP: adminPort = parseInt(key, value); break;
                case ROLL_CYCLE_PROP: rollCycle = value.toUpperCase(Locale.ROOT); break;
                case RETENTION_HOURS_PROP: retentionHours = parseInt(key, value); break;
                case RETENTION_MB_PROP: retentionMb = parseLong(key, value); break;
                case RETENTION_INTERVAL_PROP: retentionIntervalMs = parseInt(key, value); break;
                case DISK_MIN_FREE_PROP: diskMinFreeMb = parseLong(key, value); break;
                case SHUTDOWN_DRAIN_PROP: shutdownDrainMs = parseInt(key, value); break;
                default:
                    if (!security.set(key, value))
                    {
                        throw new ConfigException("unknown configuration key '" + key + "'");
                    }
                    break;
            }
            return this;
        }

        private static int parseInt(final String key, final String value)
        {
            try
            {
                return Integer.parseInt(value);
            }
            catch (final NumberFormatException ex)
            {
                throw new ConfigException(key + ": '" + value + "' is not an integer");
            }
        }

        private static long parseLong(final String key, final String value)
        {
            try
            {
                return Long.parseLong(value);
            }
            catch (final NumberFormatException ex)
            {
                throw new ConfigException(key + ": '" + value + "' is not an integer");
            }
        }

        public Builder adminHost(final String adminHost)
        {
            this.adminHost = adminHost;
            return this;
        }

        public Builder adminPort(final int adminPort)
        {
            this.adminPort = adminPort;
            return this;
        }

        public Builder rollCycle(final String rollCycle)
        {
            this.rollCycle = rollCycle;
            return this;
        }

        public Builder retentionHours(final int retentionHours)
        {
            this.retentionHours = retentionHours;
            return this;
        }

        public Builder retentionMb(final long retentionMb)
        {
            this.retentionMb = retentionMb;
            return this;
        }

        public Builder retentionIntervalMs(final int retentionIntervalMs)
        {
            this.retentionIntervalMs = retentionIntervalMs;
            return this;
        }

        public Builder diskMinFreeMb(final long diskMinFreeMb)
        {
            this.diskMinFreeMb = diskMinFreeMb;
            return this;
        }

        public Builder shutdownDrainMs(final int shutdownDrainMs)
        {
            this.shutdownDrainMs = shutdownDrainMs;
            return this;
        }

        public Builder host(final String host)
        {
            this.host = host;
            return this;
        }

        public Builder port(final int port)
        {
            this.port = port;
            return this;
        }

        public Builder dataDir(final Path dataDir)
        {
            this.dataDir = dataDir;
            return this;
        }

        public Builder maxFrameBytes(final int maxFrameBytes)
        {
            this.maxFrameBytes = maxFrameBytes;
            return this;
        }

        public Builder ioThreads(final int ioThreads)
        {
            this.ioThreads = ioThreads;
            return this;
        }

        public Builder journalSync(final JournalSync journalSync)
        {
            this.journalSync = journalSync;
            return this;
        }

        public Builder routerId(final String routerId)
        {
            this.routerId = routerId;
            return this;
        }

        public Builder heartbeatIntervalMs(final int heartbeatIntervalMs)
        {
            this.heartbeatIntervalMs = heartbeatIntervalMs;
            return this;
        }

        public Builder outboundQueueLimit(final int outboundQueueLimit)
        {
            this.outboundQueueLimit = outboundQueueLimit;
            return this;
        }

        public Builder outboundSessionBytes(final long outboundSessionBytes)
        {
            this.outboundSessionBytes = outboundSessionBytes;
            return this;
        }

        public Builder outboundRouterBytes(final long outboundRouterBytes)
        {
            this.outboundRouterBytes = outboundRouterBytes;
            return this;
        }

        /** The security part of the configuration, to set programmatically (tests). */
        public SecuritySettings.Builder security()
        {
            return security;
        }

        public Builder timerIntervalMs(final int timerIntervalMs)
        {
            this.timerIntervalMs = timerIntervalMs;
            return this;
        }

        public Builder inFlightLimit(final int inFlightLimit)
        {
            this.inFlightLimit = inFlightLimit;
            return this;
        }

        public Builder deliveryWindow(final int deliveryWindow)
        {
            this.deliveryWindow = deliveryWindow;
            return this;
        }

        public Builder flashAckTimeoutMs(final int flashAckTimeoutMs)
        {
            this.flashAckTimeoutMs = flashAckTimeoutMs;
            return this;
        }

        public Builder flashEscalate(final boolean flashEscalate)
        {
            this.flashEscalate = flashEscalate;
            return this;
        }

        public Builder slowConsumerDisconnectMs(final int slowConsumerDisconnectMs)
        {
            this.slowConsumerDisconnectMs = slowConsumerDisconnectMs;
            return this;
        }

        public RouterConfig build()
        {
            if (timerIntervalMs < 10 || timerIntervalMs > 60_000)
            {
                throw new ConfigException(TIMER_PROP + ": " + timerIntervalMs + " is outside 10..60000");
            }
            if (deliveryWindow < 16 || deliveryWindow > 1_048_576)
            {
                throw new ConfigException(WINDOW_PROP + ": " + deliveryWindow + " is outside 16..1048576");
            }
            if (inFlightLimit < 1 || inFlightLimit > deliveryWindow)
            {
                throw new ConfigException(IN_FLIGHT_PROP + ": " + inFlightLimit + " is outside 1.." + WINDOW_PROP + " (" + deliveryWindow + ")");
            }
            if (flashAckTimeoutMs < 10 || flashAckTimeoutMs > 3_600_000)
            {
                throw new ConfigException(FLASH_TIMEOUT_PROP + ": " + flashAckTimeoutMs + " is outside 10..3600000");
            }
            if (slowConsumerDisconnectMs < 0 || slowConsumerDisconnectMs > 86_400_000)
            {
                throw new ConfigException(SLOW_CONSUMER_PROP + ": " + slowConsumerDisconnectMs + " is outside 0..86400000");
            }
            if (host == null || host.isBlank())
            {
                throw new ConfigException(HOST_PROP + ": must not be empty");
            }
            if (port < 0 || port > 65535)
            {
                throw new ConfigException(PORT_PROP + ": " + port + " is not a TCP port (0-65535; 0 picks a free one)");
            }
            if (dataDir == null)
            {
                throw new ConfigException(DATA_PROP + ": must be set");
            }
            if (maxFrameBytes < Frames.MIN_MAX_FRAME_BYTES || maxFrameBytes > Frames.MAX_MAX_FRAME_BYTES)
            {
                throw new ConfigException(MAX_FRAME_PROP + ": " + maxFrameBytes + " is outside "
                    + Frames.MIN_MAX_FRAME_BYTES + ".." + Frames.MAX_MAX_FRAME_BYTES);
            }
            if (ioThreads < 1 || ioThreads > 256)
            {
                throw new ConfigException(IO_THREADS_PROP + ": " + ioThreads + " is outside 1..256");
            }
            if (routerId == null || routerId.isEmpty())
            {
                throw new ConfigException(ROUTER_ID_PROP + ": must not be empty");
            }
            if (routerId.length() > MAX_ROUTER_ID_LENGTH)
            {
                throw new ConfigException(ROUTER_ID_PROP + ": " + routerId.length() + " characters is too long (at most "
                    + MAX_ROUTER_ID_LENGTH + " of [A-Za-z0-9._-], as a terminal id)");
            }
            if (!Address.isValidTerminalId(routerId))
            {
                throw new ConfigException(ROUTER_ID_PROP + ": '" + routerId + "' must be 1-" + MAX_ROUTER_ID_LENGTH
                    + " of [A-Za-z0-9._-], as a terminal id");
            }
            if (heartbeatIntervalMs < 100 || heartbeatIntervalMs > 3_600_000)
            {
                throw new ConfigException(HEARTBEAT_PROP + ": " + heartbeatIntervalMs + " is outside 100..3600000");
            }
            if (outboundQueueLimit < 16 || outboundQueueLimit > 16_777_216)
            {
                throw new ConfigException(OUTBOUND_LIMIT_PROP + ": " + outboundQueueLimit + " is outside 16..16777216");
            }
            if (outboundRouterBytes < OUTBOUND_SESSION_BYTES_MIN || outboundRouterBytes > 1L << 50)
            {
                throw new ConfigException(OUTBOUND_ROUTER_BYTES_PROP + ": " + outboundRouterBytes + " is outside "
                    + OUTBOUND_SESSION_BYTES_MIN + ".." + (1L << 50));
            }
            if (outboundSessionBytes != 0 && (outboundSessionBytes < OUTBOUND_SESSION_BYTES_MIN || outboundSessionBytes > outboundRouterBytes))
            {
                throw new ConfigException(OUTBOUND_SESSION_BYTES_PROP + ": " + outboundSessionBytes + " is outside "
                    + OUTBOUND_SESSION_BYTES_MIN + ".." + OUTBOUND_ROUTER_BYTES_PROP + " (" + outboundRouterBytes + ")");
            }
            if (adminHost == null || adminHost.isBlank())
            {
                throw new ConfigException(ADMIN_HOST_PROP + ": must not be empty");
            }
            if (adminPort < -1 || adminPort > 65535)
            {
                throw new ConfigException(ADMIN_PORT_PROP + ": " + adminPort + " is not a TCP port (0-65535; 0 picks a free one, -1 turns the admin endpoint off)");
            }
            if (!ROLL_CYCLES.contains(rollCycle))
            {
                throw new ConfigException(ROLL_CYCLE_PROP + ": '" + rollCycle + "' is not one of " + ROLL_CYCLES);
            }
            if (retentionHours < 0 || retentionHours > 876_000)
            {
                throw new ConfigException(RETENTION_HOURS_PROP + ": " + retentionHours + " is outside 0..876000");
            }
            if (retentionMb < 0 || retentionMb > 1L << 40)
            {
                throw new ConfigException(RETENTION_MB_PROP + ": " + retentionMb + " is outside 0.." + (1L << 40));
            }
            if (retentionIntervalMs < 100 || retentionIntervalMs > 86_400_000)
            {
                throw new ConfigException(RETENTION_INTERVAL_PROP + ": " + retentionIntervalMs + " is outside 100..86400000");
            }
            if (diskMinFreeMb < 0 || diskMinFreeMb > 1L << 40)
            {
                throw new ConfigException(DISK_MIN_FREE_PROP + ": " + diskMinFreeMb + " is outside 0.." + (1L << 40));
            }
            if (shutdownDrainMs < 0 || shutdownDrainMs > 600_000)
            {
                throw new ConfigException(SHUTDOWN_DRAIN_PROP + ": " + shutdownDrainMs + " is outside 0..600000");
            }
            return new RouterConfig(this);
        }
    }
}
