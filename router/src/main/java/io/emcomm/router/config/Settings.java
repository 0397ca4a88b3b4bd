package io.emcomm.router.config;

import io.emcomm.protocol.address.Address;
import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.region.RegionCode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Every setting of the router, declared once each, grouped by the record that carries it ({@link RouterConfig}'s
 * router id, {@link NetworkSettings}, {@link JournalSettings}, {@link RetentionSettings}, {@link DeliverySettings},
 * {@link SecuritySettings}, {@link AdminSettings}). Adding a setting is a declaration here and a component of its
 * record; the sources, the unknown-key check, validation, and the test that README.md's configuration table
 * matches (ReadmeConfigTableTest) follow from the declaration. The descriptions are the README's words.
 *
 * <p>Constants only; thread-safe.
 */
public final class Settings
{
    private static final List<Setting<?>> DECLARED = new ArrayList<>();

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
    /** The Chronicle roll cycles a journal may use, shortest first. */
    public static final List<String> ROLL_CYCLES = List.of("FIVE_MINUTELY", "TEN_MINUTELY", "TWENTY_MINUTELY",
        "HALF_HOURLY", "FAST_HOURLY", "TWO_HOURLY", "FOUR_HOURLY", "SIX_HOURLY", "FAST_DAILY", "WEEKLY");
    /** The smallest delivery byte budget, of one session or of the router. */
    public static final long OUTBOUND_BYTES_MIN = 64L << 10;
    /** The per-session default is at most this, and at most a quarter of the router-wide budget. */
    public static final long OUTBOUND_SESSION_BYTES_DEFAULT_MAX = 8L << 20;

    private static final int HOUR_MS = 3_600_000;
    private static final int DAY_MS = 86_400_000;

    // ---- identity -----------------------------------------------------------------------------------------
    public static final Setting<String> ROUTER_ID = declare(Setting.text("emcomm.router.id", "emcomm-1",
        Settings::routerIdProblem, "the router's name; origin of receipts and escalations; 1-64 of `[A-Za-z0-9._-]`, "
        + "like a terminal id"));
    public static final Setting<String> ROUTER_REGION = declare(Setting.optionalText("emcomm.router.region",
        "- (everything)", RegionCode::problem, "the region subtree this router serves (`--region`; docs/federation.md); "
        + "a child router must have one"));

    // ---- network (NetworkSettings) ------------------------------------------------------------------------
    public static final Setting<String> HOST = declare(Setting.text("emcomm.host", "127.0.0.1", Settings::notEmpty,
        "address to listen on"));
    public static final Setting<Integer> PORT = declare(Setting.integer("emcomm.port", 7400, 0, 65_535, "",
        "terminal port (0 = any free port)").checkedBy(port -> port >= 0 && port <= 65_535 ? null
        : port + " is not a TCP port (0-65535; 0 picks a free one)"));
    public static final Setting<Integer> MAX_FRAME_BYTES = declare(Setting.integer("emcomm.max.frame.bytes",
        Frames.DEFAULT_MAX_FRAME_BYTES, Frames.MIN_MAX_FRAME_BYTES, Frames.MAX_MAX_FRAME_BYTES, "bytes",
        "largest frame accepted (1,024..16,777,216)"));
    public static final Setting<Integer> IO_THREADS = declare(Setting.integer("emcomm.io.threads", 1, 1, 256, "threads",
        "Netty event loops").computedDefault(() -> Math.max(1, Runtime.getRuntime().availableProcessors()), "cores"));
    public static final Setting<Integer> HEARTBEAT_INTERVAL_MS = declare(Setting.integer("emcomm.heartbeat.interval.ms",
        10_000, 100, HOUR_MS, "ms", "advertised to clients in WELCOME"));
    public static final Setting<Integer> INTAKE_LAG_MS = declare(Setting.integer("emcomm.intake.lag.ms", 2, 0, 1_000,
        "ms", "event-loop lag at which the router counts as overloaded and pauses reading from connections that "
        + "publish only ROUTINE/PRIORITY, so FLASH and IMMEDIATE go first (docs/delivery.md; 0 = never pause)"));
    public static final Setting<Integer> INTAKE_PAUSE_MAX_MS = declare(Setting.integer("emcomm.intake.pause.max.ms", 20,
        1, 10_000, "ms", "longest single such pause; reading resumes sooner once no event loop lags"));
    public static final Setting<Integer> SHUTDOWN_DRAIN_MS = declare(Setting.integer("emcomm.shutdown.drain.ms", 5_000,
        0, 600_000, "ms", "on SIGTERM, how long to wait for sessions to take GOING_AWAY and close (0..600,000)"));

