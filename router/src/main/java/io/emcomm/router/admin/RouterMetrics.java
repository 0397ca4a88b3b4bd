package io.emcomm.router.admin;

import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.counters.CounterDescriptor;
import io.emcomm.router.counters.RouterCounters;
import io.emcomm.router.delivery.DeliveryFeed;
import io.emcomm.router.journal.DiskGuard;
import io.emcomm.router.journal.JournalRetention;
import io.emcomm.router.link.LinkBacklog;
import io.emcomm.router.link.LinkStatus;
import io.emcomm.router.link.Links;
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
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The router's meters in a Prometheus registry. Counters are bound to {@link RouterCounters}: one function counter
 * (read at scrape time) per {@link CounterDescriptor} that has a meter name, so the hot path counts once and knows
 * nothing of Micrometer, and a counter declared in the descriptor is exported without a line here;
 * the one exception is the journal append timer, fed through {@link RouterCounters#recordJournalAppend}.
 * Per-terminal backlog gauges exist only for live sessions and are rebuilt at each scrape, so their number is
 * bounded by the sessions connected. Peer links (federation) get {@code emcomm_link_*} series tagged {@code peer},
 * one set per peer router the router knows, connected or not.
 */
public final class RouterMetrics implements AutoCloseable
{
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final RoutingTable table;
    private final MultiGauge backlog;
    private final RouterView router;
    private final MultiGauge linkConnected;
    private final MultiGauge linkBacklog;
    private final MultiGauge linkOldest;
    /** Peers whose link counters are registered; admin thread (scrapes). */
    private final Set<String> linkPeers = new HashSet<>();

    /**
     * Registers every meter of {@code router} and points its journal append timing at the timer. Built once at
     * start, before the router takes traffic.
     */
    public RouterMetrics(final RouterView router, final JournalRetention retention)
    {
        final RouterCounters c = router.counters();
        this.router = router;
        table = router.routingTable();
        final DiskGuard disk = router.diskGuard();

        for (final CounterDescriptor d : CounterDescriptor.values())
        {
            if (d.hasMeter())
            {
                counter(d, c);
            }
        }

        for (final TerminalKind k : TerminalKind.values())
        {
            // peer links are not terminal sessions: they get their own metrics (emcomm_link_*)
            if (k == TerminalKind.TERMINAL_KIND_UNSPECIFIED || k == TerminalKind.UNRECOGNIZED || k == TerminalKind.ROUTER)
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

        linkConnected = MultiGauge.builder("emcomm.link.connected")
            .description("1 while the link with the peer router is up, 0 while it is down").register(registry);
        linkBacklog = MultiGauge.builder("emcomm.link.backlog").baseUnit("messages")
            .description("messages this router still has to send the peer router (or sent, not acknowledged), by precedence")
            .register(registry);
        linkOldest = MultiGauge.builder("emcomm.link.oldest.waiting").baseUnit("seconds")
            .description("age of the oldest message waiting for the peer router, 0 when none waits").register(registry);

        gauge("emcomm.journal.first.index", router, r -> r.journal().firstIndex(), "first journal index still held");
        gauge("emcomm.journal.last.index", router, r -> r.journal().lastIndex(), "last journal index appended");
        if (retention != null)
        {
            gauge("emcomm.journal.size.bytes", retention, JournalRetention::journalBytes, "size of the journal's roll files");
            gauge("emcomm.journal.files", retention, JournalRetention::journalFiles, "roll files in the journal");
            counter("emcomm.retention.deleted.files", retention, JournalRetention::deletedFiles, "roll files deleted by retention");
            counter("emcomm.retention.cursor.overrun.files", retention, JournalRetention::overrunFiles,
                "roll files deleted by the size limit although a terminal's cursor still needed them");
            gauge("emcomm.retention.held.files", retention, JournalRetention::heldFiles,
                "roll files past the age limit kept because a terminal's cursor still needs them");
        }
        if (router.cluster() != null)
        {
            clusterMeters(router);
        }
        gauge("emcomm.disk.free.bytes", disk, DiskGuard::freeBytes, "free space on the journal's disk");
        gauge("emcomm.disk.min.free.bytes", disk, DiskGuard::minFreeBytes, "free space below which publishes are refused");
        gauge("emcomm.disk.refusing", disk, d -> d.refusing() ? 1 : 0, "1 while publishes are refused for lack of disk");
        gauge("emcomm.outbound.held.bytes", router, r -> r.outboundBudget().held(),
            "delivery bytes all sessions hold in memory (queued, or written and not on the socket)");
        gauge("emcomm.outbound.limit.bytes", router, r -> r.outboundBudget().limit(), "the router-wide budget of those bytes");
        gauge("emcomm.ready", router, r -> r.isAccepting() ? 1 : 0, "1 while the router accepts connections and publishes");
    }

    /** The {@code emcomm_cluster_*} meters of a node on a shared journal (issue 15); each scrape reads a fresh snapshot. */
    private void clusterMeters(final RouterView router)
    {
        gauge("emcomm.cluster.apply.lag.records", router, r -> cluster(r).applyLag(),
            "journal records in the cluster's log this node has not applied yet, as of its last fetch");
        gauge("emcomm.cluster.produce.latency.seconds", router, r -> cluster(r).produceLatencyMicros() / 1e6,
            "the last applied record's time from its produce timestamp to its apply on this node");
        gauge("emcomm.cluster.produce.latency.max.seconds", router, r -> cluster(r).produceLatencyMaxMicros() / 1e6,
            "the largest such time since start");
        counter("emcomm.cluster.claims", router, r -> cluster(r).claims(), "terminal claims this node made (logins)");
        counter("emcomm.cluster.takeovers", router, r -> cluster(r).takeovers(),
            "terminals this node held that another node claimed (they moved away)");
        counter("emcomm.cluster.failovers", router, r -> cluster(r).failovers(),
            "terminals this node claimed whose previous claim was another node's (they moved here)");
        gauge("emcomm.cluster.terminals", router, r -> cluster(r).terminalsHere(),
            "terminals whose newest claim is this node's (connected here now or last)");
    }

    private static ClusterStatus cluster(final RouterView router)
    {
        final ClusterStatus c = router.cluster();
        return c == null ? ClusterStatus.none() : c; // closing: the backend is gone
    }

    /** One function counter for a plain counter, one per member (tagged) for a counter with a breakdown. */
    private void counter(final CounterDescriptor d, final RouterCounters c)
    {
        final CounterDescriptor.Breakdown breakdown = d.breakdown();
        if (breakdown == CounterDescriptor.Breakdown.NONE)
        {
            counter(d.meterName(), c, x -> x.get(d), d.meterDescription());
            return;
        }
        for (final CounterDescriptor.Member m : breakdown.members())
        {
            final int n = m.number();
            FunctionCounter.builder(d.meterName(), c, x -> x.get(d, n)).tag(breakdown.tag(), m.label())
                .description(d.meterDescription()).register(registry);
        }
    }

    private static Duration micros(final long micros)
    {
        return Duration.ofNanos(micros * 1_000);
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
        links();
        return registry.scrape();
    }

    /**
     * The {@code emcomm_link_*} series, one set per peer router this router has a link with (issue 16): gauges rebuilt
     * from {@link RouterView#linkStatus()} at each scrape, counters registered when a peer is first seen (peers are
     * few and are not forgotten while the router runs). Admin thread.
     */
    private void links()
    {
        final List<MultiGauge.Row<?>> connected = new ArrayList<>();
        final List<MultiGauge.Row<?>> waiting = new ArrayList<>();
        final List<MultiGauge.Row<?>> oldest = new ArrayList<>();
        final long nowMillis = System.currentTimeMillis();
        for (final LinkStatus l : router.linkStatus())
        {
            final String peer = l.state().peer();
            connected.add(MultiGauge.Row.of(Tags.of("peer", peer), l.state().connected() ? 1 : 0));
            final LinkBacklog b = l.backlog();
            waiting.add(MultiGauge.Row.of(Tags.of("peer", peer, "precedence", "flash"), b.flash()));
            waiting.add(MultiGauge.Row.of(Tags.of("peer", peer, "precedence", "immediate"), b.immediate()));
            waiting.add(MultiGauge.Row.of(Tags.of("peer", peer, "precedence", "priority"), b.priority()));
            waiting.add(MultiGauge.Row.of(Tags.of("peer", peer, "precedence", "routine"), b.routine()));
            oldest.add(MultiGauge.Row.of(Tags.of("peer", peer),
                b.oldestWaiting() == null ? 0 : Math.max(0, nowMillis - b.oldestWaiting().toEpochMilli()) / 1000.0));
            if (linkPeers.add(peer))
            {
                final Links.Traffic t = l.traffic();
                FunctionCounter.builder("emcomm.link.imported", t, Links.Traffic::imported).tag("peer", peer)
                    .description("messages from the peer router journaled here").register(registry);
                FunctionCounter.builder("emcomm.link.exported", t, Links.Traffic::exported).tag("peer", peer)
                    .description("messages sent to the peer router and acknowledged by it").register(registry);
                FunctionCounter.builder("emcomm.link.reconnects", t, Links.Traffic::reconnects).tag("peer", peer)
                    .description("times the link with the peer router came up again").register(registry);
            }
        }
        linkConnected.register(connected, true);
        linkBacklog.register(waiting, true);
        linkOldest.register(oldest, true);
    }

    @Override
    public void close()
    {
        registry.close();
    }
}
