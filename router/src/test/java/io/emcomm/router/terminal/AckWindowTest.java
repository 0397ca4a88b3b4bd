package io.emcomm.router.terminal;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ledger's window count, the limit on how far the cursor may pop, and its two runs, driven directly. */
class AckWindowTest
{
    @Test
    void theWindowCountsOnlyWhatIsSentAndNotYetAcknowledged()
    {
        final AckWindow ledger = new AckWindow(2);
        ledger.add(10, AckWindow.SENT);
        ledger.add(11, AckWindow.SENT_URGENT);
        ledger.add(12, AckWindow.DONE);
        ledger.add(13, AckWindow.SENT);
        assertEquals(3, ledger.sent());
        ledger.markDone(11);
        assertEquals(2, ledger.sent(), "an acknowledged urgent message leaves the window");
        ledger.markDone(11);
        assertEquals(2, ledger.sent(), "marking done twice counts once");
        ledger.add(13, AckWindow.DONE);
        assertEquals(1, ledger.sent(), "re-adding an entry as DONE replaces its state");
        ledger.forgetSent();
        assertEquals(0, ledger.sent());
        assertEquals(3, ledger.size(), "DONE entries stay for the cursor");
    }

    @Test
    void theDonePrefixIsPoppedOnlyUpToTheLimit()
    {
        final AckWindow ledger = new AckWindow(4);
        ledger.add(5, AckWindow.DONE);
        ledger.addAhead(9, AckWindow.DONE); // an urgent message acknowledged ahead of the in-order read
        assertEquals(5, ledger.popDone(7), "up to what was read in order");
        assertEquals(-1, ledger.popDone(7), "9 waits: messages between 7 and 9 may be unread");
        assertEquals(1, ledger.size());
        ledger.add(8, AckWindow.SENT); // the in-order read finds one more below it
        assertEquals(-1, ledger.popDone(9));
        ledger.markDone(8);
        assertEquals(9, ledger.popDone(9));
        assertTrue(ledger.isEmpty());
    }

    @Test
    void aSentHeadStopsThePopWhateverTheLimit()
    {
        final AckWindow ledger = new AckWindow(4);
        ledger.add(3, AckWindow.SENT);
        ledger.add(4, AckWindow.DONE);
        assertEquals(-1, ledger.popDone(Long.MAX_VALUE));
        ledger.markDone(3);
        assertEquals(4, ledger.popDone(Long.MAX_VALUE));
        assertEquals(0, ledger.sent());
    }

    /**
     * Seeded random operations against a sorted map as the model: whatever mix of in-order and ahead entries,
     * states, acknowledgements and pops, the ledger answers as the model does.
     */
    @Test
    void behavesAsASortedMapWhateverTheMixOfInOrderAndAheadEntries()
    {
        final Random rnd = new Random(12);
        final AckWindow ledger = new AckWindow(2);
        final TreeMap<Long, Byte> model = new TreeMap<>();
        long readThrough = 0;
        long cursor = 0;
        for (int step = 0; step < 200_000; step++)
        {
            final int op = rnd.nextInt(10);
            if (op < 4)
            {
                readThrough += 1 + rnd.nextInt(3);
                if (ledger.state(readThrough) == 0)
                {
                    final byte s = rnd.nextInt(5) == 0 ? AckWindow.DONE : AckWindow.SENT;
                    ledger.add(readThrough, s);
                    model.put(readThrough, s);
                }
            }
            else if (op < 6)
            {
                final long index = readThrough + 1 + rnd.nextInt(500);
                if (ledger.state(index) == 0)
                {
                    ledger.addAhead(index, AckWindow.SENT_URGENT);
                    model.put(index, AckWindow.SENT_URGENT);
                }
            }
            else if (op < 9 && !model.isEmpty())
            {
                final Long index = model.ceilingKey(cursor + 1 + rnd.nextInt(600));
                if (index != null)
                {
                    assertTrue(ledger.markDone(index), "step " + step + " index " + index);
                    model.put(index, AckWindow.DONE);
                }
            }
            else
            {
                long expected = -1;
                while (!model.isEmpty() && model.firstEntry().getValue() == AckWindow.DONE && model.firstKey() <= readThrough)
                {
                    expected = model.pollFirstEntry().getKey();
                }
                assertEquals(expected, ledger.popDone(readThrough), "step " + step);
                cursor = Math.max(cursor, expected);
            }
            if (step % 1000 == 0)
            {
                assertEquals(model.size(), ledger.size(), "step " + step);
                assertEquals(model.values().stream().filter(s -> s != AckWindow.DONE).count(), ledger.sent(), "step " + step);
                for (final var e : model.entrySet())
                {
                    assertEquals(e.getValue().byteValue(), ledger.state(e.getKey()), "step " + step + " index " + e.getKey());
                }
            }
        }
        ledger.forgetSent();
        assertEquals(0, ledger.sent());
        assertEquals(model.values().stream().filter(s -> s == AckWindow.DONE).count(), ledger.size(), "only DONE entries stay");
    }
}