    // ---- journal (JournalSettings) ------------------------------------------------------------------------
    public static final Setting<Path> DATA = declare(Setting.path("emcomm.data", "data",
        "data folder: `journal/`, `cursors/` and `router.lock`; one router per folder (a second is refused, "
        + "docs/operations.md)"));
    public static final Setting<JournalSync> JOURNAL_SYNC = declare(Setting.choice("emcomm.journal.sync",
        JournalSync.class, JournalSync.NONE, "`none`: acked once in the page cache (survives a process crash); "
        + "`batch`: msync once per read batch before the acks go out (survives power loss)"));
    public static final Setting<String> ROLL_CYCLE = declare(Setting.text("emcomm.journal.roll.cycle", "FAST_DAILY",
        cycle -> ROLL_CYCLES.contains(cycle) ? null : "'" + cycle + "' is not one of " + ROLL_CYCLES,
        "Chronicle roll cycle of a new journal: `FIVE_MINUTELY`, `TEN_MINUTELY`, `TWENTY_MINUTELY`, `HALF_HOURLY`, "
        + "`FAST_HOURLY`, `TWO_HOURLY`, `FOUR_HOURLY`, `SIX_HOURLY`, `FAST_DAILY`, `WEEKLY`; an existing journal "
        + "keeps its own. Retention deletes whole roll files").parsedBy(text -> text.toUpperCase(Locale.ROOT)));

    /** The journal backends {@code emcomm.journal.backend} names. */
    public static final List<String> JOURNAL_BACKENDS = List.of("chronicle", "kafka");
    public static final Setting<String> JOURNAL_BACKEND = declare(Setting.text("emcomm.journal.backend", "chronicle",
        backend -> JOURNAL_BACKENDS.contains(backend) ? null : "'" + backend + "' is not one of " + JOURNAL_BACKENDS,
        "`chronicle`: the journal is this router's own Chronicle Queue; `kafka`: the site's journal topic on the Kafka "
        + "cluster at `emcomm.kafka.bootstrap`, mirrored in `journal/` (issue 15, docs/cluster.md; needs emcomm-kafka "
        + "on the class path, as the launcher has it)").parsedBy(text -> text.toLowerCase(Locale.ROOT)));
    public static final Setting<String> KAFKA_BOOTSTRAP = declare(Setting.optionalText("emcomm.kafka.bootstrap", "- (none)",
        Settings::bootstrapProblem, "the Kafka cluster's bootstrap servers as `HOST:PORT[,HOST:PORT...]` (`--kafka`); "
        + "required with `emcomm.journal.backend=kafka`"));

    // ---- retention and disk (RetentionSettings) -----------------------------------------------------------
    public static final Setting<Integer> RETENTION_HOURS = declare(Setting.integer("emcomm.journal.retention.hours", 0,
        0, 876_000, "hours", "delete roll files whose cycle ended longer ago than this, except what a terminal's "
        + "cursor still needs (0..876,000)").defaultNote("keep"));
    public static final Setting<Long> RETENTION_MB = declare(Setting.number("emcomm.journal.retention.mb", 0, 0,
        1L << 40, "MiB", "delete the oldest roll files while the journal is larger; wins over cursors (logged, "
        + "counted)").defaultNote("no limit"));
    public static final Setting<Integer> RETENTION_INTERVAL_MS = declare(Setting.integer(
        "emcomm.journal.retention.interval.ms", 60_000, 100, DAY_MS, "ms",
        "how often retention runs (100..86,400,000)"));
    public static final Setting<Long> DISK_MIN_FREE_MB = declare(Setting.number("emcomm.disk.min.free.mb", 256, 0,
        1L << 40, "MiB", "below this much free space on the journal's disk, publishes are nacked "
        + "`JOURNAL_UNAVAILABLE` (\"disk nearly full\"); 0 = off"));

