package io.emcomm.cli.demo;

import io.emcomm.cli.format.DeliveryFormat;
import io.emcomm.client.Delivery;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.Receipt;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Every delivery the scenario's terminals received, as they received it: prints one live-log line per
 * delivery and lets the scenario wait, with a deadline, until what it expects has arrived.
 *
 * <p>Thread-safe: each client calls {@link #onDelivery} on its own dispatch thread; the scenario thread
 * waits and reads. One lock keeps the live log's lines whole and in arrival order.
 */
final class Tally
{
    private static final int SUMMARY_WIDTH = 64;

    /** A delivery as one receiver first saw it. Latency is the receiver's clock minus the envelope's created_at. */
    record Received(String receiver, long index, String messageId, long latencyMicros, boolean caughtUp, Envelope envelope)
    {
    }

    /**
     * A delivery the scenario expects: {@code receiver} gets the message journaled at {@code index}; or, for
     * a receipt ({@code receiptFor != 0}), a DELIVERED receipt for the message at {@code receiptFor}
     * acknowledged by {@code receiptFrom}, whose own index only the router knows. Across a federation of routers
     * ({@code byId}) a message has an index of its own in each router's journal, so it is matched by its id
     * (origin/sequence), and a receipt by the id of the message it is about ({@code receiptOf}).
     */
    record Expected(String receiver, long index, String messageId, long receiptFor, String receiptFrom, boolean byId,
        String receiptOf)
    {
        static Expected message(final String receiver, final long index, final String messageId)
        {
            return new Expected(receiver, index, messageId, 0, null, false, null);
        }

        static Expected receipt(final String receiver, final long originalIndex, final String originalId, final String from)
        {
            return new Expected(receiver, 0, "receipt for " + originalId + " from " + from, originalIndex, from, false, null);
        }

        /** The message {@code messageId} at {@code receiver}, at whatever index the receiver's router journaled it. */
        static Expected messageAnywhere(final String receiver, final String messageId)
        {
            return new Expected(receiver, 0, messageId, 0, null, true, null);
        }

        /** A DELIVERED receipt for the message {@code originalId} acknowledged by {@code from}, made by any router. */
        static Expected receiptAnywhere(final String receiver, final String originalId, final String from)
        {
            return new Expected(receiver, 0, "receipt for " + originalId + " from " + from, 0, from, true, originalId);
        }

        boolean isReceipt()
        {
            return receiptFor != 0 || receiptOf != null;
        }

        boolean matches(final Received r)
        {
            if (!r.receiver().equals(receiver))
            {
                return false;
            }
            if (!isReceipt())
            {
                return byId ? r.messageId().equals(messageId) : r.index() == index;
            }
            if (!r.envelope().hasReceipt())
            {
                return false;
            }
            final Receipt receipt = r.envelope().getReceipt();
            final boolean about = byId ? (receipt.getMessageOrigin() + "/" + receipt.getMessageOriginSequence()).equals(receiptOf)
                : receipt.getJournalIndex() == receiptFor;
            return about && receipt.getTerminalId().equals(receiptFrom) && receipt.getStatus() == Receipt.Status.DELIVERED;
        }
    }

    private final PrintWriter out;
    private volatile long startNanos = System.nanoTime();
    /** Per receiver, its deliveries by journal index, first arrival only, in arrival order. */
    private final Map<String, Map<Long, Received>> received = new HashMap<>();
    private final Map<String, Set<Long>> missedWhileOffline = new HashMap<>();
    /** Per receiver whose router node died, the first journal index sent after that. */
    private final Map<String, Long> failedOverFrom = new HashMap<>();
    private int repeats;

    Tally(final PrintWriter out)
    {
        this.out = out;
    }

    /** Starts the live log's clock: offsets are printed from here. */
    void startClock()
    {
        startNanos = System.nanoTime();
    }

    /** Marks what {@code receiver} missed while offline, so its catch-up deliveries are labelled as such. */
    synchronized void missedWhileOffline(final String receiver, final Collection<Long> indexes)
    {
        missedWhileOffline.put(receiver, new HashSet<>(indexes));
    }

    /**
     * Marks {@code receivers} as terminals whose router node died when the journal's last index was {@code lastIndex}:
     * their deliveries of later messages can only come from the node they fail over to, and are labelled so.
     */
    synchronized void nodeDied(final Collection<String> receivers, final long lastIndex)
    {
        receivers.forEach(r -> failedOverFrom.put(r, lastIndex + 1));
    }

    /** How many distinct messages sent after its node died {@code receiver} got (see {@link #nodeDied}). */
    synchronized long afterFailover(final String receiver)
    {
        final long from = failedOverFrom.getOrDefault(receiver, Long.MAX_VALUE);
        return received.getOrDefault(receiver, Map.of()).keySet().stream().filter(i -> i >= from).count();
    }

    /** A line of the live log that is not a delivery (a terminal failing over), stamped like one. */
    synchronized void note(final String text)
    {
        out.println(String.format(Locale.ROOT, "  %+8.3fs  %s", (System.nanoTime() - startNanos) / 1e9, text));
        out.flush();
    }

    /** A delivery listener's body: record, print, wake the scenario. Never throws (that would withhold the ack). */
    void onDelivery(final String receiver, final Delivery d)
    {
        final long latencyMicros = nowMicros() - d.envelope().getCreatedAtMicros();
        synchronized (this)
        {
            final Map<Long, Received> mine = received.computeIfAbsent(receiver, k -> new LinkedHashMap<>());
            final boolean repeat = mine.containsKey(d.journalIndex());
            final boolean caughtUp = missedWhileOffline.getOrDefault(receiver, Set.of()).contains(d.journalIndex());
            if (repeat)
            {
                repeats++;
            }
            else
            {
                mine.put(d.journalIndex(), new Received(receiver, d.journalIndex(), d.messageId(), latencyMicros, caughtUp,
                    d.envelope()));
            }
            out.println(String.format(Locale.ROOT, "  %+8.3fs  %-13s -> %-10s %-9s %-" + SUMMARY_WIDTH + "s %s%s",
                (System.nanoTime() - startNanos) / 1e9, d.messageId(), receiver, d.precedence(),
                shorten(DeliveryFormat.summary(d.envelope())), latency(latencyMicros),
                repeat ? "  (repeat)" : caughtUp ? "  (caught up)"
                    : d.journalIndex() >= failedOverFrom.getOrDefault(receiver, Long.MAX_VALUE) ? "  (after failover)" : ""));
            out.flush();
            notifyAll();
        }
    }

    /** Waits until every expectation is met or the timeout passes; returns those still unmet. */
    synchronized List<Expected> await(final Collection<Expected> expected, final Duration timeout) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        List<Expected> missing = missing(expected);
        while (!missing.isEmpty())
        {
            final long leftMs = (deadline - System.nanoTime()) / 1_000_000;
            if (leftMs <= 0)
            {
                break;
            }
            wait(leftMs);
            missing = missing(expected);
        }
        return missing;
    }

    /** The delivery meeting {@code e}, or null. */
    synchronized Received find(final Expected e)
    {
        final Map<Long, Received> mine = received.getOrDefault(e.receiver(), Map.of());
        if (!e.isReceipt() && !e.byId())
        {
            return mine.get(e.index());
        }
        for (final Received r : mine.values())
        {
            if (e.matches(r))
            {
                return r;
            }
        }
        return null;
    }

    /** What {@code receiver} received, in arrival order (first arrival of each journal index). */
    synchronized List<Received> receivedBy(final String receiver)
    {
        return new ArrayList<>(received.getOrDefault(receiver, Map.of()).values());
    }

    synchronized List<Received> all()
    {
        final List<Received> all = new ArrayList<>();
        received.values().forEach(m -> all.addAll(m.values()));
        return all;
    }

    synchronized long caughtUp(final String receiver)
    {
        return received.getOrDefault(receiver, Map.of()).values().stream().filter(Received::caughtUp).count();
    }

    /** Deliveries that arrived again at the same receiver (at least once delivery; not counted as delivered). */
    synchronized int repeats()
    {
        return repeats;
    }

    private List<Expected> missing(final Collection<Expected> expected)
    {
        final List<Expected> missing = new ArrayList<>();
        for (final Expected e : expected)
        {
            if (find(e) == null)
            {
                missing.add(e);
            }
        }
        return missing;
    }

    static long nowMicros()
    {
        final Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    static String latency(final long micros)
    {
        return micros >= 1_000_000 ? String.format(Locale.ROOT, "%.2f s", micros / 1e6) :
            String.format(Locale.ROOT, "%.1f ms", micros / 1e3);
    }

    private static String shorten(final String s)
    {
        return s.length() <= SUMMARY_WIDTH ? s : s.substring(0, SUMMARY_WIDTH - 3) + "...";
    }
}
