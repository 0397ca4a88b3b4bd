package io.emcomm.router.delivery;

import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.PositionReport;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.Text;
import io.emcomm.router.delivery.FeedFixture.Limits;
import io.emcomm.testing.LeakWatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.emcomm.protocol.wire.Precedence.FLASH;
import static io.emcomm.protocol.wire.Precedence.IMMEDIATE;
import static io.emcomm.protocol.wire.Precedence.PRIORITY;
import static io.emcomm.protocol.wire.Precedence.ROUTINE;
import static io.emcomm.router.delivery.FeedFixture.ME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@link DeliveryFeed} driven by direct calls, on a real journal in a temp folder, a recording sink and a
 * manual clock (see {@link FeedFixture}): the rules of docs/delivery.md, one at a time.
 */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class DeliveryFeedTest
{
    private static final String TO_ME = "terminal:" + ME;
    private static final String TO_OTHER = "terminal:T2";

    @TempDir
    Path dir;

    @Test
    void catchUpTurnsLiveWithoutGapOrDuplicateAtTheSeam()
    {
        try (FeedFixture f = new FeedFixture(dir, Limits.DEFAULTS))
        {
            final List<Long> mine = new ArrayList<>();
            for (int i = 0; i < 3_000; i++)
            {
                mine.add(f.publish(TO_ME, ROUTINE));
                f.publish(TO_OTHER, ROUTINE); // others' traffic between, which the reader must skip
            }
            final DeliveryFeed feed = f.login();
            assertEquals(DeliveryFeed.State.CATCHING_UP, feed.state());
            // publish between every step of the catch-up: the seam falls somewhere among these
            int steps = 0;
            while (!feed.isLive())
            {
                assertTrue(f.sink.runOne(), "the catch-up stopped before turning live");
                mine.add(f.publish(TO_ME, ROUTINE));
                f.ackWritten(feed);
                assertTrue(++steps < 10_000, "never turned live");
            }
            for (int i = 0; i < 100; i++)
            {
                mine.add(f.publish(TO_ME, ROUTINE));
            }
            f.settle(feed);

            // each message once, in journal order, and everything acknowledged moved the cursor to the last
            assertEquals(mine, f.sink.indexes());
            assertEquals(mine.get(mine.size() - 1), f.terminal.cursor(), "ledger " + f.terminal.ackWindow().size() + " sent "
                + f.terminal.ackWindow().sent() + " state " + feed.state());
            assertEquals(mine.get(mine.size() - 1), f.cursors.recordedCursors.get(ME));
            assertTrue(f.sink.allFlushed());
        }
    }

    @Test
    void theSeamHoldsWhileAnotherThreadPublishes() throws Exception
    {
        try (FeedFixture f = new FeedFixture(dir, Limits.DEFAULTS))
        {
            for (int i = 0; i < 2_000; i++)
            {
                f.publish(TO_ME, ROUTINE);
            }
            final DeliveryFeed feed = f.login();
            final CompletableFuture<List<Long>> publisher = CompletableFuture.supplyAsync(() ->
            {
                final List<Long> live = new ArrayList<>();
                for (int i = 0; i < 5_000; i++)
                {
                    live.add(f.publish(i % 2 == 0 ? TO_ME : TO_OTHER, ROUTINE));
                }
                return live;
            });
            while (!publisher.isDone())
            {
                f.sink.runOne();
                f.ackWritten(feed);
            }
            publisher.get(30, TimeUnit.SECONDS);
            f.settle(feed);

            final List<Long> written = f.sink.indexes();
            assertEquals(new HashSet<>(written).size(), written.size(), "a message was written twice");
            assertEquals(2_000 + 2_500, written.size(), "a message fell between catch-up and live");
            final List<Long> sorted = new ArrayList<>(written);
            sorted.sort(null);
            assertEquals(sorted, written, "ROUTINE is delivered in journal order");
            assertTrue(feed.isLive());
        }
    }

    @Test
    void theBacklogComesUrgentFirstThenPriorityThenTheRestInJournalOrder()
    {
        try (FeedFixture f = new FeedFixture(dir, Limits.DEFAULTS))
        {
            final long r1 = f.publish(TO_ME, ROUTINE);
            final long p1 = f.publish(TO_ME, PRIORITY);
            final long i1 = f.publish(TO_ME, IMMEDIATE);
            final long f1 = f.publish(TO_ME, FLASH);
            final long r2 = f.publish(TO_ME, ROUTINE);
            f.publish(TO_OTHER, FLASH);
            final long p2 = f.publish(TO_ME, PRIORITY);
            final long f2 = f.publish(TO_ME, FLASH);

            final DeliveryFeed feed = f.login();
            f.settle(feed);

            assertEquals(List.of(f1, f2, i1, p1, p2, r1, r2), f.sink.indexes());
            assertTrue(feed.isLive());
            assertEquals(f2, f.terminal.cursor(), "the cursor is over the whole backlog");
        }
    }

    @Test
    void aFeedThatFallsBehindDefersToTheJournalAndCatchesUpWithoutLoss()
    {
        try (FeedFixture f = new FeedFixture(dir, new Limits(16, 8, 16)))
        {
            final DeliveryFeed feed = f.login();
            f.settle(feed);
            assertTrue(feed.isLive());

            f.sink.writable(false); // the post stops reading
            final List<Long> mine = new ArrayList<>();
            for (int i = 0; i < 100; i++)
            {
                mine.add(f.publish(TO_ME, ROUTINE));
            }
            f.sink.runTasks();
            assertEquals(DeliveryFeed.State.CATCHING_UP, feed.state(), "a full queue sends ROUTINE back to the journal");
            assertTrue(f.counters.slowConsumerDrops() > 0);
            assertTrue(feed.queued() <= 16, "memory stays bounded: " + feed.queued());
            assertTrue(f.sink.written().isEmpty());

            f.sink.writable(true); // it reads again
            feed.drain();
            f.settle(feed);

            assertEquals(mine, f.sink.indexes());
            assertTrue(feed.isLive());
            assertEquals(0, feed.unacked());
        }
    }

    @Test
    void aFlashOvertakesAFullRoutineQueue()
    {
        try (FeedFixture f = new FeedFixture(dir, new Limits(16_384, 4, 65_536)))
        {
            final DeliveryFeed feed = f.login();
            f.settle(feed);
            for (int i = 0; i < 20; i++)
            {
                f.publish(TO_ME, ROUTINE);
            }
            f.sink.runTasks();
            assertEquals(4, f.sink.written().size(), "the in-flight limit");
            assertEquals(16, feed.queued());

            final long flash = f.publish(TO_ME, FLASH);
            f.sink.runTasks();

            assertEquals(5, f.sink.written().size());
            assertEquals(flash, f.sink.indexes().get(4), "the FLASH went ahead of 16 queued ROUTINE");
            assertEquals(16, feed.queued());
        }
    }

    @Test
    void theInFlightLimitHoldsRoutineButNotFlashOrImmediate()
    {
        try (FeedFixture f = new FeedFixture(dir, new Limits(16_384, 4, 65_536)))
        {
            final DeliveryFeed feed = f.login();
            f.settle(feed);
            final List<Long> routine = new ArrayList<>();
            for (int i = 0; i < 10; i++)
            {
                routine.add(f.publish(TO_ME, ROUTINE));
            }
            final List<Long> urgent = new ArrayList<>();
            for (int i = 0; i < 6; i++)
            {
                urgent.add(f.publish(TO_ME, i % 2 == 0 ? IMMEDIATE : FLASH));
            }
            f.sink.runTasks();
            final List<Long> written = f.sink.indexes();
            assertEquals(4, FeedFixture.only(written, routine).size(), "ROUTINE/PRIORITY stop at the limit");
            assertEquals(urgent.size(), FeedFixture.only(written, urgent).size(), "urgent ones are not counted against it");

            // acknowledging an urgent message frees no ROUTINE slot; acknowledging a ROUTINE one frees exactly one
            assertTrue(feed.onAck(urgent.get(0)));
            f.sink.runTasks();
            assertEquals(4, FeedFixture.only(f.sink.indexes(), routine).size());
            assertTrue(feed.onAck(routine.get(0)));
            f.sink.runTasks();
            assertEquals(5, FeedFixture.only(f.sink.indexes(), routine).size());
            assertEquals(routine.subList(0, 5), FeedFixture.only(f.sink.indexes(), routine));
        }
    }

    @Test
    void anUnacknowledgedFlashIsResentOnceThenReportedNotDelivered()
    {
        try (FeedFixture f = new FeedFixture(dir, Limits.DEFAULTS))
        {
            final DeliveryFeed feed = f.login();
            f.settle(feed);
            final long flash = f.publish(TO_ME, FLASH);
            f.sink.runTasks();
            assertEquals(List.of(flash), f.sink.indexes());

            f.clock.advanceMillis(FeedFixture.FLASH_TIMEOUT_MICROS / 1000 - 1);
            feed.onTimer();
            f.sink.runTasks();
            assertEquals(1, f.sink.written().size(), "not yet");

            f.clock.advanceMillis(1);
            feed.onTimer();
            f.sink.runTasks();
            assertEquals(List.of(flash, flash), f.sink.indexes(), "resent once");
            assertEquals(1, f.counters.flashResends());
            assertTrue(f.events.notDelivered.isEmpty());

            f.clock.advanceMillis(FeedFixture.FLASH_TIMEOUT_MICROS / 1000);
            feed.onTimer();
            f.sink.runTasks();
            assertEquals(List.of(flash + " " + ME + " " + FeedFixture.REGION), f.events.notDelivered);
            assertEquals(2, f.sink.written().size(), "no third copy");

            f.clock.advanceMillis(FeedFixture.FLASH_TIMEOUT_MICROS / 1000);
            feed.onTimer();
            assertEquals(1, f.events.notDelivered.size(), "reported once");
        }
    }

    @Test
    void anAcknowledgedFlashIsNeitherResentNorReportedAndAnExpiredOneIsLetGo()
    {
        try (FeedFixture f = new FeedFixture(dir, Limits.DEFAULTS))
        {
            final DeliveryFeed feed = f.login();
            f.settle(feed);
            final long acked = f.publish(TO_ME, FLASH);
            final long expiring = f.publish(f.envelope(TO_ME, FLASH)
                .setExpiresAtMicros(f.clock.getAsLong() + FeedFixture.FLASH_TIMEOUT_MICROS / 2).build().toByteArray());
            f.sink.runTasks();
            assertEquals(List.of(acked, expiring), f.sink.indexes());
            assertTrue(feed.onAck(acked));

            for (int i = 0; i < 3; i++)
            {
                f.clock.advanceMillis(FeedFixture.FLASH_TIMEOUT_MICROS / 1000);
                feed.onTimer();
                f.sink.runTasks();
            }
            assertEquals(2, f.sink.written().size());
            assertEquals(0, f.counters.flashResends());
            assertTrue(f.events.notDelivered.isEmpty());
            assertEquals(1, f.counters.expired());
            assertEquals(expiring, f.terminal.cursor(), "the expired FLASH counts as done");
        }
    }

    @Test
    void aPostThatReadsNothingIsDisconnectedAtTheSlowConsumerLimit()
    {
        try (FeedFixture f = new FeedFixture(dir, Limits.DEFAULTS))
        {
            final DeliveryFeed feed = f.login();
            f.settle(feed);
            f.sink.writable(false);
            f.publish(TO_ME, ROUTINE);
            f.sink.runTasks();
            feed.onTimer(); // the stall starts being timed

            f.clock.advanceMillis(FeedFixture.SLOW_CONSUMER_MICROS / 1000 - 1);
            feed.onTimer();
            assertEquals(0, f.owner.slowConsumer.get());
            assertTrue(feed.ownsTerminal());

            f.clock.advanceMillis(1);
            feed.onTimer();
            assertEquals(1, f.owner.slowConsumer.get());
            assertEquals(DeliveryFeed.State.CLOSED, feed.state());
            assertEquals(1, f.counters.slowConsumerDisconnects());
            f.sink.runTasks();
            assertEquals(0, feed.queued(), "its queue is released");
            assertEquals(0, f.budget.held(), "and its bytes leave the budget");
        }
    }

    @Test
    void aPostThatReadsButNeverAcknowledgesIsDisconnectedToo()
    {
        try (FeedFixture f = new FeedFixture(dir, new Limits(16_384, 2, 65_536)))
        {
            final DeliveryFeed feed = f.login();
            f.settle(feed);
            for (int i = 0; i < 5; i++)
            {
                f.publish(TO_ME, ROUTINE);
            }
            f.sink.runTasks();
            assertEquals(2, f.sink.written().size());
            feed.onTimer();
            f.clock.advanceMillis(FeedFixture.SLOW_CONSUMER_MICROS / 1000);
            feed.onTimer();
            assertEquals(1, f.owner.slowConsumer.get());
        }
    }

    @Test
    void aPostThatTakesWhatItIsGivenIsNeverDisconnected()
    {
        try (FeedFixture f = new FeedFixture(dir, new Limits(16_384, 2, 65_536)))
        {
            final DeliveryFeed feed = f.login();
            f.settle(feed);
            for (int tick = 0; tick < 10; tick++)
            {
                f.publish(TO_ME, ROUTINE);
                f.publish(TO_ME, ROUTINE);
                f.publish(TO_ME, ROUTINE);
                f.settle(feed);
                f.clock.advanceMillis(FeedFixture.SLOW_CONSUMER_MICROS / 1000);
                feed.onTimer();
            }
            assertEquals(0, f.owner.slowConsumer.get());
            assertEquals(30, f.sink.written().size());
        }
    }

    @Test
    void aMessageThatExpiresBeforeItsTurnIsNotWrittenButCountsAsDone()
    {
        try (FeedFixture f = new FeedFixture(dir, Limits.DEFAULTS))
        {
            // one expired in the backlog (checked at read time), one that expires while queued (at write time)
            f.publish(f.envelope(TO_ME, ROUTINE).setExpiresAtMicros(f.clock.getAsLong() + 1_000).build().toByteArray());
            final long kept = f.publish(TO_ME, ROUTINE);
            f.clock.advanceMillis(2);
            final DeliveryFeed feed = f.login();
            f.settle(feed);
            assertEquals(List.of(kept), f.sink.indexes());

            f.sink.writable(false);
            final long late = f.publish(f.envelope(TO_ME, ROUTINE).setExpiresAtMicros(f.clock.getAsLong() + 1_000).build().toByteArray());
            f.sink.runTasks();
            f.clock.advanceMillis(2);
            f.sink.writable(true);
            feed.drain();
            f.settle(feed);

            assertEquals(List.of(kept), f.sink.indexes());
            assertEquals(2, f.counters.expired());
            assertEquals(late, f.terminal.cursor(), "expired messages do not hold the cursor back");
        }
    }

    @Test
    void aShapedLinkIsPacedAndKeepsOnlyTheNewestPositionOfEachSource()
    {
        try (FeedFixture f = new FeedFixture(dir, Limits.DEFAULTS))
        {
            final DeliveryFeed feed = f.login(LinkProfile.parse("rate:100")); // 100 B/s, burst 1,024 B
            f.settle(feed);
            final long big = f.publish(f.envelope(TO_ME, ROUTINE).setText(Text.newBuilder().setText("x".repeat(1_200)))
                .build().toByteArray());
            final List<Long> positions = new ArrayList<>();
            for (int i = 0; i < 3; i++)
            {
                positions.add(f.publish(Envelope.newBuilder().setOrigin("uav-7").setOriginSequence(i + 1).addTo(TO_ME)
                    .setPrecedence(Precedence.ROUTINE).setPosition(PositionReport.newBuilder().setLat(26.5 + i).setLon(106.7))
                    .build().toByteArray()));
            }
            f.sink.runTasks();
            assertEquals(List.of(big), f.sink.indexes(), "the burst is spent: the rest waits for budget");
            assertEquals(1, f.sink.timedPending());

            f.clock.advanceMillis(1_000);
            f.sink.runTasks();
            assertEquals(List.of(big), f.sink.indexes(), "still in debt after a second");

            f.clock.advanceMillis(10_000);
            f.settle(feed);
            assertEquals(List.of(big, positions.get(2)), f.sink.indexes(), "only the newest position goes");
            assertEquals(2, f.counters.superseded());
            assertEquals(positions.get(2), f.terminal.cursor());
        }
    }

    @Test
    void aReplacedFeedChangesNothingOfTheNewOwnersState()
    {
        try (FeedFixture f = new FeedFixture(dir, new Limits(16_384, 4, 65_536)))
        {
            final DeliveryFeed old = f.login();
            f.settle(old);
            final long first = f.publish(TO_ME, ROUTINE);
            f.sink.runTasks();
            assertEquals(List.of(first), f.sink.indexes());

            final DeliveryFeed fresh = f.login(); // a second login of the same id takes over
            f.lostWritten();
            assertFalse(old.ownsTerminal());
            assertFalse(old.onAck(first), "acks belong to the connection that carried the delivery");
            f.settle(fresh);
            final long second = f.publish(TO_ME, ROUTINE);
            f.sink.runTasks();
            final int unacked = fresh.unacked();
            old.close(); // the old connection's late teardown
            assertEquals(unacked, fresh.unacked(), "the old feed's close leaves the new owner's ledger alone");
            assertTrue(fresh.ownsTerminal());

            // the message the old session never had acknowledged comes again on the new one
            assertEquals(List.of(first, first, second), f.sink.indexes());
            f.ackWritten(fresh);
            assertEquals(second, f.terminal.cursor());
        }
    }

    @Test
    void aFeedOverItsSessionByteBudgetFallsBackToTheJournal()
    {
        // a 64 KiB session budget: 20 messages of 4 KiB do not all fit in memory while the post does not read
        try (FeedFixture f = new FeedFixture(dir, Limits.DEFAULTS, 1L << 20, 64 * 1024))
        {
            final DeliveryFeed feed = f.login();
            f.settle(feed);
            f.sink.writable(false);
            final List<Long> mine = new ArrayList<>();
            for (int i = 0; i < 20; i++)
            {
                mine.add(f.publish(f.envelope(TO_ME, ROUTINE).setText(Text.newBuilder().setText("y".repeat(4_000)))
                    .build().toByteArray()));
            }
            f.sink.runTasks();
            assertEquals(DeliveryFeed.State.CATCHING_UP, feed.state());
            assertTrue(f.budget.held() <= 64 * 1024, "held " + f.budget.held());

            f.sink.writable(true);
            feed.drain();
            f.settle(feed);
            assertEquals(mine, f.sink.indexes());
            assertTrue(feed.isLive());
        }
    }

    @Test
    void atTheRouterWideBudgetAStalledFeedHoldingTheMostIsDisconnected()
    {
        // the router may hold 64 KiB; FLASH is always queued, so a post that does not read fills it
        try (FeedFixture f = new FeedFixture(dir, Limits.DEFAULTS, 64 * 1024, 64 * 1024))
        {
            final DeliveryFeed feed = f.login();
            f.settle(feed);
            f.sink.writable(false);
            while (!f.budget.isOver())
            {
                f.publish(f.envelope(TO_ME, FLASH).setText(Text.newBuilder().setText("w".repeat(4_000))).build().toByteArray());
                f.sink.runTasks(); // the feed's loop takes each hand-off into its queue, where it is charged
            }
            f.sink.runTasks();
            feed.onTimer(); // stalled from now
            assertEquals(0, f.owner.overBudget.get(), "a session is picked only after a tick without progress");

            f.clock.advanceMillis(1_000);
            feed.onTimer();
            f.sink.runTasks(); // the budget hands the disconnect to the session's loop
            assertEquals(1, f.owner.overBudget.get());
            assertEquals(0, f.owner.slowConsumer.get());
            assertEquals(DeliveryFeed.State.CLOSED, feed.state());
            assertEquals(1, f.counters.slowConsumerDisconnects());
            assertEquals(0, f.budget.held(), "what it held is released");
        }
    }
}