    // ---- delivery (DeliverySettings) ----------------------------------------------------------------------
    public static final Setting<Integer> OUTBOUND_QUEUE_LIMIT = declare(Setting.integer("emcomm.outbound.queue.limit",
        65_536, 16, 16_777_216, "frames",
        "frames queued per session before ROUTINE/PRIORITY fall back to the journal"));
    public static final Setting<Integer> DELIVERY_WINDOW = declare(Setting.integer("emcomm.delivery.window", 16_384,
        16, 1_048_576, "messages", "unacknowledged messages per terminal before the same fallback"));
    /** 0 (the default) is derived from the router-wide budget: {@link DeliverySettings#defaultSessionBytes}. */
    public static final Setting<Long> OUTBOUND_SESSION_BYTES = declare(Setting.number("emcomm.outbound.session.bytes",
        0, 0, 1L << 50, "bytes", "delivery bytes one session may hold in memory (queued, or written and not yet on "
        + "the socket) before its ROUTINE/PRIORITY fall back to the journal (65,536..router bytes)")
        .computedDefault(() -> 0L, "8 MiB, at most a quarter of the next"));
    public static final Setting<Long> OUTBOUND_ROUTER_BYTES = declare(Setting.number("emcomm.outbound.router.bytes",
        0, OUTBOUND_BYTES_MIN, 1L << 50, "bytes", "delivery bytes all sessions may hold together; from three "
        + "quarters of it a session that takes nothing (does not read or acknowledge) is given nothing more that can "
        + "wait, at it the stalled sessions holding the most are disconnected (`SLOW_CONSUMER`); publishers are "
        + "never refused for it").computedDefault(DeliverySettings::defaultRouterBytes,
        "half of the JVM's direct memory"));
    public static final Setting<Integer> DELIVERY_INFLIGHT = declare(Setting.integer("emcomm.delivery.inflight", 128,
        1, 1_048_576, "messages", "ROUTINE/PRIORITY written and not yet acknowledged per connection; the rest wait "
        + "where FLASH can overtake them"));
    public static final Setting<Integer> SLOW_CONSUMER_DISCONNECT_MS = declare(Setting.integer(
        "emcomm.slow.consumer.disconnect.ms", 120_000, 0, DAY_MS, "ms", "a session that takes nothing (unwritable, "
        + "or in-flight limit full) this long while messages wait is disconnected (0 = never)"));
    public static final Setting<Integer> FLASH_ACK_TIMEOUT_MS = declare(Setting.integer("emcomm.flash.ack.timeout.ms",
        30_000, 10, HOUR_MS, "ms", "FLASH not acked in this time is sent again; after another, non-delivery receipt"));
    public static final Setting<Boolean> FLASH_ESCALATE = declare(Setting.flag("emcomm.flash.escalate", true,
        "also send an unacknowledged FLASH `up:` the destination's chain"));
    public static final Setting<Integer> TIMER_INTERVAL_MS = declare(Setting.integer("emcomm.timer.interval.ms", 1_000,
        10, 60_000, "ms", "how often each session checks FLASH deadlines and the slow-consumer limit"));

