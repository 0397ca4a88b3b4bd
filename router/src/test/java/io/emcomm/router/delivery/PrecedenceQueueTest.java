package io.emcomm.router.delivery;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.emcomm.protocol.wire.Precedence.FLASH_VALUE;
import static io.emcomm.protocol.wire.Precedence.IMMEDIATE_VALUE;
import static io.emcomm.protocol.wire.Precedence.PRIORITY_VALUE;
import static io.emcomm.protocol.wire.Precedence.ROUTINE_VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The four lanes alone: which frame comes out next, and what a held-back frame still loses to. */
@Timeout(10)
class PrecedenceQueueTest
{
    private static ByteBuf frame(final int id, final int bytes)
    {
        return Unpooled.buffer(bytes, bytes).writeInt(id);
    }

    private static int id(final ByteBuf frame)
    {
        try
        {
            return frame.getInt(0);
        }
        finally
        {
            frame.release();
        }
    }

    @Test
    void theHighestLaneComesFirstAndEachLaneInOrder()
    {
        final PrecedenceQueue queue = new PrecedenceQueue();
        queue.offer(frame(1, 8), ROUTINE_VALUE);
        queue.offer(frame(2, 8), PRIORITY_VALUE);
        queue.offer(frame(3, 8), ROUTINE_VALUE);
        queue.offer(frame(4, 8), FLASH_VALUE);
        queue.offer(frame(5, 8), IMMEDIATE_VALUE);
        queue.offer(frame(6, 8), FLASH_VALUE);
        queue.offer(frame(7, 8), 99); // an unknown precedence number counts as ROUTINE
        assertEquals(7, queue.size());

        final int[] order = new int[7];
        for (int i = 0; i < order.length; i++)
        {
            order[i] = id(queue.poll());
        }
        assertEquals("[4, 6, 5, 2, 1, 3, 7]", java.util.Arrays.toString(order));
        assertNull(queue.poll());
        assertEquals(0, queue.size());
    }

    @Test
    void pollingTheFlashLaneAloneLeavesTheOthersWaiting()
    {
        final PrecedenceQueue queue = new PrecedenceQueue();
        queue.offer(frame(1, 8), IMMEDIATE_VALUE);
        queue.offer(frame(2, 8), FLASH_VALUE);
        assertEquals(2, id(queue.poll(1)));
        assertNull(queue.poll(1), "an IMMEDIATE may have a FLASH behind it in the backlog: it waits");
        assertEquals(1, queue.size());
        assertEquals(1, id(queue.poll()));
    }

    @Test
    void aHeldBackFrameIsNextInItsLaneButStillLosesToHigherPrecedence()
    {
        final PrecedenceQueue queue = new PrecedenceQueue();
        queue.offer(frame(1, 8), ROUTINE_VALUE);
        queue.offer(frame(2, 8), ROUTINE_VALUE);
        final ByteBuf first = queue.poll();
        queue.holdBack(first); // a shaped link out of budget: it goes first once there is budget
        assertEquals(2, queue.size());
        queue.offer(frame(3, 8), FLASH_VALUE);

        assertEquals(3, id(queue.poll()));
        final ByteBuf again = queue.poll();
        assertSame(first, again);
        assertEquals(1, id(again));
        assertEquals(2, id(queue.poll()));
    }

    @Test
    void queuedBytesAreChargedToTheSessionUntilTakenOutOrCleared()
    {
        final OutboundBudget budget = new OutboundBudget(1 << 20, 1 << 16, 0);
        final SessionOutbound account = budget.open(() -> { });
        final PrecedenceQueue queue = new PrecedenceQueue(account);
        final ByteBuf kept = frame(1, 100);
        queue.offer(kept, ROUTINE_VALUE);
        queue.offer(frame(2, 300), FLASH_VALUE);
        assertEquals(400, account.queued());
        assertEquals(400, budget.held());

        assertEquals(2, id(queue.poll()));
        assertEquals(100, account.queued());
        queue.clear();
        assertEquals(0, account.queued());
        assertEquals(0, budget.held());
        assertEquals(0, kept.refCnt(), "clear releases what it held");
    }

    @Test
    void aQueueNeverOfferedToIsEmptyAndClears()
    {
        final PrecedenceQueue queue = new PrecedenceQueue();
        assertNull(queue.poll());
        assertNull(queue.poll(1));
        queue.clear();
        assertEquals(0, queue.size());
        queue.offer(frame(1, 8), PRIORITY_VALUE); // the first frame of a lane makes it
        assertNull(queue.poll(2), "FLASH and IMMEDIATE lanes were never made, so they are empty");
        assertEquals(1, id(queue.poll()));
    }

    /** Lanes are made at their first frame: producers racing to make the same lane lose no frame. */
    @Test
    void producersRacingToMakeALaneLoseNoFrame() throws Exception
    {
        final int producers = 4;
        final int each = 2_000;
        for (int round = 0; round < 20; round++)
        {
            final PrecedenceQueue queue = new PrecedenceQueue();
            final java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(producers);
            final java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(producers);
            try
            {
                final java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
                for (int p = 0; p < producers; p++)
                {
                    final int base = p * each;
                    done.add(pool.submit(() ->
                    {
                        start.await();
                        for (int i = 0; i < each; i++)
                        {
                            queue.offer(frame(base + i, 8), (base + i) % 2 == 0 ? FLASH_VALUE : ROUTINE_VALUE);
                        }
                        return null;
                    }));
                }
                for (final java.util.concurrent.Future<?> f : done)
                {
                    f.get(5, java.util.concurrent.TimeUnit.SECONDS);
                }
            }
            finally
            {
                pool.shutdownNow();
            }
            final java.util.BitSet seen = new java.util.BitSet();
            ByteBuf frame;
            while ((frame = queue.poll()) != null)
            {
                seen.set(id(frame));
            }
            assertEquals(producers * each, seen.cardinality(), "round " + round);
            assertEquals(0, queue.size());
        }
    }
}
