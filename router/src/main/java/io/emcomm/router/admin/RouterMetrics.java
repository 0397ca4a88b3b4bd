package io.emcomm.router.admin;

import io.emcomm.protocol.wire.NackReason;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.counters.RouterCounters;
import io.emcomm.router.delivery.DeliveryFeed;
import io.emcomm.router.journal.DiskGuard;
import io.emcomm.router.journal.JournalRetention;
import io.emcomm.router.route.RoutingTable;
import io.emcomm.router.session.Session;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The router's meters in a Prometheus registry. Counters are bound to {@link RouterCounters} (function
 * counters read the LongAdders at scrape time), so the hot path counts once and knows nothing of Micrometer;
 * the one exception is the journal append timer, fed through {@link RouterCounters#recordJournalAppend}.
 * Per-terminal backlog gauges exist only for live sessions and are rebuilt at each scrape, so their number is
 * bounded by the sessions connected.
 */
public final class RouterMetrics implements AutoCloseable
{
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final RoutingTable table;
    private final MultiGauge backlog;

    public RouterMetrics(final RouterView router, final JournalRetention retention)
    {
        final RouterCounters c = router.counters();
        table = router.routingTable();
        final DiskGuard disk = router.diskGuard();

        counter("emcomm.messages.published", c, RouterCounters::published, "PUBLISH frames received");
        counter("emcomm.messages.duplicates", c, RouterCounters::duplicates, "retried publishes answered with their original index");
        for (final Precedence p : precedences())
        {
            final int n = p.getNumber();
            FunctionCounter.builder("emcomm.messages.in", c, x -> x.journaled(n)).tag("precedence", lower(p))
                .description("messages journaled (accepted), by precedence").register(registry);
            FunctionCounter.builder("emcomm.messages.out", c, x -> x.delivered(n)).tag("precedence", lower(p))
                .description("DELIVERY frames written to terminals, by precedence").register(registry);
        }
        counter("emcomm.delivery.acks", c, RouterCounters::deliveryAcks, "DELIVERY_ACK frames received");
        counter("emcomm.fanout.messages", c, RouterCounters::routed, "messages routed");
        counter("emcomm.fanout.copies", c, RouterCounters::routedCopies,
            "live-session deliveries queued by routing, all sharing one frame per message (rate(copies)/rate(messages) = mean fan-out)");
        for (final NackReason r : NackReason.values())
        {
            if (r == NackReason.UNRECOGNIZED || r.getNumber() > RouterCounters.MAX_NACK_REASON)
            {
                continue;
            }
            final int n = r.getNumber();
            FunctionCounter.builder("emcomm.nacks", c, x -> x.nacked(n))
                .tag("reason", r == NackReason.NACK_REASON_UNSPECIFIED ? "other" : lower(r))
                .description("publishes refused, by reason").register(registry);
        }
        counter("emcomm.expired", c, RouterCounters::expired, "messages not delivered because they had expired");
        counter("emcomm.superseded", c, RouterCounters::superseded, "position reports replaced by a newer one on a paced link");
        counter("emcomm.slow.consumer.deferrals", c, RouterCounters::slowConsumerDrops,
            "times a session fell behind and went back to reading from the journal");
        counter("emcomm.slow.consumer.disconnects", c, RouterCounters::slowConsumerDisconnects,
            "sessions disconnected for not reading");
        counter("emcomm.flash.resends", c, RouterCounters::flashResends, "unacknowledged FLASH messages sent again");
        counter("emcomm.receipts", c, RouterCounters::receipts, "DELIVERED receipts journaled");
        counter("emcomm.receipts.not.delivered", c, RouterCounters::nonDeliveryReceipts, "NOT_DELIVERED receipts journaled");
        counter("emcomm.protocol.errors", c, RouterCounters::protocolErrors, "ERROR frames sent for bad input");
        counter("emcomm.sessions.opened", c, RouterCounters::sessionsOpened, "logins accepted");
        counter("emcomm.sessions.replaced", c, RouterCounters::sessionsReplaced, "logins that replaced an older session");

        for (final TerminalKind k : TerminalKind.values())
        {
            if (k == TerminalKind.TERMINAL_KIND_UNSPECIFIED || k == TerminalKind.UNRECOGNIZED)
            {
                continue;
            }
            Gauge.builder("emcomm.sessions", table, t -> count(t, k)).tag("kind", lower(k))
                .description("live sessions, by terminal kind").register(registry);
        }
        Timer.builder("emcomm.journal.append")
            .description("time to append one message to the journal")
            .serviceLevelObjectives(micros(1), micros(2), micros(5), micros(10), micros(20), micros(50), micros(100),
                micros(200), micros(500), micros(1_000), micros(5_000), micros(20_000), micros(100_000), micros(1_000_000))
            .register(registry);
        final Timer append = registry.get("emcomm.journal.append").timer();
        c.appendLatency(nanos -> append.record(nanos, TimeUnit.NANOSECONDS));
        backlog = MultiGauge.builder("emcomm.backlog").baseUnit("messages")
            .description("messages queued or sent-but-unacknowledged, per live terminal").register(registry);

        gauge("emcomm.journal.first.index", router, r -> r.journal().firstIndex(), "first journal index still held");
        gauge("emcomm.journal.last.index", router, r -> r.journal().lastIndex(), "last journal index appended");
        gauge("emcomm.journal.size.bytes", retention, JournalRetention::journalBytes, "size of the journal's roll files");
        gauge("emcomm.journal.files", retention, JournalRetention::journalFiles, "roll files in the journal");
        counter("emcomm.retention.deleted.files", retention, JournalRetention::deletedFiles, "roll files deleted by retention");
        counter("emcomm.retention.cursor.overrun.files", retention, JournalRetention::overrunFiles,
            "roll files deleted by the size limit although a terminal's cursor still needed them");
        gauge("emcomm.retention.held.files", retention, JournalRetention::heldFiles,
            "roll files past the age limit kept because a terminal's cursor still needs them");
        gauge("emcomm.disk.free.bytes", disk, DiskGuard::freeBytes, "free space on the journal's disk");
        gauge("emcomm.disk.min.free.bytes", disk, DiskGuard::minFreeBytes, "free space below which publishes are refused");
        gauge("emcomm.disk.refusing", disk, d -> d.refusing() ? 1 : 0, "1 while publishes are refused for lack of disk");
        gauge("emcomm.outbound.held.bytes", router, r -> r.outboundBudget().held(),
            "delivery bytes all sessions hold in memory (queued, or written and not on the socket)");
        gauge("emcomm.outbound.limit.bytes", router, r -> r.outboundBudget().limit(), "the router-wide budget of those bytes");
        gauge("emcomm.ready", router, r -> r.isAccepting() ? 1 : 0, "1 while the router accepts connections and publishes");
    }

    private static Duration micros(final long micros)
    {
        return Duration.ofNanos(micros * 1_000);
    }

    private static List<Precedence> precedences()
    {
        return List.of(Precedence.ROUTINE, Precedence.PRIORITY, Precedence.IMMEDIATE, Precedence.FLASH);
    }

    private static String lower(final Enum<?> e)
    {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static double count(final RoutingTable table, final TerminalKind kind)
    {
        int n = 0;
        for (final Session s : table.sessions())
        {
            if (s.kind() == kind)
            {
                n++;
            }
        }
        return n;
    }

    private <T> void counter(final String name, final T obj, final ToDoubleFunction<T> f, final String description)
    {
        FunctionCounter.builder(name, obj, f).description(description).register(registry);
    }

    private <T> void gauge(final String name, final T obj, final ToDoubleFunction<T> f, final String description)
    {
        Gauge.builder(name, obj, f).description(description).register(registry);
    }

    /** The registry, for tests and for embedding in another exporter. */
    public PrometheusMeterRegistry registry()
    {
        return registry;
    }

    /** The Prometheus text exposition of every meter. Control plane: allocates. */
    public String scrape()
    {
        final List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (final Session s : table.sessions())
        {
            final DeliveryFeed feed = s.feed();
            rows.add(MultiGauge.Row.of(Tags.of("terminal", s.terminalId()), feed, f -> f.queued() + f.unacked()));
        }
        backlog.register(rows, true);
        return registry.scrape();
    }

    @Override
    public void close()
    {
        registry.close();
    }
}
