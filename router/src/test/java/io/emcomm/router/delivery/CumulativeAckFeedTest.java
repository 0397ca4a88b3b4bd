package io.emcomm.router.delivery;

import io.emcomm.router.delivery.FeedFixture.Limits;
import io.emcomm.testing.LeakWatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.emcomm.protocol.wire.Precedence.FLASH;
import static io.emcomm.protocol.wire.Precedence.ROUTINE;
import static io.emcomm.router.delivery.FeedFixture.ME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DeliveryFeed#onAckThrough}: a cumulative DELIVERY_ACK does, for every delivery it covers, what a per-index
 * acknowledgement does (in-flight limit, cursor, receipts, FLASH clock), driven by direct calls (see
 * {@link FeedFixture}).
 */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class CumulativeAckFeedTest
{
    private static final String TO_ME = "terminal:" + ME;

    @TempDir
    Path dir;

    @Test
    void anAckThroughNReleasesTheInFlightLimitAndMovesTheCursorWrittenOncePerBatch()
    {
        try (FeedFixture f = new FeedFixture(dir, new Limits(16_384, 4, 65_536)))
        {
            final DeliveryFeed feed = f.login();
            f.settle(feed);
            final int recordsBefore = f.cursors.cursorRecords.get();
            final List<Long> routine = new ArrayList<>();
            for (int i = 0; i < 10; i++)
            {
                routine.add(f.publish(TO_ME, ROUTINE));
            }
            f.sink.runTasks();
            assertEquals(routine.subList(0, 4), f.sink.indexes(), "the in-flight limit");
            assertEquals(4, feed.lastDeliverySeq());

            assertTrue(feed.onAckThrough(3));
            feed.persist(); // the end of the read batch
            assertEquals(routine.get(2), f.terminal.cursor());
            assertEquals(routine.get(2), f.cursors.recordedCursors.get(ME));
            assertEquals(recordsBefore + 1, f.cursors.cursorRecords.get(), "one cursor write for three acks");
            f.sink.runTasks();
            assertEquals(routine.subList(0, 7), f.sink.indexes(), "three slots freed, three more written");
            assertEquals(4, feed.numberedHeld(), "#4 and the three new ones");
            assertEquals(7, feed.unacked(), "the ledger: those four and the three still queued");
        }
    }

    @Test
    void receiptsAndTheFlashClockFollowACumulativeAckAsTheyFollowAPerIndexOne()
    {
        try (FeedFixture f = new FeedFixture(dir, Limits.DEFAULTS))
        {
            final DeliveryFeed feed = f.login();
            f.settle(feed);
            final long flash = f.publish(f.envelope(TO_ME, FLASH).setWantReceipts(true).build().toByteArray());
            final long routine = f.publish(f.envelope(TO_ME, ROUTINE).setWantReceipts(true).build().toByteArray());
            final long plain = f.publish(TO_ME, ROUTINE);
            f.sink.runTasks();
            assertEquals(List.of(flash, routine, plain), f.sink.indexes());

            assertTrue(feed.onAckThrough(3));
            assertEquals(List.of(flash, routine), f.events.delivered, "one receipt each, in order");
            for (int i = 0; i < 3; i++)
            {
                f.clock.advanceMillis(FeedFixture.FLASH_TIMEOUT_MICROS / 1000);
                feed.onTimer();
                f.sink.runTasks();
            }
            assertEquals(0, f.counters.flashResends(), "the FLASH clock stopped");
            assertTrue(f.events.notDelivered.isEmpty());
            assertEquals(plain, f.terminal.cursor());

            assertTrue(feed.onAckThrough(3), "a repeat is fine");
            assertTrue(feed.onAck(routine), "and so is the same delivery acknowledged by index");
            assertEquals(2, f.events.delivered.size(), "no second receipt");
        }
    }

    @Test
    void anAckThroughANumberNotYetWrittenIsRefusedAndAcknowledgesNothing()
    {
        try (FeedFixture f = new FeedFixture(dir, Limits.DEFAULTS))
        {
            final DeliveryFeed feed = f.login();
            f.settle(feed);
            final long cursor = f.terminal.cursor();
            f.publish(TO_ME, ROUTINE);
            f.publish(TO_ME, ROUTINE);
            f.sink.runTasks();
            assertFalse(feed.onAckThrough(3));
            assertEquals(cursor, f.terminal.cursor());
            assertEquals(2, feed.unacked());
            assertEquals(2, feed.numberedHeld());
        }
    }

    @Test
    void perIndexAcknowledgementsEmptyTheNumberedRingFromTheFront()
    {
        try (FeedFixture f = new FeedFixture(dir, Limits.DEFAULTS))
        {
            final DeliveryFeed feed = f.login();
            f.settle(feed);
            final List<Long> sent = new ArrayList<>();
            for (int i = 0; i < 50; i++)
            {
                sent.add(f.publish(TO_ME, ROUTINE));
            }
            f.sink.runTasks();
            assertEquals(50, feed.numberedHeld());
            assertTrue(feed.onAck(sent.get(1)));
            assertEquals(50, feed.numberedHeld(), "the first is still outstanding");
            assertTrue(feed.onAck(sent.get(0)));
            assertEquals(48, feed.numberedHeld());
            for (int i = 2; i < 50; i++)
            {
                assertTrue(feed.onAck(sent.get(i)));
            }
            assertEquals(0, feed.numberedHeld(), "a client that never acks cumulatively holds nothing here");
            assertEquals(50, feed.lastDeliverySeq());
        }
    }

    @Test
    void aReplacedFeedTakesNoCumulativeAck()
    {
        try (FeedFixture f = new FeedFixture(dir, Limits.DEFAULTS))
        {
            final DeliveryFeed old = f.login();
            f.settle(old);
            final long first = f.publish(TO_ME, ROUTINE);
            f.sink.runTasks();
            assertEquals(1, old.lastDeliverySeq());
            f.login();
            assertFalse(old.onAckThrough(1), "acks belong to the connection that carried the delivery");
            assertTrue(first > f.terminal.cursor());
        }
    }

    /**
     * The middle router of a chain forwards what it imports through its uplink's feed (issue 16): when that feed's
     * delivery window fills it falls back to the journal, and cumulative acknowledgements alone - no timer tick, the
     * clock never moves - must carry it through the backlog and back to live, where the next message is written at
     * its hand-off.
     */
    @Test
    void aFeedWhoseWindowFilledIsCarriedBackToLiveByCumulativeAcksAloneWithoutATimer()
    {
        try (FeedFixture f = new FeedFixture(dir, new Limits(8, 4, 65_536)))
        {
            final DeliveryFeed feed = f.login();
            f.settle(feed);
            final List<Long> published = new ArrayList<>();
            for (int i = 0; i < 30; i++)
            {
                published.add(f.publish(TO_ME, ROUTINE));
            }
            f.sink.runTasks();
            assertEquals(DeliveryFeed.State.CATCHING_UP, feed.state(), "the window filled: the rest is left to the journal");
            final long drops = f.counters.slowConsumerDrops();
            assertTrue(drops > 0);
            for (int round = 0; round < 100 && (f.sink.indexes().size() < published.size() || !feed.isLive()); round++)
            {
                assertTrue(feed.onAckThrough(feed.lastDeliverySeq()));
                feed.persist(); // the end of the read batch
                f.sink.runTasks();
            }
            assertEquals(published, f.sink.indexes(), "every message, in order, once");
            assertTrue(feed.isLive(), "back to live on acknowledgements alone");

            final long next = f.publish(TO_ME, ROUTINE);
            f.sink.runTasks();
            assertEquals(next, f.sink.indexes().get(f.sink.indexes().size() - 1), "written at its hand-off");
            assertEquals(drops, f.counters.slowConsumerDrops(), "live again: not left to the journal");
        }
    }
}
