package io.emcomm.router.delivery;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The slow-consumer limit alone, on explicit times (microseconds). */
@Timeout(10)
class SlowConsumerWatchTest
{
    private static final long LIMIT = 120_000_000L;
    private static final long T0 = 1_767_225_600_000_000L;

    @Test
    void aSessionStalledForTheLimitSeenOnATickIsOverIt()
    {
        final SlowConsumerWatch watch = new SlowConsumerWatch(LIMIT);
        assertEquals(T0, watch.afterDrain(true, T0));
        assertEquals(T0, watch.afterDrain(true, T0 + 5), "the stall keeps its start");
        assertEquals(T0, watch.onTick(true, T0 + LIMIT - 1));
        assertFalse(watch.isOverLimit(true, T0 + LIMIT - 1));
        assertEquals(T0, watch.onTick(true, T0 + LIMIT));
        assertTrue(watch.isOverLimit(true, T0 + LIMIT));
        assertFalse(watch.isOverLimit(false, T0 + LIMIT), "only while still stalled");
    }

    @Test
    void aDrainThatFindsItTakingStartsTheClockAgain()
    {
        final SlowConsumerWatch watch = new SlowConsumerWatch(LIMIT);
        watch.onTick(true, T0);
        assertEquals(-1, watch.afterDrain(false, T0 + LIMIT / 2));
        assertEquals(T0 + LIMIT - 10, watch.onTick(true, T0 + LIMIT - 10));
        assertFalse(watch.isOverLimit(true, T0 + LIMIT));
        assertTrue(watch.isOverLimit(true, T0 + 2 * LIMIT - 10));
    }

    @Test
    void aTickThatFindsItTakingReportsNoStallButKeepsTheStart()
    {
        final SlowConsumerWatch watch = new SlowConsumerWatch(LIMIT);
        watch.onTick(true, T0);
        assertEquals(-1, watch.onTick(false, T0 + 10));
        assertEquals(T0, watch.onTick(true, T0 + 20));
    }

    @Test
    void aLimitOfZeroNeverDisconnects()
    {
        final SlowConsumerWatch watch = new SlowConsumerWatch(0);
        watch.onTick(true, T0);
        assertFalse(watch.isOverLimit(true, T0 + 86_400_000_000L));
    }
}
