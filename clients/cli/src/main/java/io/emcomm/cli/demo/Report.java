package io.emcomm.cli.demo;

import io.emcomm.cli.format.DeliveryFormat;
import io.emcomm.client.Delivery;
import io.emcomm.client.PublishResult;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.router.counters.RouterCounters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The demo's summary and after-action replay. "lost" is computed, not asserted: an expected delivery
 * counts as lost unless the receiver got it AND the journal, read back from disk after the router stopped,
 * holds that message exactly once at the index the publisher was given (for a receipt: exactly one
 * matching receipt from the router).
 */
final class Report
{
    private static final int MAX_PROBLEMS = 10;

    private final PrintWriter out;
    private final Tally tally;
    private final List<Tally.Expected> expected;
    private final List<PublishResult> acked;
    private final Source source;
    private final JournalAudit journal;
    private int lost = -1;

    /**
     * What the summary says of where the messages went besides the receivers and the journal: who acknowledged them
     * and what counted them. One router in this process ({@link #router}) or a cluster of nodes.
     *
     * @param acknowledgedBy who acknowledged each publish, with its own counts ("the router (12 PUBLISH frames, ...)")
     * @param journaled      the journaled count the summary shows
     * @param journaledIs    what that count is ("router counter")
     * @param journalHolds   what the journal read back holds ("the journal on disk holds 14 entries")
     * @param deliveryFrames what the router side wrote ("the router wrote 40 DELIVERY frames")
     * @param routerIds      the routers whose receipts the journal may hold
     */
    record Source(String acknowledgedBy, long journaled, String journaledIs, String journalHolds, String deliveryFrames,
        Set<String> routerIds)
    {
        /** The single router's counters, read after it stopped. */
        static Source router(final RouterCounters counters, final String routerId, final JournalAudit journal)
        {
            return new Source("the router (" + counters.published() + " PUBLISH frames, " + counters.duplicates() + " duplicates, "
                + counters.nacked() + " nacked)", counters.journaled(), "router counter",
                "the journal on disk holds " + journal.entries().size() + " entries",
                "the router wrote " + counters.delivered() + " DELIVERY frames", Set.of(routerId));
        }
    }

    Report(final PrintWriter out, final Tally tally, final List<Tally.Expected> expected,
        final List<PublishResult> acked, final Source source, final JournalAudit journal)
    {
        this.out = out;
        this.tally = tally;
        this.expected = expected;
        this.acked = acked;
        this.source = source;
        this.journal = journal;
    }

    /** Expected deliveries not made; valid after {@link #summary}. */
    int lost()
    {
        return lost;
    }

    void summary(final long caughtUp, final String positionsCheck)
    {
        final Map<String, String> notes = new java.util.LinkedHashMap<>();
        notes.put("catch-up", caughtUp + " messages caught up after reconnecting");
        notes.put("positions", positionsCheck);
        summary(notes);
    }

    /** The summary, with {@code notes} (name to text) printed after the journal line, in their order. */
    void summary(final Map<String, String> notes)
    {
        final List<String> problems = new ArrayList<>();
        final Set<Tally.Received> matched = new HashSet<>();
        lost = 0;
        for (final Tally.Expected e : expected)
        {
            final Tally.Received r = tally.find(e);
            final String problem = check(e, r);
            if (problem == null)
            {
                matched.add(r);
            }
            else
            {
                lost++;
                problems.add(problem);
            }
        }
        int ackedInJournal = 0;
        for (final PublishResult a : acked)
        {
            ackedInJournal += journal.holdsOnce(a.journalIndex(), a.messageId()) ? 1 : 0;
        }
        final List<Tally.Received> all = tally.all();
        final List<Tally.Received> unexpected = all.stream().filter(r -> !matched.contains(r)).toList();
        final long receipts = source.routerIds().stream().mapToLong(journal::countFrom).sum();
        final long origins = acked.stream().map(PublishResult::origin).distinct().count();

        out.println();
        out.println("summary");
        line("published", acked.size(), "messages from " + origins + " terminals, each acknowledged by " + source.acknowledgedBy());
        line("journaled", source.journaled(), source.journaledIs() + ": " + acked.size() + " publishes + " + receipts +
            " receipt(s) from " + receiptMakers() + "; " + source.journalHolds());
        line("delivered", all.size(), "distinct deliveries counted at the receivers (" + tally.repeats() +
            " repeats not counted; " + source.deliveryFrames() + ")");
        line("expected", expected.size(), "deliveries, from the roster and each message's addresses");
        line("lost", lost, "expected deliveries not received, or whose message is not in the journal exactly once");
        line("unexpected", unexpected.size(), "deliveries received that the scenario did not expect");
        out.println("  journal     " + ackedInJournal + " of " + acked.size() + " acknowledged indexes hold their message, once");
        notes.forEach((name, text) -> out.println(String.format(Locale.ROOT, "  %-11s %s", name, text)));
        out.println("  latency     " + latency(all));
        for (final String p : problems.subList(0, Math.min(MAX_PROBLEMS, problems.size())))
        {
            out.println("  LOST: " + p);
        }
        for (final Tally.Received r : unexpected.subList(0, Math.min(MAX_PROBLEMS, unexpected.size())))
        {
            out.println("  UNEXPECTED: " + r.messageId() + " at " + r.receiver());
        }
        out.flush();
    }

