package io.emcomm.router.delivery;

import io.emcomm.router.delivery.FeedFixture.Limits;
import io.emcomm.router.journal.ForwardingJournal;
import io.emcomm.router.journal.Journal;
import io.emcomm.router.journal.JournalEntry;
import io.emcomm.router.journal.JournalReader;
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
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import static io.emcomm.protocol.wire.Precedence.FLASH;
import static io.emcomm.protocol.wire.Precedence.ROUTINE;
import static io.emcomm.router.delivery.FeedFixture.ME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hand-off from publishing loops to a feed's own loop ({@link DeliveryFeed#handOff}, {@link HandOffQueue}):
 * a full queue sends the feed back to the journal with nothing lost or taken twice across the seam, and a feed
 * replaced while frames wait in its queue delivers none of them (the new owner reads them from the journal).
 */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class HandOffTest
{
    private static final String TO_ME = "terminal:" + ME;
    private static final String TO_OTHER = "terminal:T2";
    /** The smallest hand-off queue: filled by a few hundred publishes the loop has not taken yet. */
    private static final int SMALL = 2 * HandOffQueue.CHUNK;

    @TempDir
    Path dir;

    @Test
    void aFullHandOffQueueFallsBackToTheJournalWithoutLossOrDuplicateAndFlashFirst()
    {
        try (FeedFixture f = new FeedFixture(dir, Limits.DEFAULTS))
        {
            final DeliveryFeed feed = f.login(LinkProfile.UNSHAPED, f.sink, SMALL);
            f.settle(feed);
            assertTrue(feed.isLive());

            // the loop does not run while 3 x the queue is handed off: the rest is dropped, a FLASH among it
            final List<Long> routine = new ArrayList<>();
            long flash = -1;
            for (int i = 0; i < 3 * SMALL; i++)
            {
                if (i == 2 * SMALL)
                {
                    flash = f.publish(TO_ME, FLASH);
                }
                routine.add(f.publish(TO_ME, ROUTINE));
                f.publish(TO_OTHER, ROUTINE);
            }
            f.settle(feed);

            final List<Long> written = f.sink.indexes();
            assertEquals(new HashSet<>(written).size(), written.size(), "a message was written twice");
            assertEquals(routine.size() + 1, written.size(), "a dropped hand-off was never read from the journal");
            assertEquals(flash, written.get(0), "the FLASH among the dropped overtakes the ROUTINE: " + written.subList(0, 3));
            final List<Long> routineWritten = FeedFixture.only(written, routine);
            assertEquals(routine, routineWritten, "ROUTINE in journal order");
            assertTrue(f.counters.slowConsumerDrops() > 0, "the overflow is counted");
            assertTrue(feed.isLive(), "live again once the journal is read to its end");
            assertEquals(routine.get(routine.size() - 1), f.terminal.cursor());

            // and the feed takes hand-offs live again
            final long after = f.publish(TO_ME, ROUTINE);
            f.settle(feed);
            assertEquals(after, f.sink.indexes().get(f.sink.indexes().size() - 1));
            assertEquals(written.size() + 1, f.sink.indexes().size());
        }
    }

    @Test
    void overflowsWhileAnotherThreadPublishesLoseAndRepeatNothing() throws Exception
    {
        try (FeedFixture f = new FeedFixture(dir, Limits.DEFAULTS))
        {
            for (int i = 0; i < 500; i++)
            {
                f.publish(TO_ME, ROUTINE);
            }
            final DeliveryFeed feed = f.login(LinkProfile.UNSHAPED, f.sink, SMALL);
            final CompletableFuture<List<Long>> publisher = CompletableFuture.supplyAsync(() ->
            {
                final List<Long> mine = new ArrayList<>();
                for (int i = 0; i < 6_000; i++)
                {
                    final long index = f.publish(i % 3 == 0 ? TO_OTHER : TO_ME, ROUTINE);
                    if (i % 3 != 0)
                    {
                        mine.add(index);
                    }
                }
                return mine;
            });
            // this thread is the feed's loop, and a slow one: the queue overflows again and again, at every phase
            // of the catch-up and while live
            while (!publisher.isDone())
            {
                f.sink.runOne();
                f.ackWritten(feed);
            }
            final List<Long> mine = publisher.get(30, TimeUnit.SECONDS);
            f.settle(feed);

            final List<Long> written = f.sink.indexes();
            assertEquals(new HashSet<>(written).size(), written.size(), "a message was written twice");
            assertEquals(500 + mine.size(), written.size(), "a message fell between the journal and the hand-offs");
            final List<Long> sorted = new ArrayList<>(written);
            sorted.sort(null);
            assertEquals(sorted, written, "ROUTINE is delivered in journal order");
            assertTrue(feed.isLive());
            assertEquals(written.get(written.size() - 1), f.terminal.cursor());
        }
    }

    @Test
    void aFeedReplacedWithFramesInItsQueueDeliversNoneAndTheNewOwnerGetsEachOnce()
    {
        try (FeedFixture f = new FeedFixture(dir, Limits.DEFAULTS))
        {
            final DeliveryFeed old = f.login();
            f.settle(old);
            assertTrue(old.isLive());
            final List<Long> mine = new ArrayList<>();
            for (int i = 0; i < 50; i++)
            {
                mine.add(f.publish(TO_ME, i == 25 ? FLASH : ROUTINE)); // waiting in the old feed's queue
            }

            final DeliveryFeed fresh = f.login(); // a second login claims the terminal; its loop has not run yet
            // a publisher that resolved the old session just before the new one was registered
            mine.add(f.publish(f.envelope(TO_ME, ROUTINE).build().toByteArray(), old));
            for (int i = 0; i < 20; i++)
            {
                mine.add(f.publish(TO_ME, ROUTINE));
            }
            assertFalse(old.ownsTerminal());
            old.close(); // what the replacing login does
            assertEquals(DeliveryFeed.State.CLOSED, old.state());
            assertFalse(old.handOff(io.netty.buffer.Unpooled.buffer(1)), "a closed feed takes no hand-off");
            f.settle(fresh);

            final List<Long> written = f.sink.indexes();
            assertEquals(new HashSet<>(written).size(), written.size(), "a message was written twice");
            assertEquals(new HashSet<>(mine), new HashSet<>(written), "the new owner gets every message, once");
            assertEquals(mine.get(25), written.get(0), "its catch-up puts the FLASH first");
            assertTrue(fresh.isLive());
            assertEquals(mine.get(mine.size() - 1), f.terminal.cursor());
        }
    }
    @Test
    void aHandOffArrivingAsTheCatchUpReachesTheJournalsEndIsTakenLive()
    {
        // a publisher on another core appends and hands off just after the catch-up's last read found the end
        final AtomicReference<Runnable> atEnd = new AtomicReference<>();
        final UnaryOperator<Journal> racing = journal -> new ForwardingJournal(journal)
        {
            @Override
            public JournalReader newReader()
            {
                return new RacingReader(super.newReader(), atEnd);
            }
        };
        try (FeedFixture f = new FeedFixture(dir, Limits.DEFAULTS, 64L << 20, 8L << 20, racing))
        {
            final List<Long> mine = new ArrayList<>();
            for (int i = 0; i < 10; i++)
            {
                mine.add(f.publish(TO_ME, ROUTINE));
            }
            final DeliveryFeed feed = f.login();
            atEnd.set(() -> mine.add(f.publish(TO_ME, ROUTINE)));
            f.settle(feed);

            assertEquals(null, atEnd.get(), "the race was run");
            assertEquals(11, mine.size());
            assertEquals(mine, f.sink.indexes(), "each once, in journal order: the one handed off at the seam too");
            assertTrue(feed.isLive());
        }
    }

    /**
     * A journal reader that runs a task (a racing publish) the third time it finds the journal's end: the end of a
     * login's in-order pass, after the urgent and PRIORITY passes' ends.
     */
    private static final class RacingReader implements JournalReader
    {
        private final JournalReader reader;
        private final AtomicReference<Runnable> atEnd;
        private int ends;

        RacingReader(final JournalReader reader, final AtomicReference<Runnable> atEnd)
        {
            this.reader = reader;
            this.atEnd = atEnd;
        }

        @Override
        public void toStart()
        {
            reader.toStart();
        }

        @Override
        public boolean seekAfter(final long index)
        {
            return reader.seekAfter(index);
        }

        @Override
        public void seekAtOrAfter(final long index)
        {
            reader.seekAtOrAfter(index);
        }

        @Override
        public boolean next(final JournalEntry entry)
        {
            if (reader.next(entry))
            {
                return true;
            }
            final Runnable race = ++ends == 3 ? atEnd.getAndSet(null) : null;
            if (race != null)
            {
                race.run();
            }
            return false;
        }

        @Override
        public void close()
        {
            reader.close();
        }
    }
}
