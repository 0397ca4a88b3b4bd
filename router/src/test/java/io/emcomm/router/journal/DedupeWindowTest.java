package io.emcomm.router.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The dedupe window: exact inside it, stale outside it, small for quiet terminals. */
@Timeout(10)
class DedupeWindowTest
{
    @Test
    void everySequenceInsideTheWindowIsRecognisedWhateverTheTableSize()
    {
        final DedupeWindow state = new DedupeWindow("veh-1");
        for (long s = 1; s <= 10_000; s++)
        {
            assertEquals(DedupeWindow.UNKNOWN, state.lookup(s));
            state.record(s, s * 10);
            final long back = Math.max(1, s - DedupeWindow.WINDOW + 1);
            assertEquals(back * 10, state.lookup(back), "oldest sequence in the window after " + s);
        }
        assertEquals(DedupeWindow.STALE, state.lookup(10_000 - DedupeWindow.WINDOW));
        assertEquals(DedupeWindow.WINDOW, state.capacity());
    }

    @Test
    void aQuietTerminalKeepsASmallTable()
    {
        final DedupeWindow state = new DedupeWindow("bd-7");
        for (long s = 1; s <= 10; s++)
        {
            state.record(s, s);
        }
        assertEquals(16, state.capacity());
    }

    @Test
    void outOfOrderSequencesWithGapsAreAllRemembered()
    {
        final DedupeWindow state = new DedupeWindow("uav-1");
        final Random random = new Random(7);
        final long[] seen = new long[500];
        for (int i = 0; i < seen.length; i++)
        {
            seen[i] = 1 + random.nextInt(3_000);
            if (state.lookup(seen[i]) == DedupeWindow.UNKNOWN)
            {
                state.record(seen[i], seen[i] + 1_000_000);
            }
        }
        for (final long s : seen)
        {
            assertEquals(s + 1_000_000, state.lookup(s));
        }
    }
}