    // ---- security (SecuritySettings; docs/security.md) ----------------------------------------------------
    public static final Setting<AuthMode> AUTH_MODE = declare(Setting.choice("emcomm.auth.mode", AuthMode.class,
        AuthMode.NONE, "`none`, `token` or `mtls` (docs/security.md)"));
    public static final Setting<Path> TERMINALS_FILE = declare(Setting.optionalFile(
        "emcomm.auth.terminals.file", "-", "the terminal registry: id, kind, region, token hash"));
    public static final Setting<Path> ACL_FILE = declare(Setting.optionalFile("emcomm.acl.file",
        "built-in policy", "the access policy, deny by default (docs/security.md)"));
    public static final Setting<Path> TLS_CERT = declare(Setting.optionalFile("emcomm.tls.cert", "-",
        "PEM server certificate chain; TLS 1.3 on the terminal port when set"));
    public static final Setting<Path> TLS_KEY = declare(Setting.optionalFile("emcomm.tls.key", "-",
        "PKCS#8 key of the server certificate (with `emcomm.tls.cert`)"));
    public static final Setting<Path> TLS_CA = declare(Setting.optionalFile("emcomm.tls.ca", "-",
        "PEM CA that client certificates must chain to (required by `mtls`)"));
    public static final Setting<Long> LIMIT_MSGS_PER_SEC = declare(Setting.number("emcomm.limit.msgs.per.sec", 0, 0,
        Long.MAX_VALUE, "messages/s", "per-connection publish budget in messages; `RATE_LIMITED` past it")
        .defaultNote("off"));
    public static final Setting<Long> LIMIT_BYTES_PER_SEC = declare(Setting.number("emcomm.limit.bytes.per.sec", 0, 0,
        Long.MAX_VALUE, "bytes/s", "per-connection publish budget in bytes; `RATE_LIMITED` past it")
        .defaultNote("off"));
    public static final Setting<Long> LIMIT_FLASH_FLOOR_PER_SEC = declare(Setting.number(
        "emcomm.limit.flash.floor.per.sec", 10, 1, Long.MAX_VALUE, "messages/s",
        "FLASH still passes at this rate when the budgets are spent"));
    public static final Setting<Integer> LIMIT_SUBSCRIPTIONS = declare(Setting.integer("emcomm.limit.subscriptions", 256,
        1, 100_000, "subscriptions", "channel subscriptions per terminal"));
    public static final Setting<Integer> HANDSHAKE_TIMEOUT_MS = declare(Setting.integer("emcomm.handshake.timeout.ms",
        10_000, 100, Integer.MAX_VALUE, "ms", "a connection must say HELLO within this"));
    public static final Setting<Integer> IDLE_TIMEOUT_MS = declare(Setting.integer("emcomm.idle.timeout.ms", 120_000, 0,
        Integer.MAX_VALUE, "ms", "a session that sends nothing for this long is closed (0 = never)"));
    public static final Setting<Integer> MAX_CONNECTIONS = declare(Setting.integer("emcomm.max.connections", 20_000, 1,
        Integer.MAX_VALUE, "connections", "connections beyond are refused"));
    public static final Setting<Boolean> VALIDATE_BODIES = declare(Setting.flag("emcomm.validate.bodies", true,
        "check every envelope whole before accepting it, with a zero-allocation wire walker that accepts exactly "
        + "what protobuf-java parses (refuses bodies no receiver could parse)"));

    // ---- admin endpoint (AdminSettings; docs/operations.md) -----------------------------------------------
    public static final Setting<String> ADMIN_HOST = declare(Setting.text("emcomm.admin.host", "127.0.0.1",
        Settings::notEmpty, "address of the admin HTTP endpoint (`/metrics`, `/health`, `/ready`, `/status`); "
        + "loopback unless you open it"));
    public static final Setting<Integer> ADMIN_PORT = declare(Setting.integer("emcomm.admin.port", 7401, -1, 65_535, "",
        "admin port (`--admin-port`); 0 = any free port, -1 = off. If it cannot be bound the router runs on without "
        + "it (one WARN line)").checkedBy(port -> port >= -1 && port <= 65_535 ? null
        : port + " is not a TCP port (0-65535; 0 picks a free one, -1 turns the admin endpoint off)"));