    /** The routers whose receipts the journal holds, or all of them when it holds none. */
    private String receiptMakers()
    {
        final List<String> ids = source.routerIds().stream().sorted().toList();
        final List<String> made = ids.stream().filter(id -> journal.countFrom(id) > 0).toList();
        return String.join(", ", made.isEmpty() ? ids : made);
    }

    /** Null when the expectation was met, else what went wrong. */
    private String check(final Tally.Expected e, final Tally.Received r)
    {
        if (e.isReceipt())
        {
            final JournalAudit.Entry receipt = journal.onlyReceipt(source.routerIds(), e.receiptFor(), e.receiptFrom());
            if (receipt == null)
            {
                return e.messageId() + ": not in the journal exactly once";
            }
            return r != null && r.index() == receipt.index() ? null : e.messageId() + ": not received by " + e.receiver();
        }
        if (!journal.holdsOnce(e.index(), e.messageId()))
        {
            return e.messageId() + " for " + e.receiver() + ": not in the journal exactly once at its acknowledged index";
        }
        return r != null ? null : e.messageId() + ": not received by " + e.receiver();
    }

    private String latency(final List<Tally.Received> all)
    {
        final long[] live = all.stream().filter(r -> !r.caughtUp()).mapToLong(Tally.Received::latencyMicros).sorted().toArray();
        final long[] late = all.stream().filter(Tally.Received::caughtUp).mapToLong(Tally.Received::latencyMicros).sorted().toArray();
        if (live.length == 0)
        {
            return "no deliveries";
        }
        return "p50 " + Tally.latency(percentile(live, 50)) + ", p99 " + Tally.latency(percentile(live, 99)) + ", max " +
            Tally.latency(live[live.length - 1]) + " over " + live.length + " live deliveries" +
            (late.length == 0 ? "" : "; the " + late.length + " caught up waited up to " +
                Tally.latency(late[late.length - 1]) + " (time offline included)");
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(final long[] sorted, final double p)
    {
        final int rank = (int)Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private void line(final String name, final long value, final String explanation)
    {
        out.println(String.format(Locale.ROOT, "  %-10s = %-4d %s", name, value, explanation));
    }

    /** After-action review: the journal read back from disk, counted and its urgent entries listed. */
    void replay(final Path journalDir)
    {
        out.println();
        out.println("journal replay: " + journal.entries().size() + " entries read back from disk" +
            (journalDir == null ? "" : " (" + journalDir + "; replay again with ./emcomm replay --data " +
                journalDir.getParent() + ")"));
        out.println("  by precedence  " + join(journal.byPrecedence()));
        out.println("  by body        " + join(journal.byBody().entrySet().stream().collect(Collectors.toMap(
            e -> e.getKey().name().toLowerCase(Locale.ROOT), Map.Entry::getValue, Integer::sum, java.util.LinkedHashMap::new))));
        out.println("  by origin      " + join(journal.byOrigin()));
        out.println("  FLASH and IMMEDIATE, in journal order:");
        for (final JournalAudit.Entry e : journal.entries())
        {
            if (Arrays.asList(Precedence.FLASH, Precedence.IMMEDIATE).contains(e.precedence()))
            {
                out.println("    " + DeliveryFormat.line(Delivery.of(io.emcomm.protocol.wire.Delivery.newBuilder()
                    .setJournalIndex(e.index()).setJournaledAtMicros(e.journaledAtMicros()).setEnvelope(e.envelope()).build())));
            }
        }
        out.flush();
    }

    private static String join(final Map<?, Integer> counts)
    {
        return counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }
}
