package io.emcomm.router.admin;

import io.emcomm.router.Router;
import io.emcomm.router.RouterCounters;
import io.emcomm.router.journal.DiskGuard;
import io.emcomm.router.journal.JournalRetention;
import io.emcomm.router.session.Session;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The live summary behind {@code GET /status} and {@code emcomm status}: sessions, message rates over the last
 * ten seconds, the largest backlogs, journal size and disk left. {@link #sample} runs once a second on the
 * operations thread and keeps a ring of counter samples so rates need no second request.
 */
public final class StatusReport
{
    /** Backlogs listed, largest first. */
    static final int TOP_BACKLOGS = 20;
    private static final int WINDOW = 11;

    private final Router router;
    private final JournalRetention retention;
    private final long startedMillis = System.currentTimeMillis();
    private final long[][] samples = new long[WINDOW][];
    private int next;
    private int filled;

    public StatusReport(final Router router, final JournalRetention retention)
    {
        this.router = router;
        this.retention = retention;
    }

    /** Records the counters now. Operations thread. */
    public synchronized void sample()
    {
        final RouterCounters c = router.counters();
        samples[next] = new long[] {System.nanoTime(), c.published(), c.journaled(), c.delivered(), c.nacked(), c.deliveryAcks()};
        next = (next + 1) % WINDOW;
        filled = Math.min(filled + 1, WINDOW);
    }

    /** Per-second rates of published, journaled, delivered, nacked, acks over the window; zeros until two samples. */
    private synchronized double[] rates()
    {
        final double[] r = new double[5];
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

    /** The summary as one JSON object. */
    public String json()
    {
        final RouterCounters c = router.counters();
        final DiskGuard disk = router.diskGuard();
        final Map<String, Integer> byKind = new TreeMap<>();
        final List<Session> sessions = new ArrayList<>(router.routingTable().sessions());
        for (final Session s : sessions)
        {
            byKind.merge(s.kind().name().toLowerCase(Locale.ROOT), 1, Integer::sum);
        }
        sessions.sort(Comparator.comparingLong(StatusReport::backlog).reversed());
        final double[] r = rates();
        final StringBuilder b = new StringBuilder(1024);
        b.append("{\"router_id\":").append(quote(router.config().routerId()))
            .append(",\"ready\":").append(router.isAccepting())
            .append(",\"uptime_seconds\":").append((System.currentTimeMillis() - startedMillis) / 1000)
            .append(",\"port\":").append(router.port())
            .append(",\"sessions\":{\"total\":").append(sessions.size());
        for (final Map.Entry<String, Integer> e : byKind.entrySet())
        {
            b.append(',').append(quote(e.getKey())).append(':').append(e.getValue());
        }
        b.append("},\"rates_per_second\":{\"published\":").append(round(r[0])).append(",\"journaled\":").append(round(r[1]))
            .append(",\"delivered\":").append(round(r[2])).append(",\"nacked\":").append(round(r[3]))
            .append(",\"delivery_acks\":").append(round(r[4])).append('}')
            .append(",\"totals\":{\"published\":").append(c.published()).append(",\"journaled\":").append(c.journaled())
            .append(",\"duplicates\":").append(c.duplicates()).append(",\"delivered\":").append(c.delivered())
            .append(",\"nacked\":").append(c.nacked()).append(",\"expired\":").append(c.expired())
            .append(",\"slow_consumer_deferrals\":").append(c.slowConsumerDrops())
            .append(",\"slow_consumer_disconnects\":").append(c.slowConsumerDisconnects()).append('}')
            .append(",\"backlogs\":[");
        for (int i = 0; i < Math.min(TOP_BACKLOGS, sessions.size()); i++)
        {
            final Session s = sessions.get(i);
            b.append(i == 0 ? "" : ",").append("{\"terminal\":").append(quote(s.terminalId()))
                .append(",\"kind\":").append(quote(s.kind().name().toLowerCase(Locale.ROOT)))
                .append(",\"queued\":").append(s.feed().queued()).append(",\"unacked\":").append(s.feed().unacked()).append('}');
        }
        b.append("],\"journal\":{\"first_index\":").append(router.journal().firstIndex())
            .append(",\"last_index\":").append(router.journal().lastIndex())
            .append(",\"bytes\":").append(retention.journalBytes()).append(",\"files\":").append(retention.journalFiles())
            .append(",\"retention_held_files\":").append(retention.heldFiles())
            .append(",\"retention_deleted_files\":").append(retention.deletedFiles()).append('}')
            .append(",\"disk\":{\"free_bytes\":").append(disk.freeBytes()).append(",\"min_free_bytes\":").append(disk.minFreeBytes())
            .append(",\"refusing_publishes\":").append(disk.refusing()).append("}}");
        return b.toString();
    }

    /** The summary for people: what {@code emcomm status} prints. */
    public String text()
    {
        final RouterCounters c = router.counters();
        final DiskGuard disk = router.diskGuard();
        final Map<String, Integer> byKind = new TreeMap<>();
        final List<Session> sessions = new ArrayList<>(router.routingTable().sessions());
        for (final Session s : sessions)
        {
            byKind.merge(s.kind().name().toLowerCase(Locale.ROOT), 1, Integer::sum);
        }
        sessions.sort(Comparator.comparingLong(StatusReport::backlog).reversed());
        final double[] r = rates();
        final StringBuilder b = new StringBuilder(1024);
        b.append(String.format(Locale.ROOT, "router %s on port %d, up %s, %s%n", router.config().routerId(), router.port(),
            uptime((System.currentTimeMillis() - startedMillis) / 1000), router.isAccepting() ? "ready" : "NOT READY"));
        b.append("sessions  ").append(sessions.size()).append(byKind.isEmpty() ? "" : " " + byKind).append('\n');
        b.append(String.format(Locale.ROOT, "rates/s   published %.1f  journaled %.1f  delivered %.1f  nacked %.1f  acks %.1f%n",
            r[0], r[1], r[2], r[3], r[4]));
        b.append(String.format(Locale.ROOT, "totals    published %d  journaled %d  duplicates %d  delivered %d  nacked %d  expired %d"
            + "  slow-consumer deferrals %d  disconnects %d%n", c.published(), c.journaled(), c.duplicates(), c.delivered(),
            c.nacked(), c.expired(), c.slowConsumerDrops(), c.slowConsumerDisconnects()));
        b.append(String.format(Locale.ROOT, "journal   %s in %d roll file(s), indexes %s..%s; retention holding %d file(s), deleted %d%n",
            mib(retention.journalBytes()), retention.journalFiles(), Long.toHexString(router.journal().firstIndex()),
            Long.toHexString(router.journal().lastIndex()), retention.heldFiles(), retention.deletedFiles()));
        b.append(String.format(Locale.ROOT, "disk      %s free, publishes refused below %s%s%n", mib(disk.freeBytes()),
            mib(disk.minFreeBytes()), disk.refusing() ? " - REFUSING PUBLISHES NOW" : ""));
        b.append("backlogs  ").append(sessions.isEmpty() || backlog(sessions.get(0)) == 0 ? "none" : "").append('\n');
        for (int i = 0; i < Math.min(TOP_BACKLOGS, sessions.size()) && backlog(sessions.get(i)) > 0; i++)
        {
            final Session s = sessions.get(i);
            b.append(String.format(Locale.ROOT, "  %-24s %-13s queued %6d  unacked %6d%n", s.terminalId(),
                s.kind().name().toLowerCase(Locale.ROOT), s.feed().queued(), s.feed().unacked()));
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

    private static String round(final double v)
    {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String quote(final String s)
    {
        final StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++)
        {
            final char ch = s.charAt(i);
            switch (ch)
            {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                default:
                    if (ch < 0x20)
                    {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int)ch));
                    }
                    else
                    {
                        b.append(ch);
                    }
            }
        }
        return b.append('"').toString();
    }
}
