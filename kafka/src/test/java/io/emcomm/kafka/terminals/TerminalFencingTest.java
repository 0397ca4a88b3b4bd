package io.emcomm.kafka.terminals;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emcomm.protocol.address.ChannelPattern;
import io.emcomm.router.terminal.AckWindow;
import io.emcomm.router.terminal.TerminalState;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fencing rules of the terminals topic (issue 15 item 2 and its Tests: "unit tests with Kafka's MockProducer /
 * MockConsumer for ... epoch fencing"): stores of several nodes on one {@link MockLog}, each step of a race written
 * out, on a manual clock.
 */
class TerminalFencingTest
{
    private final MockLog log = new MockLog();

    @AfterEach
    void close()
    {
        log.close();
    }

    private TerminalState claim(final MockLog.Node node, final String terminal, final long initialCursor)
    {
        final CompletableFuture<TerminalState> claimed = node.store.claim(terminal, initialCursor);
        assertFalse(claimed.isDone(), "a claim waits until its record is read back");
        log.settle();
        assertTrue(claimed.isDone());
        return claimed.join();
    }

    private void flush()
    {
        log.passFlushInterval();
        log.settle();
    }

    private static List<String> patterns(final TerminalState state)
    {
        return Arrays.stream(state.subscriptions()).map(ChannelPattern::pattern).toList();
    }

    private static long epochOf(final MockLog.Node node, final String terminal)
    {
        return node.store.snapshot(terminal).epoch();
    }

    @Test
    void theNewOwnerTakesOverCursorAcksAndSubscriptions()
    {
        final MockLog.Node a = log.node("A");
        final MockLog.Node b = log.node("B");
        final TerminalState onA = claim(a, "t1", 0);
        a.store.recordCursor(onA, 5);
        a.store.recordAck(onA, 7);
        a.store.recordAck(onA, 9);
        final CompletableFuture<Boolean> subscribed = a.store.changeSubscriptionCommitted(onA, "flood.>", true);
        flush();
        assertTrue(subscribed.join());

        final TerminalState onB = claim(b, "t1", 100);
        assertEquals(5, onB.cursor());
        assertEquals(AckWindow.DONE, onB.ackWindow().state(7));
        assertEquals(AckWindow.DONE, onB.ackWindow().state(9));
        assertEquals(0, onB.ackWindow().state(8));
        assertEquals(List.of("flood.>"), patterns(onB));
        assertEquals(List.of("t1 B " + epochOf(b, "t1")), a.lost);
        assertFalse(a.store.owns("t1"));
        assertTrue(b.store.owns("t1"));
        // A's view agrees: B owns the terminal from the same epoch with the same state
        assertEquals(b.store.snapshot("t1"), a.store.snapshot("t1"));
        assertEquals("B", a.store.snapshot("t1").owner());
    }

    @Test
    void aStaleEpochsWritesNeverWin()
    {
        final MockLog.Node a = log.node("A");
        final MockLog.Node b = log.node("B");
        final TerminalState onA = claim(a, "t1", 0);
        a.store.recordCursor(onA, 5);
        flush();

        // B claims; its claim is on the log and B has read it, A has not yet
        final CompletableFuture<TerminalState> claimed = b.store.claim("t1", 0);
        log.pump(b);
        log.read(b);
        assertEquals(5, claimed.join().cursor());

        // A, a zombie, writes into its own epoch after B's claim
        a.store.recordCursor(onA, 50);
        a.store.recordAck(onA, 60);
        final CompletableFuture<Boolean> subscribed = a.store.changeSubscriptionCommitted(onA, "flood.>", true);
        a.store.flush(onA);
        final long epochA = epochOf(a, "t1");
        log.pump(a);
        log.settle();

        final TerminalSnapshot owner = b.store.snapshot("t1");
        assertEquals(CursorRecord.of(5), owner.cursor());
        assertEquals(List.of(), owner.subscriptions());
        assertEquals(5, claimed.join().cursor());
        assertEquals(List.of(), patterns(claimed.join()));
        final CompletionException refused = assertThrows(CompletionException.class, subscribed::join);
        assertInstanceOf(TerminalLost.class, refused.getCause());
        assertEquals(1, a.lost.size());
        // the owner deleted the zombie's keys (again, after the takeover's deletion)
        final List<String> deleted = b.producer.history().stream().filter(r -> r.value() == null).map(ProducerRecord::key).toList();
        assertTrue(deleted.contains("t1|" + epochA + "|cursor"), deleted.toString());
        assertTrue(deleted.contains("t1|" + epochA + "|subs"), deleted.toString());

        // and a third node taking over finds B's state, not the zombie's
        final MockLog.Node c = log.node("C");
        log.read(c);
        final TerminalState onC = claim(c, "t1", 0);
        assertEquals(5, onC.cursor());
        assertEquals(0, onC.ackWindow().state(60));
        assertEquals(List.of(), patterns(onC));
        // once A knows, its writes are dropped, not written
        final int sent = a.producer.history().size();
        a.store.recordCursor(onA, 70);
        log.passFlushInterval();
        log.read(a);
        assertEquals(sent, a.producer.history().size());
        assertTrue(a.store.fencedWrites() > 0);
    }

    @Test
    void takeoverTakesTheLargestCursorTheUnionOfAcksAndTheNewestSubscriptions()
    {
        final MockLog.Node c = log.node("C");
        // epochs of nodes that died before copying what they took over (written as raw records)
        for (final String t : List.of("t2", "t3"))
        {
            final long e1 = log.append(t + "|claim", new ClaimRecord("X", 91, 1, 0).encode());
            log.append(t + "|" + e1 + "|cursor", new CursorRecord(10, new long[] {12, 15}).encode());
            log.append(t + "|" + e1 + "|subs", new SubscriptionsRecord(91, 1, List.of("a.b")).encode());
            final long e2 = log.append(t + "|claim", new ClaimRecord("Y", 92, 1, 0).encode());
            log.append(t + "|" + e2 + "|cursor", new CursorRecord(8, new long[] {9, 20}).encode());
            log.append(t + "|" + e2 + "|subs", new SubscriptionsRecord(92, 1, List.of("c.>")).encode());
            log.append(t + "|claim", new ClaimRecord("Z", 93, 1, 0).encode());
        }
        final long e3 = log.records().get(log.records().size() - 8).offset(); // t2's third claim
        log.append("t2|" + e3 + "|subs", new SubscriptionsRecord(93, 1, List.of()).encode()); // unsubscribed everything
        log.read(c);

        final TerminalState t2 = claim(c, "t2", 0);
        assertEquals(10, t2.cursor());
        assertEquals(AckWindow.DONE, t2.ackWindow().state(12));
        assertEquals(AckWindow.DONE, t2.ackWindow().state(15));
        assertEquals(AckWindow.DONE, t2.ackWindow().state(20));
        assertEquals(0, t2.ackWindow().state(9), "an ack at or below the cursor is covered by it");
        assertEquals(List.of(), patterns(t2), "the newest epoch that wrote subscriptions wrote an empty set");
        final TerminalState t3 = claim(c, "t3", 0);
        assertEquals(List.of("c.>"), patterns(t3));
        assertEquals(new CursorRecord(10, new long[] {12, 15, 20}), c.store.snapshot("t3").cursor());
    }

    @Test
    void aCompactedTopicGivesTheSameView()
    {
        aStaleEpochsWritesNeverWin(); // leaves takeovers, tombstones and a zombie's writes on the log
        final MockLog.Node d = log.node("D");
        final TerminalState onD = claim(d, "t4", 3);
        d.store.recordCursor(onD, 8);
        d.store.recordAck(onD, 11);
        flush();
        log.append("t5|claim", new ClaimRecord("W", 94, 1, 0).encode()); // died before copying anything
        final long e = log.records().get(log.records().size() - 1).offset();
        log.append("t5|" + e + "|cursor", new CursorRecord(4, new long[] {6}).encode());
        log.append("t5|" + e + "|cursor", new CursorRecord(5, new long[] {6, 7}).encode());

        final List<ConsumerRecord<String, byte[]>> full = log.records();
        final List<ConsumerRecord<String, byte[]>> compacted = log.compacted();
        assertTrue(compacted.size() < full.size());
        final TerminalsView fullView = replay(full);
        final TerminalsView compactedView = replay(compacted);
        for (final String t : List.of("t1", "t4", "t5"))
        {
            assertNotNull(fullView.history(t));
            assertEquals(fullView.history(t).snapshot(), compactedView.history(t).snapshot(), t);
            // and a claim now takes over the same state from either
            final long next = full.get(full.size() - 1).offset() + 1;
            final ClaimRecord claim = new ClaimRecord("N", 95, 1, 0);
            assertEquals(fullView.history(t).claimed(next, claim), compactedView.history(t).claimed(next, claim), t);
        }

        // a node started on the compacted topic has the same snapshots as one that read it all
        log.read(d);
        log.replaceWith(compacted);
        final MockLog.Node e2 = log.node("E");
        log.read(e2);
        for (final String t : List.of("t1", "t4", "t5"))
        {
            assertEquals(d.store.snapshot(t), e2.store.snapshot(t), t);
        }
        assertEquals(new CursorRecord(8, new long[] {11}), e2.store.snapshot("t4").cursor());
        assertEquals(new CursorRecord(5, new long[] {6, 7}), e2.store.snapshot("t5").cursor());
    }

    private static TerminalsView replay(final List<ConsumerRecord<String, byte[]>> records)
    {
        final TerminalsView view = new TerminalsView();
        final TerminalsView.Events ignore = new TerminalsView.Events()
        {
            @Override
            public void claimed(final TerminalHistory h, final ClaimRecord c, final ClaimRecord p, final TerminalSnapshot t)
            {
            }

            @Override
            public void current(final TerminalHistory h, final TerminalKey k, final Object v)
            {
            }

            @Override
            public void fenced(final TerminalHistory h, final TerminalKey k, final Object v)
            {
            }
        };
        for (final ConsumerRecord<String, byte[]> r : records)
        {
            view.apply(r.key(), r.value(), r.offset(), ignore);
        }
        return view;
    }

    @Test
    void onlyAnotherNodesClaimIsALoss()
    {
        final MockLog.Node a = log.node("A");
        final MockLog.Node b = log.node("B");
        claim(a, "t1", 0);
        claim(a, "t1", 0); // a second login on the same node: the router replaces the session itself
        assertEquals(List.of(), a.lost);
        assertTrue(a.store.owns("t1"));
        claim(b, "t1", 0);
        assertEquals(List.of("t1 B " + epochOf(a, "t1")), a.lost);
        assertEquals(List.of(), b.lost);
    }

    @Test
    void aSecondLoginOnTheSameNodeTakesOverWhatTheFirstOwedTheTopic()
    {
        final MockLog.Node a = log.node("A");
        final TerminalState first = claim(a, "t1", 0);
        a.store.recordCursor(first, 7); // not flushed: the flush interval has not passed
        a.store.recordAck(first, 9);
        final TerminalState second = claim(a, "t1", 0);
        assertEquals(7, second.cursor());
        assertEquals(AckWindow.DONE, second.ackWindow().state(9));
    }

    @Test
    void cursorRecordsAreWrittenAtMostOncePerFlushInterval()
    {
        final MockLog.Node a = log.node("A");
        final TerminalState t = claim(a, "t1", 0);
        assertEquals(1, cursorRecords(a).size(), "the takeover's copy");
        for (long i = 1; i <= 100; i++)
        {
            a.store.recordCursor(t, i);
        }
        a.store.recordAck(t, 104);
        log.read(a);
        assertEquals(1, cursorRecords(a).size(), "nothing before the interval has passed");
        log.passFlushInterval();
        log.read(a);
        assertEquals(List.of(new CursorRecord(100, new long[] {104})), cursorRecords(a).subList(1, 2));
        log.passFlushInterval();
        log.read(a);
        assertEquals(2, cursorRecords(a).size(), "nothing new, nothing written");
        a.store.recordCursor(t, 104);
        log.passFlushInterval();
        log.read(a);
        assertEquals(CursorRecord.of(104), cursorRecords(a).get(2));
    }

    private static List<CursorRecord> cursorRecords(final MockLog.Node node)
    {
        final List<CursorRecord> out = new ArrayList<>();
        for (final ProducerRecord<String, byte[]> r : node.producer.history())
        {
            if (r.key().endsWith("|cursor") && r.value() != null)
            {
                out.add(CursorRecord.decode(r.value()));
            }
        }
        return out;
    }

    @Test
    void aSubscriptionChangeCompletesOnlyOnceItsRecordIsReadBack()
    {
        final MockLog.Node a = log.node("A");
        final TerminalState t = claim(a, "t1", 0);
        final CompletableFuture<Boolean> subscribed = a.store.changeSubscriptionCommitted(t, "flood.>", true);
        assertFalse(subscribed.isDone());
        log.pump(a);
        assertFalse(subscribed.isDone(), "on the log, not read yet");
        log.read(a);
        assertTrue(subscribed.join());
        assertFalse(a.store.changeSubscriptionCommitted(t, "flood.>", true).join(), "unchanged");
        final CompletableFuture<Boolean> removed = a.store.changeSubscriptionCommitted(t, "flood.>", false);
        log.settle();
        assertTrue(removed.join());
        assertEquals(List.of(), a.store.snapshot("t1").subscriptions());
    }

    @Test
    void writesForATerminalNotClaimedHereAreDropped()
    {
        final MockLog.Node a = log.node("A");
        final TerminalState t = a.store.terminal("u1", 7);
        assertEquals(7, t.cursor());
        assertTrue(a.store.contains("u1"));
        a.store.recordCursor(t, 9);
        a.store.recordAck(t, 12);
        final CompletableFuture<Boolean> subscribed = a.store.changeSubscriptionCommitted(t, "flood.>", true);
        log.passFlushInterval();
        log.read(a);
        assertEquals(List.of(), a.producer.history());
        assertEquals(3, a.store.fencedWrites());
        assertInstanceOf(TerminalLost.class, assertThrows(CompletionException.class, subscribed::join).getCause());
    }

    @Test
    void closingFailsWhatStillWaitsAndWritesWhatIsDue()
    {
        final MockLog.Node a = log.node("A");
        final TerminalState t = claim(a, "t1", 0);
        a.store.recordCursor(t, 3);
        final CompletableFuture<TerminalState> waiting = a.store.claim("t2", 0);
        final CompletableFuture<Boolean> subscribing = a.store.changeSubscriptionCommitted(t, "flood.>", true);
        a.store.close();
        assertInstanceOf(IllegalStateException.class, assertThrows(CompletionException.class, waiting::join).getCause());
        assertInstanceOf(IllegalStateException.class, assertThrows(CompletionException.class, subscribing::join).getCause());
        assertEquals(CursorRecord.of(3), cursorRecords(a).get(cursorRecords(a).size() - 1), "the due cursor record is written at close");
    }

    @Test
    void recordsOfAnotherWriterOrVersionAreSkipped()
    {
        final MockLog.Node a = log.node("A");
        log.append("not-a-key", new byte[] {1});
        log.append("t1|claim", new byte[] {9, 9}); // a version this node does not read
        log.append("t1|5|cursor", new byte[] {1, (byte) 0xff}); // truncated
        final TerminalState t = claim(a, "t1", 4);
        assertEquals(4, t.cursor());
        assertTrue(a.store.owns("t1"));
    }

    @Test
    void keysAndValuesRoundTrip()
    {
        assertEquals("t-1.x|claim", TerminalKey.claim("t-1.x").encode());
        assertEquals(TerminalKey.claim("t-1.x"), TerminalKey.parse("t-1.x|claim"));
        final TerminalKey state = TerminalKey.state("t1", 42, TerminalKey.Field.SUBSCRIPTIONS);
        assertEquals("t1|42|subs", state.encode());
        assertEquals(state, TerminalKey.parse(state.encode()));
        assertEquals(null, TerminalKey.parse("t1|x|cursor"));
        assertEquals(null, TerminalKey.parse("t1|42|other"));
        assertEquals(null, TerminalKey.parse("plain"));
        final CursorRecord cursor = new CursorRecord(-1, new long[] {3, 4, 1_000_000_000_000L});
        assertEquals(cursor, CursorRecord.decode(cursor.encode()));
        final ClaimRecord claim = new ClaimRecord("node-ü", -5, 7, 123);
        assertEquals(claim, ClaimRecord.decode(claim.encode()));
        final SubscriptionsRecord subs = new SubscriptionsRecord(1, 2, List.of("a.*", "b.>"));
        assertEquals(subs, SubscriptionsRecord.decode(subs.encode()));
        assertArrayEquals(new long[0], CursorRecord.decode(CursorRecord.of(5).encode()).acks());
        assertThrows(IllegalArgumentException.class, () -> CursorRecord.decode(new byte[] {9}));
    }
}