    // ---- federation: the uplink to a parent router (FederationSettings; docs/federation.md) -----------------
    public static final Setting<String> UPLINK = declare(Setting.optionalText("emcomm.uplink", "- (none)",
        Settings::hostPortProblem, "the parent router as `HOST:PORT` (`--uplink`); the child dials it and keeps "
        + "redialling"));
    public static final Setting<String> UPLINK_ROUTER_ID = declare(Setting.optionalText("emcomm.uplink.router.id", "-",
        id -> Address.isValidTerminalId(id) ? null : "'" + id + "' must be 1-64 of [A-Za-z0-9._-], as a router id",
        "the parent's `emcomm.router.id`, checked against its WELCOME; required with `emcomm.uplink`"));
    public static final Setting<String> UPLINK_CREDENTIAL = declare(Setting.optionalText("emcomm.uplink.credential", "-",
        null, "the token this router presents at the parent under `token` authentication"));
    public static final Setting<String> UPLINK_PROFILE = declare(Setting.optionalText("emcomm.uplink.profile",
        "- (unshaped)", null, "the uplink's link profile: `beidou`, `tiantong`, `vsat` or `rate:N` bytes/s; shapes both "
        + "directions"));
    public static final Setting<Path> UPLINK_TLS_CA = declare(Setting.optionalFile("emcomm.uplink.tls.ca", "-",
        "PEM CA the parent's certificate must chain to; TLS 1.3 to the parent when this or the certificate is set"));
    public static final Setting<Path> UPLINK_TLS_CERT = declare(Setting.optionalFile("emcomm.uplink.tls.cert", "-",
        "PEM client certificate (CN = this router's id) for mutual TLS at the parent"));
    public static final Setting<Path> UPLINK_TLS_KEY = declare(Setting.optionalFile("emcomm.uplink.tls.key", "-",
        "PKCS#8 key of that certificate (with `emcomm.uplink.tls.cert`)"));
    public static final Setting<Integer> UPLINK_RECONNECT_MAX_MS = declare(Setting.integer(
        "emcomm.uplink.reconnect.max.ms", 2_000, 100, HOUR_MS, "ms",
        "redial backoff after the uplink closes: 100 ms, doubling up to this"));

    /** Every setting, in the order above (the README's table follows it). */
    public static final List<Setting<?>> ALL = Collections.unmodifiableList(DECLARED);
    /** Every key, so that a misspelt key from any source is reported, not ignored. */
    public static final Set<String> KEYS = Collections.unmodifiableSet(byKey().keySet());
    private static final Map<String, Setting<?>> BY_KEY = byKey();

    private Settings()
    {
    }

    /** The setting of a key, or null when the key is not a setting. */
    public static Setting<?> forKey(final String key)
    {
        return BY_KEY.get(key);
    }

    private static <T> Setting<T> declare(final Setting<T> setting)
    {
        DECLARED.add(setting);
        return setting;
    }

    private static Map<String, Setting<?>> byKey()
    {
        final Map<String, Setting<?>> map = new LinkedHashMap<>();
        for (final Setting<?> s : DECLARED)
        {
            if (map.put(s.key(), s) != null)
            {
                throw new IllegalStateException(s.key() + " is declared twice");
            }
        }
        return map;
    }

    private static String notEmpty(final String value)
    {
        return value == null || value.isBlank() ? "must not be empty" : null;
    }

    /**
     * The problem of a {@code HOST:PORT} value, or null: a host name or IPv4 address, or an IPv6 address in brackets,
     * then a port 1-65535.
     */
    static String hostPortProblem(final String value)
    {
        final int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1)
        {
            return "'" + value + "' is not HOST:PORT (for example city-router.example:7400)";
        }
        final String host = value.substring(0, colon);
        if (host.indexOf(':') >= 0 && !(host.startsWith("[") && host.endsWith("]")))
        {
            return "'" + value + "': write an IPv6 address in brackets, [ADDRESS]:PORT";
        }
        final int port;
        try
        {
            port = Integer.parseInt(value.substring(colon + 1));
        }
        catch (final NumberFormatException ex)
        {
            return "'" + value + "': the port '" + value.substring(colon + 1) + "' is not a number";
        }
        return port >= 1 && port <= 65_535 ? null : "'" + value + "': the port " + port + " is not 1-65535";
    }

    /** Kafka's bootstrap list: one or more HOST:PORT separated by commas. */
    static String bootstrapProblem(final String value)
    {
        for (final String server : value.split(",", -1))
        {
            final String problem = hostPortProblem(server.trim());
            if (problem != null)
            {
                return problem;
            }
        }
        return null;
    }

    private static String routerIdProblem(final String id)
    {
        if (id == null || id.isEmpty())
        {
            return "must not be empty";
        }
        if (id.length() > MAX_ROUTER_ID_LENGTH)
        {
            return id.length() + " characters is too long (at most " + MAX_ROUTER_ID_LENGTH
                + " of [A-Za-z0-9._-], as a terminal id)";
        }
        return Address.isValidTerminalId(id) ? null
            : "'" + id + "' must be 1-" + MAX_ROUTER_ID_LENGTH + " of [A-Za-z0-9._-], as a terminal id";
    }
}
