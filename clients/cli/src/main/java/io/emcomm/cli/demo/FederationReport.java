package io.emcomm.cli.demo;

import io.emcomm.client.PublishResult;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.router.Router;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The summary of {@code emcomm demo --federation}, in the style of the single-router demo's {@link Report}.
 * "lost" is computed: an expected delivery counts as lost unless the receiver got it AND the journal of the
 * receiver's router, read back from disk after the routers stopped, holds that message exactly once (a message is
 * journaled once at every router it reaches, under its original origin and sequence, whatever crossed a link
 * twice); every acknowledged publish must be in its own router's journal exactly once at the index it was given.
 */
final class FederationReport
{
    private static final int MAX_PROBLEMS = 10;

    /** An acknowledged publish and the level (prov, city, county) of the router that acknowledged it. */
    record Published(PublishResult result, String level)
    {
    }

    /** What the scenario saw of the county's link: when it was cut and restored, what waited, what crossed first. */
    static final class Link
    {
        long cutAt;
        long restoredAt;
        List<String> waitingUp = List.of();
        List<String> waitingDown = List.of();
        String firstUp = "nothing";
        String firstDown = "nothing";
    }

    private final PrintWriter out;
    private final Tally tally;
    private final List<Tally.Expected> expected;
    private final List<Published> published;
    private final Link link;
    private final Map<String, Router> routers;
    private final Map<String, String> home;
    private final Map<String, JournalAudit> journals = new LinkedHashMap<>();
    private int lost = -1;

    FederationReport(final PrintWriter out, final Tally tally, final List<Tally.Expected> expected, final List<Published> published,
        final Link link, final Path dir, final Map<String, Router> routers, final Map<String, String> home)
    {
        this.home = home;
        this.out = out;
        this.tally = tally;
        this.expected = expected;
        this.published = published;
        this.link = link;
        this.routers = routers;
        for (final String level : routers.keySet())
        {
            journals.put(level, JournalAudit.read(dir.resolve(level).resolve("journal")));
        }
    }

    /** Expected deliveries not made; valid after {@link #summary}. */
    int lost()
    {
        return lost;
    }

    void summary()
    {
        final List<String> problems = new ArrayList<>();
        final Set<Tally.Received> matched = new HashSet<>();
        lost = 0;
        for (final Tally.Expected e : expected)
        {
            final Tally.Received r = tally.find(e);
            final String problem = check(e, r, journals.get(home.get(e.receiver())));
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
        for (final Published p : published)
        {
            ackedInJournal += journals.get(p.level()).holdsOnce(p.result().journalIndex(), p.result().messageId()) ? 1 : 0;
        }
        final List<String> twice = new ArrayList<>();
        for (final Map.Entry<String, JournalAudit> j : journals.entrySet())
        {
            j.getValue().entries().stream().map(JournalAudit.Entry::messageId).distinct()
                .filter(id -> j.getValue().timesJournaled(id) > 1).forEach(id -> twice.add(id + " at " + j.getKey()));
        }
        final List<Tally.Received> all = tally.all();
        final List<Tally.Received> unexpected = all.stream().filter(r -> !matched.contains(r)).toList();
        final long origins = published.stream().map(p -> p.result().origin()).distinct().count();
        final long journaled = journals.values().stream().mapToLong(j -> j.entries().size()).sum();

        out.println();
        out.println("summary");
        line("published", published.size(), "messages from " + origins + " terminals, each acknowledged by the router it "
            + "entered (" + perLevel(level -> published.stream().filter(p -> p.level().equals(level)).count()) + ")");
        line("journaled", journaled, "entries in the three journals on disk (" + perLevel(l -> journals.get(l).entries().size())
            + "): a message is journaled once at each router it reaches");
        line("delivered", all.size(), "distinct deliveries counted at the receivers (" + tally.repeats() + " repeats not counted;"
            + " the routers wrote " + perLevel(l -> routers.get(l).counters().delivered()) + " DELIVERY frames, links included)");
        line("expected", expected.size(), "deliveries, from the roster and each message's addresses, as if there were one router");
        line("lost", lost, "expected deliveries not received, or whose message is not in the receiver's router's journal once");
        line("unexpected", unexpected.size(), "deliveries received that the scenario did not expect (a copy included)");
        out.println("  journal     " + ackedInJournal + " of " + published.size() + " acknowledged indexes hold their message, "
            + "once; " + twice.size() + " messages journaled twice at one router");
        out.println(String.format(Locale.ROOT, "  link        county cut off for %.2f s; %d messages waited to cross up, %d down; "
            + "first across: up %s, down %s", (link.restoredAt - link.cutAt) / 1e9, link.waitingUp.size(),
            link.waitingDown.size(), link.firstUp, link.firstDown));
        out.println("  FLASH       " + (link.firstUp.contains(" FLASH ") && link.firstDown.contains(" FLASH ")
            ? "crossed first both ways when the link returned" : "did NOT cross first both ways"));
        for (final String p : problems.subList(0, Math.min(MAX_PROBLEMS, problems.size())))
        {
            out.println("  LOST: " + p);
        }
        for (final Tally.Received r : unexpected.subList(0, Math.min(MAX_PROBLEMS, unexpected.size())))
        {
            out.println("  UNEXPECTED: " + r.messageId() + " at " + r.receiver());
        }
        for (final String t : twice.subList(0, Math.min(MAX_PROBLEMS, twice.size())))
        {
            out.println("  JOURNALED TWICE: " + t);
        }
        out.flush();
    }

    /** Null when the expectation was met, else what went wrong. */
    private String check(final Tally.Expected e, final Tally.Received r, final JournalAudit journal)
    {
        if (e.isReceipt())
        {
            final String about = e.receiptOf();
            final int atCounty = journals.get("county").receiptsAbout(FederationDemo.LEVELS.get(2).routerId(), about, e.receiptFrom());
            final int atReceiver = journal.receiptsAbout(FederationDemo.LEVELS.get(2).routerId(), about, e.receiptFrom());
            if (atCounty != 1 || atReceiver != 1)
            {
                return e.messageId() + ": " + atCounty + " receipt(s) in the county's journal, " + atReceiver + " at " + e.receiver()
                    + "'s router (1 each expected)";
            }
            return r != null ? null : e.messageId() + ": not received by " + e.receiver();
        }
        final int times = journal.timesJournaled(e.messageId());
        if (times != 1)
        {
            return e.messageId() + " for " + e.receiver() + ": journaled " + times + " times at its router";
        }
        return r != null ? null : e.messageId() + ": not received by " + e.receiver();
    }

    private String perLevel(final java.util.function.ToLongFunction<String> count)
    {
        return routers.keySet().stream().map(l -> l + " " + count.applyAsLong(l)).collect(Collectors.joining(", "));
    }

    /** A precedence as the live log prints it (UNSPECIFIED is ROUTINE). */
    static String precedence(final Precedence p)
    {
        return p == Precedence.PRECEDENCE_UNSPECIFIED || p == Precedence.UNRECOGNIZED ? "ROUTINE" : p.name();
    }

    private void line(final String name, final long value, final String explanation)
    {
        out.println(String.format(Locale.ROOT, "  %-10s = %-4d %s", name, value, explanation));
    }
}
