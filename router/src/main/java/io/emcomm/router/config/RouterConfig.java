package io.emcomm.router.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static io.emcomm.router.config.Settings.*;

/**
 * The router's one configuration object: the router id and one record per concern, immutable and validated
 * once by {@link Builder#build()}. Each setting is declared once in {@link Settings} (key, default, parser,
 * range, unit, description); the shorthand accessors below ({@link #port()}, {@link #deliveryWindow()}, ...)
 * read the concern records for the callers that predate them.
 *
 * <p>Every setting has a key (used in the configuration file and as a {@code -D} system property) and an
 * environment variable (the key upper-cased with dots as underscores, e.g. {@code EMCOMM_PORT}). Precedence,
 * lowest first: defaults, the file, system properties, environment, explicit builder calls made after
 * {@link Builder#load}. Thread-safe (immutable).
 *
 * @param routerId  the router's name: origin of receipts and escalations, a terminal id ({@code emcomm.router.id}).
 * @param network   the terminal port and its connections.
 * @param journal   the data folder and how the journal writes.
 * @param retention how much journal is kept, and the disk guard.
 * @param delivery  windows, queues, memory budgets, FLASH deadlines, slow consumers.
 * @param security  authentication, authorization, TLS and per-connection limits.
 * @param admin     the admin HTTP endpoint.
 * @param federation the region this router serves and its uplink to a parent router (docs/protocol.md section 14).
 */
