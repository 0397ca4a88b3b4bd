package io.emcomm.router.delivery;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The ledger's window count and the limit on how far the cursor may pop, driven directly. */
class LedgerTest
{
    @Test
    void theWindowCountsOnlyWhatIsSentAndNotYetAcknowledged()
    {
        final Ledger ledger = new Ledger(2);
        ledger.add(10, Ledger.SENT);
        ledger.add(11, Ledger.SENT_URGENT);
        ledger.add(12, Ledger.DONE);
        ledger.add(13, Ledger.SENT);
        assertEquals(3, ledger.sent());
        ledger.markDone(11);
        assertEquals(2, ledger.sent(), "an acknowledged urgent message leaves the window");
        ledger.markDone(11);
        assertEquals(2, ledger.sent(), "marking done twice counts once");
        ledger.add(13, Ledger.DONE);
        assertEquals(1, ledger.sent(), "re-adding an entry as DONE replaces its state");
        ledger.forgetSent();
        assertEquals(0, ledger.sent());
        assertEquals(3, ledger.size(), "DONE entries stay for the cursor");
    }

    @Test
    void theDonePrefixIsPoppedOnlyUpToTheLimit()
    {
        final Ledger ledger = new Ledger(4);
        ledger.add(5, Ledger.DONE);
        ledger.add(9, Ledger.DONE); // an urgent message acknowledged ahead of the in-order read
        assertEquals(5, ledger.popDone(7), "up to what was read in order");
        assertEquals(-1, ledger.popDone(7), "9 waits: messages between 7 and 9 may be unread");
        assertEquals(1, ledger.size());
        assertEquals(9, ledger.popDone(9));
        assertEquals(0, ledger.size());
    }

    @Test
    void aSentHeadStopsThePopWhateverTheLimit()
    {
        final Ledger ledger = new Ledger(4);
        ledger.add(3, Ledger.SENT);
        ledger.add(4, Ledger.DONE);
        assertEquals(-1, ledger.popDone(Long.MAX_VALUE));
        ledger.markDone(3);
        assertEquals(4, ledger.popDone(Long.MAX_VALUE));
        assertEquals(0, ledger.sent());
    }
}
