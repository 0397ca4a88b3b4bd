package io.emcomm.router.admin;

import io.emcomm.router.counters.CounterDescriptor;
import io.emcomm.router.counters.RouterCounters;
import io.emcomm.router.journal.DiskGuard;
import io.emcomm.router.journal.JournalRetention;
import io.emcomm.router.link.LinkBacklog;
import io.emcomm.router.link.LinkStatus;
import io.emcomm.router.session.Session;
import io.emcomm.protocol.wire.NackReason;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The live summary behind {@code GET /status} and {@code emcomm status}: sessions, message rates over the last
 * ten seconds, the peer links, the largest backlogs, every connected terminal, journal size and disk left. {@link #sample} runs once a second on the
 * operations thread and keeps a ring of counter samples so rates need no second request.
 */
public final class StatusReport
{
    /** Backlogs listed, largest first. */
    static final int TOP_BACKLOGS = 20;
    private static final int WINDOW = 11;
    /** The counters in {@code rates_per_second}, in field order (the descriptor's declaration order). */
    private static final CounterDescriptor[] RATED = shown(true);
    /** The counters in {@code totals}, in field order. */
    private static final CounterDescriptor[] TOTALLED = shown(false);

    /** Thread-safe once configured; shared by every admin request. */
    static final ObjectMapper JSON = new ObjectMapper();

    private final RouterView router;
    private final JournalRetention retention;
    private final long startedMillis = System.currentTimeMillis();
    private final long[][] samples = new long[WINDOW][];
    private int next;
    private int filled;

    /**
     * A report on {@code router}, its journal's size and retention read from {@code retention} (on a Kafka node: of
     * its mirror of the cluster's log), which is null for a journal without retention (the {@code journal} object then
     * has only the indexes).
     */
    public StatusReport(final RouterView router, final JournalRetention retention)
    {
        this.router = router;
        this.retention = retention;
    }

    private static CounterDescriptor[] shown(final boolean rates)
    {
        final List<CounterDescriptor> shown = new ArrayList<>();
        for (final CounterDescriptor d : CounterDescriptor.values())
        {
            if (rates ? d.status().inRates() : d.status().inTotals())
            {
                shown.add(d);
            }
        }
        return shown.toArray(new CounterDescriptor[0]);
    }

    /** Records the counters now. OperatorServices thread. */
    public synchronized void sample()
    {
        final RouterCounters c = router.counters();
        final long[] sample = new long[1 + RATED.length];
        sample[0] = System.nanoTime();
        for (int i = 0; i < RATED.length; i++)
        {
            sample[i + 1] = c.get(RATED[i]);
        }
        samples[next] = sample;
        next = (next + 1) % WINDOW;
        filled = Math.min(filled + 1, WINDOW);
    }

    /** Per-second rates of the {@link #RATED} counters over the window; zeros until two samples. */
    private synchronized double[] rates()
    {
        final double[] r = new double[RATED.length];
        if (filled < 2)
        {
            return r;
        }
        final long[] newest = samples[(next - 1 + WINDOW) % WINDOW];
        final long[] oldest = samples[(next - filled + WINDOW) % WINDOW];
        final double seconds = (newest[0] - oldest[0]) / 1e9;
        for (int i = 0; i < r.length && seconds > 0; i++)
        {
            r[i] = (newest[i + 1] - oldest[i + 1]) / seconds;
        }
        return r;
    }

    /** The summary as one JSON object (field names are an interface: docs/operations.md, "The status document"). */
    public String json()
    {
        final RouterCounters c = router.counters();
        final DiskGuard disk = router.diskGuard();
        final List<Session> sessions = new ArrayList<>(router.routingTable().sessions());
        final double[] r = rates();
        final ObjectNode root = JSON.createObjectNode();
        root.put("router_id", router.config().routerId())
            .put("ready", router.isAccepting())
            .put("uptime_seconds", (System.currentTimeMillis() - startedMillis) / 1000)
            .put("port", router.port());
        final ObjectNode bySession = root.putObject("sessions").put("total", sessions.size());
        byKind(sessions).forEach(bySession::put);
        final ObjectNode rates = root.putObject("rates_per_second");
        for (int i = 0; i < RATED.length; i++)
        {
            rates.put(RATED[i].status().field(), round(r[i]));
        }
        final ObjectNode totals = root.putObject("totals");
        for (final CounterDescriptor d : TOTALLED)
        {
            totals.put(d.status().field(), c.get(d));
        }
        final ArrayNode backlogs = root.putArray("backlogs");
        for (final Session s : largestBacklogs(sessions))
        {
            backlogs.addObject().put("terminal", s.terminalId()).put("kind", kind(s))
                .put("queued", s.feed().queued()).put("unacked", s.feed().unacked());
        }
        final ArrayNode terminals = root.putArray("terminals");
        for (final ConnectedTerminal t : ConnectedTerminal.of(sessions))
        {
            terminals.addObject().put("id", t.id()).put("kind", t.kind()).put("region", t.region())
                .put("remote_address", t.remoteAddress()).put("connected_since", t.connectedSince())
                .put("queued", t.queued()).put("unacked", t.unacked()).put("catching_up", t.catchingUp())
                .put("cursor", t.cursor());
        }
        links(root.putArray("links"));
        final ObjectNode journal = root.putObject("journal").put("first_index", router.journal().firstIndex())
            .put("last_index", router.journal().lastIndex());
        if (retention != null)
        {
            journal.put("bytes", retention.journalBytes()).put("files", retention.journalFiles())
                .put("retention_held_files", retention.heldFiles())
                .put("retention_deleted_files", retention.deletedFiles());
        }
        final ClusterStatus cluster = router.cluster();
        if (cluster != null)
        {
            // camelCase as the issue 15 design names them (as the links' fields)
            final ObjectNode clustered = root.putObject("cluster").put("backend", cluster.backend()).put("bootstrap", cluster.bootstrap())
                .put("routerId", router.config().routerId()).put("appliedOffset", cluster.appliedOffset())
                .put("endOffset", cluster.endOffset()).put("applyLag", cluster.applyLag())
                .put("produceLatencyMicros", cluster.produceLatencyMicros())
                .put("produceLatencyMaxMicros", cluster.produceLatencyMaxMicros())
                .put("journalUnavailable", journalUnavailable(c))
                .put("claims", cluster.claims()).put("takeovers", cluster.takeovers())
                .put("failovers", cluster.failovers()).put("terminalsHere", cluster.terminalsHere());
            final ObjectNode byNode = clustered.putObject("terminalsByNode");
            cluster.terminalsByNode().forEach(byNode::put);
        }
        root.putObject("disk").put("free_bytes", disk.freeBytes()).put("min_free_bytes", disk.minFreeBytes())
            .put("refusing_publishes", disk.refusing());
        try
        {
            return JSON.writeValueAsString(root);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalStateException("cannot write the status document", ex); // a tree of plain values always writes
        }
    }

    /**
     * The peer links (issue 16, docs/operations.md "Peer links"): field names as fixed by the federation design
     * (camelCase, unlike the older fields), backlog = what this router still has to send the peer.
     */
    private void links(final ArrayNode out)
    {
        for (final LinkStatus l : router.linkStatus())
        {
            final LinkBacklog b = l.backlog();
            final ObjectNode link = out.addObject().put("peer", l.state().peer()).put("direction", direction(l))
                .put("region", l.state().region()).put("connected", l.state().connected())
                .put("since", iso(l.state().since()));
            link.putObject("backlog").put("flash", b.flash()).put("immediate", b.immediate()).put("priority", b.priority())
                .put("routine", b.routine());
            if (b.oldestWaiting() == null)
            {
                link.putNull("oldestWaiting");
            }
            else
            {
                link.put("oldestWaiting", iso(b.oldestWaiting()));
            }
            link.put("backlogComplete", b.complete()).put("imported", l.traffic().imported())
                .put("exported", l.traffic().exported()).put("reconnects", l.traffic().reconnects());
        }
    }

    /** Publishes refused JOURNAL_UNAVAILABLE since start (on a Kafka node: the cluster did not take them). */
    private static long journalUnavailable(final RouterCounters c)
    {
        return c.nacked(NackReason.JOURNAL_UNAVAILABLE_VALUE);
    }

    /** The cluster line of {@code emcomm status}, nothing for a router with its own journal. */
    private void cluster(final StringBuilder b)
    {
        final ClusterStatus cluster = router.cluster();
        if (cluster != null)
        {
            final String self = router.config().routerId();
            b.append(String.format(Locale.ROOT, "cluster   %s %s node %s: applied %d/%d (lag %d), produce %.1f ms (max %.1f), "
                + "claims %d, takeovers %d, failovers %d, journal unavailable %d%n", cluster.backend(), cluster.bootstrap(), self,
                cluster.appliedOffset(), cluster.endOffset(), cluster.applyLag(), cluster.produceLatencyMicros() / 1e3,
                cluster.produceLatencyMaxMicros() / 1e3, cluster.claims(), cluster.takeovers(), cluster.failovers(),
                journalUnavailable(router.counters())));
            // one line per node holding terminals (this node's even with none): where the site's terminals are
            final Map<String, Long> byNode = new TreeMap<>(cluster.terminalsByNode());
            byNode.putIfAbsent(self, cluster.terminalsHere());
            byNode.forEach((node, count) -> b.append(String.format(Locale.ROOT, "node      %s: %d terminal(s)%s%n", node, count,
                node.equals(self) ? " (this node)" : "")));
        }
    }

    /**
     * Where one terminal is (issue 15 item 6), the body of {@code GET /terminal?id=ID} (docs/operations.md): on a node
     * of a cluster, the node of its newest claim as this node read it, with that claim's epoch, the cluster's cursor
     * and its subscriptions; on a router with its own journal, this router when the terminal is connected here.
     * {@code connectedHere} says whether it has a session on the node asked. Admin thread.
     *
     * @param terminalId the terminal
     * @param text       one line for people instead of JSON
     * @return the body, or null when this router knows no place of the terminal (404)
     */
    public String terminal(final String terminalId, final boolean text)
    {
        final ClusterTerminal place = router.clusterTerminal(terminalId);
        boolean here = false;
        for (final Session s : router.routingTable().sessions())
        {
            here |= s.terminalId().equals(terminalId) && s.peerScope() == null;
        }
        if (place == null && !here)
        {
            return null;
        }
        final String node = place == null ? router.config().routerId() : place.node();
        if (text)
        {
            return String.format(Locale.ROOT, "terminal %s on node %s (%s)%s%n", terminalId, node,
                here ? "connected to this node" : "not connected to " + router.config().routerId() + ", the node asked",
                place == null ? "" : String.format(Locale.ROOT, ", claim epoch %d, cursor %d, %d subscription(s)",
                    place.epoch(), place.cursor(), place.subscribed()));
        }
        final ObjectNode root = JSON.createObjectNode().put("id", terminalId).put("node", node).put("connectedHere", here);
        if (place != null)
        {
            root.put("epoch", place.epoch()).put("cursor", place.cursor()).put("subscriptions", place.subscribed());
        }
        return root + "\n";
    }

    /** One line per link, as {@code emcomm status} prints it. */
    private void links(final StringBuilder b)
    {
        for (final LinkStatus l : router.linkStatus())
        {
            final LinkBacklog backlog = l.backlog();
            final String more = backlog.complete() ? "" : "+";
            b.append(String.format(Locale.ROOT, "link %s %s (%s) %s since %s, backlog F%d I%d P%d R%d%s, oldest waiting %s%n",
                direction(l), l.state().peer(), l.state().region().isEmpty() ? "-" : l.state().region(),
                l.state().connected() ? "connected" : "DISCONNECTED", iso(l.state().since()), backlog.flash(),
                backlog.immediate(), backlog.priority(), backlog.routine(), more,
                backlog.oldestWaiting() == null ? "-" : iso(backlog.oldestWaiting())));
        }
    }

    private static String direction(final LinkStatus l)
    {
        return l.state().direction().name().toLowerCase(Locale.ROOT);
    }

    /** ISO-8601 UTC to the second, as every time in the status document. */
    private static String iso(final Instant t)
    {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static Map<String, Integer> byKind(final List<Session> sessions)
    {
        final Map<String, Integer> byKind = new TreeMap<>();
        for (final Session s : sessions)
        {
            byKind.merge(kind(s), 1, Integer::sum);
        }
        return byKind;
    }

    private static List<Session> largestBacklogs(final List<Session> sessions)
    {
        final List<Session> sorted = new ArrayList<>(sessions);
        sorted.sort(Comparator.comparingLong(StatusReport::backlog).reversed());
        return sorted.subList(0, Math.min(TOP_BACKLOGS, sorted.size()));
    }

    private static String kind(final Session s)
    {
        return s.kind().name().toLowerCase(Locale.ROOT);
    }

    /** The summary for people: what {@code emcomm status} prints. */
    public String text()
    {
        final RouterCounters c = router.counters();
        final DiskGuard disk = router.diskGuard();
        final List<Session> sessions = new ArrayList<>(router.routingTable().sessions());
        final Map<String, Integer> byKind = byKind(sessions);
        final List<Session> largest = largestBacklogs(sessions);
        final double[] r = rates();
        final StringBuilder b = new StringBuilder(1024);
        b.append(String.format(Locale.ROOT, "router %s on port %d, up %s, %s%n", router.config().routerId(), router.port(),
            uptime((System.currentTimeMillis() - startedMillis) / 1000), router.isAccepting() ? "ready" : "NOT READY"));
        b.append("sessions  ").append(sessions.size()).append(byKind.isEmpty() ? "" : " " + byKind).append('\n');
        b.append("rates/s ");
        for (int i = 0; i < RATED.length; i++)
        {
            b.append(String.format(Locale.ROOT, "  %s %.1f", RATED[i].status().label(), r[i]));
        }
        b.append("\ntotals  ");
        for (final CounterDescriptor d : TOTALLED)
        {
            b.append("  ").append(d.status().label()).append(' ').append(c.get(d));
        }
        b.append('\n');
        // indexes in decimal, as send, replay and every JSON document print them
        if (retention == null)
        {
            b.append(String.format(Locale.ROOT, "journal   indexes %d..%d; no retention%n",
                router.journal().firstIndex(), router.journal().lastIndex()));
        }
        else
        {
            b.append(String.format(Locale.ROOT, "journal   %s in %d roll file(s), indexes %d..%d; retention holding %d file(s), deleted %d%n",
                mib(retention.journalBytes()), retention.journalFiles(), router.journal().firstIndex(),
                router.journal().lastIndex(), retention.heldFiles(), retention.deletedFiles()));
        }
        cluster(b);
        b.append(String.format(Locale.ROOT, "disk      %s free, publishes refused below %s%s%n", mib(disk.freeBytes()),
            mib(disk.minFreeBytes()), disk.refusing() ? " - REFUSING PUBLISHES NOW" : ""));
        links(b);
        b.append("backlogs  ").append(largest.isEmpty() || backlog(largest.get(0)) == 0 ? "none" : "").append('\n');
        for (int i = 0; i < largest.size() && backlog(largest.get(i)) > 0; i++)
        {
            final Session s = largest.get(i);
            b.append(String.format(Locale.ROOT, "  %-24s %-13s queued %6d  unacked %6d%n", s.terminalId(), kind(s),
                s.feed().queued(), s.feed().unacked()));
        }
        b.append("terminals ").append(sessions.isEmpty() ? "none connected" : "connected now, by id").append('\n');
        if (!sessions.isEmpty())
        {
            b.append(String.format(Locale.ROOT, "  %-24s %-13s %-12s %-21s %-20s %8s %8s  %s%n", "ID", "KIND", "REGION",
                "ADDRESS", "SINCE (UTC)", "QUEUED", "UNACKED", "CURSOR"));
        }
        for (final ConnectedTerminal t : ConnectedTerminal.of(sessions))
        {
            b.append(String.format(Locale.ROOT, "  %-24s %-13s %-12s %-21s %-20s %8d %8d  %d%s%n", t.id(), t.kind(), t.region(),
                t.remoteAddress(), t.connectedSince(), t.queued(), t.unacked(), t.cursor(),
                t.catchingUp() ? "  catching up from the journal" : ""));
        }
        return b.toString();
    }

    private static String mib(final long bytes)
    {
        return bytes < 0 ? "?" : String.format(Locale.ROOT, "%,d MiB", bytes >> 20);
    }

    private static String uptime(final long seconds)
    {
        return String.format(Locale.ROOT, "%dd %02d:%02d:%02d", seconds / 86_400, seconds / 3600 % 24, seconds / 60 % 60, seconds % 60);
    }

    private static long backlog(final Session s)
    {
        return (long)s.feed().queued() + s.feed().unacked();
    }

    /** One decimal, as a JSON number. */
    private static double round(final double v)
    {
        return Math.round(v * 10) / 10.0;
    }
}