public record RouterConfig(String routerId, NetworkSettings network, JournalSettings journal,
    RetentionSettings retention, DeliverySettings delivery, SecuritySettings security, AdminSettings admin,
    FederationSettings federation)
{
    /**
     * @throws ConfigException when the uplink's expected router id is this router's own id.
     */
    public RouterConfig
    {
        if (federation.hasUplink() && federation.uplinkRouterId().equals(routerId))
        {
            throw new ConfigException(UPLINK_ROUTER_ID.key() + ": '" + routerId + "' is this router's own "
                + ROUTER_ID.key() + "; the parent must have another");
        }
    }

    /** A builder at every default. */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * A builder for a router embedded on this machine: terminals on 127.0.0.1 at a port the system picks, the admin
     * endpoint likewise, its data in {@code dataDir}, two I/O event loops (enough that publisher and subscriber can
     * sit on different loops). For tests, demos and integrators' own test suites; read the bound ports from the
     * started router.
     */
    public static Builder loopback(final Path dataDir)
    {
        return new Builder().host("127.0.0.1").port(0).dataDir(dataDir).ioThreads(2).adminPort(0);
    }

    public String host()
    {
        return network.host();
    }

    public int port()
    {
        return network.port();
    }

    public int maxFrameBytes()
    {
        return network.maxFrameBytes();
    }

    public int ioThreads()
    {
        return network.ioThreads();
    }

    public int heartbeatIntervalMs()
    {
        return network.heartbeatIntervalMs();
    }

    /** How long a graceful shutdown waits for sessions to take their going-away frame and close. */
    public int shutdownDrainMs()
    {
        return network.shutdownDrainMs();
    }

    /** {@link NetworkSettings#intakeLagMs()}. */
    public int intakeLagMs()
    {
        return network.intakeLagMs();
    }

    /** {@link NetworkSettings#intakePauseMaxMs()}. */
    public int intakePauseMaxMs()
    {
        return network.intakePauseMaxMs();
    }

    public Path dataDir()
    {
        return journal.dataDir();
    }

    public Path journalDir()
    {
        return journal.journalDir();
    }

    public JournalSync journalSync()
    {
        return journal.sync();
    }

    /** The Chronicle roll cycle name of a new journal (an existing journal keeps its own). */
    public String rollCycle()
    {
        return journal.rollCycle();
    }

    /** Roll files whose cycle ended longer ago than this are deleted; 0 = keep forever. */
    public int retentionHours()
    {
        return retention.hours();
    }

    /** The oldest roll files are deleted while the journal is larger than this; 0 = no limit. */
    public long retentionMb()
    {
        return retention.mb();
    }

    public int retentionIntervalMs()
    {
        return retention.intervalMs();
    }

    /** Publishes are refused while the journal's disk has less free space than this; 0 = never. */
    public long diskMinFreeMb()
    {
        return retention.diskMinFreeMb();
    }

    /** {@link DeliverySettings#outboundQueueLimit()}. */
    public int outboundQueueLimit()
    {
        return delivery.outboundQueueLimit();
    }

    /** {@link DeliverySettings#sessionBytes()}. */
    public long outboundSessionBytes()
    {
        return delivery.sessionBytes();
    }

    /** {@link DeliverySettings#routerBytes()}. */
    public long outboundRouterBytes()
    {
        return delivery.routerBytes();
    }

    /** {@link DeliverySettings#window()}. */
    public int deliveryWindow()
    {
        return delivery.window();
    }

    /** {@link DeliverySettings#inFlightLimit()}. */
    public int inFlightLimit()
    {
        return delivery.inFlightLimit();
    }

    /** 0 = never disconnect a session that stopped reading. */
    public int slowConsumerDisconnectMs()
    {
        return delivery.slowConsumerDisconnectMs();
    }

    public int flashAckTimeoutMs()
    {
        return delivery.flashAckTimeoutMs();
    }

    public boolean flashEscalate()
    {
        return delivery.flashEscalate();
    }

    /** How often each session checks its FLASH deadlines and the slow-consumer limit. */
    public int timerIntervalMs()
    {
        return delivery.timerIntervalMs();
    }

    /** Address of the admin HTTP endpoint (metrics, health); loopback unless configured otherwise. */
    public String adminHost()
    {
        return admin.host();
    }

    /** Port of the admin HTTP endpoint; 0 picks a free one, -1 turns it off. */
    public int adminPort()
    {
        return admin.port();
    }

    @Override
    public String toString()
    {
        return "RouterConfig{host=" + host() + ", port=" + port() + ", data=" + dataDir() + ", maxFrameBytes="
            + maxFrameBytes() + ", ioThreads=" + ioThreads() + ", journalSync=" + journalSync() + ", routerId="
            + routerId + '}';
    }

    /**
     * Collects settings from the sources and from calls, then {@link #build()} checks every value against its
     * declaration, builds the records and names the offending key of the first bad value. Not thread-safe.
     */
    public static final class Builder
    {
        private final SettingValues values = new SettingValues();
        private final SecuritySettings.Builder security = new SecuritySettings.Builder(values);

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
            for (final Setting<?> setting : Settings.ALL)
            {
                final String value = source.apply(setting.key());
                if (value != null)
                {
                    values.set(setting.key(), value.trim());
                }
            }
        }

        /**
         * Sets one setting by key, as from a file.
         *
         * @throws ConfigException for an unknown key (with the nearest known one) or a value that does not parse.
         */
        public Builder set(final String key, final String value)
        {
            values.set(key, value);
            return this;
        }

        /** Sets one setting to a value; {@link #build()} checks it. */
        public <T> Builder set(final Setting<T> setting, final T value)
        {
            values.put(setting, value);
            return this;
        }

        public Builder host(final String host)
        {
            return set(HOST, host);
        }

        public Builder port(final int port)
        {
            return set(PORT, port);
        }

        public Builder dataDir(final Path dataDir)
        {
            return set(DATA, dataDir);
        }

        public Builder maxFrameBytes(final int maxFrameBytes)
        {
            return set(MAX_FRAME_BYTES, maxFrameBytes);
        }

        public Builder ioThreads(final int ioThreads)
        {
            return set(IO_THREADS, ioThreads);
        }

        /** {@code emcomm.intake.lag.ms} (0 turns the intake governor off). */
        public Builder intakeLagMs(final int intakeLagMs)
        {
            return set(INTAKE_LAG_MS, intakeLagMs);
        }

        /** {@code emcomm.intake.pause.max.ms}. */
        public Builder intakePauseMaxMs(final int intakePauseMaxMs)
        {
            return set(INTAKE_PAUSE_MAX_MS, intakePauseMaxMs);
        }

        public Builder journalSync(final JournalSync journalSync)
        {
            return set(JOURNAL_SYNC, journalSync);
        }

        public Builder routerId(final String routerId)
        {
            return set(ROUTER_ID, routerId);
        }

        public Builder heartbeatIntervalMs(final int heartbeatIntervalMs)
        {
            return set(HEARTBEAT_INTERVAL_MS, heartbeatIntervalMs);
        }

        public Builder shutdownDrainMs(final int shutdownDrainMs)
        {
            return set(SHUTDOWN_DRAIN_MS, shutdownDrainMs);
        }

        /**
         * The journal on the site's Kafka cluster (issue 15): {@code emcomm.journal.backend=kafka} and
         * {@code emcomm.kafka.bootstrap=bootstrap}.
         */
        public Builder kafka(final String bootstrap)
        {
            set(Settings.JOURNAL_BACKEND, JournalSettings.KAFKA);
            return set(Settings.KAFKA_BOOTSTRAP, bootstrap);
        }

        public Builder rollCycle(final String rollCycle)
        {
            return set(ROLL_CYCLE, rollCycle);
        }

        public Builder retentionHours(final int retentionHours)
        {
            return set(RETENTION_HOURS, retentionHours);
        }

        public Builder retentionMb(final long retentionMb)
        {
            return set(RETENTION_MB, retentionMb);
        }

        public Builder retentionIntervalMs(final int retentionIntervalMs)
        {
            return set(RETENTION_INTERVAL_MS, retentionIntervalMs);
        }

        public Builder diskMinFreeMb(final long diskMinFreeMb)
        {
            return set(DISK_MIN_FREE_MB, diskMinFreeMb);
        }

        public Builder outboundQueueLimit(final int outboundQueueLimit)
        {
            return set(OUTBOUND_QUEUE_LIMIT, outboundQueueLimit);
        }

        /** 0 derives it from the router budget (the default). */
        public Builder outboundSessionBytes(final long outboundSessionBytes)
        {
            return set(OUTBOUND_SESSION_BYTES, outboundSessionBytes);
        }

        public Builder outboundRouterBytes(final long outboundRouterBytes)
        {
            return set(OUTBOUND_ROUTER_BYTES, outboundRouterBytes);
        }

        public Builder deliveryWindow(final int deliveryWindow)
        {
            return set(DELIVERY_WINDOW, deliveryWindow);
        }

        public Builder inFlightLimit(final int inFlightLimit)
        {
            return set(DELIVERY_INFLIGHT, inFlightLimit);
        }

        public Builder slowConsumerDisconnectMs(final int slowConsumerDisconnectMs)
        {
            return set(SLOW_CONSUMER_DISCONNECT_MS, slowConsumerDisconnectMs);
        }

        public Builder flashAckTimeoutMs(final int flashAckTimeoutMs)
        {
            return set(FLASH_ACK_TIMEOUT_MS, flashAckTimeoutMs);
        }

        public Builder flashEscalate(final boolean flashEscalate)
        {
            return set(FLASH_ESCALATE, flashEscalate);
        }

        public Builder timerIntervalMs(final int timerIntervalMs)
        {
            return set(TIMER_INTERVAL_MS, timerIntervalMs);
        }

        /** {@code emcomm.router.region}: the region subtree this router serves; "" = everything. */
        public Builder region(final String region)
        {
            return set(ROUTER_REGION, region);
        }

        /**
         * The uplink to a parent router ({@code emcomm.uplink}, {@code emcomm.uplink.router.id}); "" and "" for none.
         *
         * @param hostPort       the parent's terminal port as {@code HOST:PORT}
         * @param parentRouterId the parent's {@code emcomm.router.id}, checked against its WELCOME
         */
        public Builder uplink(final String hostPort, final String parentRouterId)
        {
            set(UPLINK, hostPort);
            return set(UPLINK_ROUTER_ID, parentRouterId);
        }

        /** {@code emcomm.uplink.profile}: the uplink's link profile, "" for unshaped. */
        public Builder uplinkProfile(final String profile)
        {
            return set(UPLINK_PROFILE, profile);
        }

        /** {@code emcomm.uplink.credential}: the HELLO credential at the parent. */
        public Builder uplinkCredential(final String credential)
        {
            return set(UPLINK_CREDENTIAL, credential);
        }

        /** {@code emcomm.uplink.reconnect.max.ms}: the redial backoff's cap. */
        public Builder uplinkReconnectMaxMs(final int reconnectMaxMs)
        {
            return set(UPLINK_RECONNECT_MAX_MS, reconnectMaxMs);
        }

        public Builder adminHost(final String adminHost)
        {
            return set(ADMIN_HOST, adminHost);
        }

        public Builder adminPort(final int adminPort)
        {
            return set(ADMIN_PORT, adminPort);
        }

        /** The security part of the configuration, to set programmatically (tests). */
        public SecuritySettings.Builder security()
        {
            return security;
        }

        /**
         * Checks every value against its declaration, then builds the records (which check what relates two
         * settings).
         *
         * @throws ConfigException naming the key and the problem: "emcomm.io.threads: 0 is outside 1..256".
         */
        public RouterConfig build()
        {
            values.checkAll();
            return new RouterConfig(values.get(ROUTER_ID), NetworkSettings.from(values), JournalSettings.from(values),
                RetentionSettings.from(values), DeliverySettings.from(values), SecuritySettings.from(values),
                AdminSettings.from(values), FederationSettings.from(values));
        }
    }
}
