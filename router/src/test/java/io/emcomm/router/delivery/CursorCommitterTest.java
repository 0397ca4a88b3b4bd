package io.emcomm.router.delivery;

import io.emcomm.router.delivery.FeedFixture.MemoryCursorStore;
import io.emcomm.router.terminal.AckWindow;
import io.emcomm.router.terminal.TerminalState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Acknowledgements to cursor moves, alone: the cursor covers the DONE prefix, but never past what was read in order. */
@Timeout(10)
class CursorCommitterTest
{
    private final MemoryCursorStore store = new MemoryCursorStore();
    private final TerminalState terminal = store.terminal("T1", 10);
    private final CursorCommitter cursor = new CursorCommitter(terminal, store);

    @Test
    void theCursorMovesOverTheAcknowledgedPrefixAndOutOfOrderAcksAreRecorded()
    {
        synchronized (terminal)
        {
            for (long i = 11; i <= 14; i++)
            {
                terminal.ackWindow().add(i, AckWindow.SENT);
            }
            assertEquals(AckWindow.SENT, cursor.acknowledge(12, 14));
            assertEquals(10, terminal.cursor(), "11 is still out");
            assertEquals(AckWindow.SENT, cursor.acknowledge(11, 14));
            assertEquals(12, terminal.cursor());
            assertEquals(AckWindow.DONE, cursor.acknowledge(12, 14), "a repeat");
            assertEquals(0, cursor.acknowledge(99, 14), "never sent");
        }
        assertTrue(cursor.hasPending());
        cursor.persist(true);
        assertEquals(12L, store.recordedCursors.get("T1"));
        assertEquals(List.of(), store.recordedAcks, "12 is under the cursor by now: no out-of-order record");
        assertFalse(cursor.hasPending());

        synchronized (terminal)
        {
            cursor.acknowledge(14, 14);
        }
        cursor.persist(true);
        assertEquals(List.of(14L), store.recordedAcks);
    }

    @Test
    void theCursorStopsWhereTheInOrderReadStopped()
    {
        synchronized (terminal)
        {
            terminal.ackWindow().add(11, AckWindow.SENT);
            terminal.ackWindow().addAhead(20, AckWindow.SENT_URGENT); // a FLASH taken ahead of its turn
            cursor.acknowledge(11, 11);
            assertEquals(AckWindow.SENT_URGENT, cursor.acknowledge(20, 11));
            assertEquals(11, terminal.cursor(), "12..19 are not read yet: the FLASH's ack must not carry the cursor over them");
            cursor.advance(20); // the in-order read reached it
            assertEquals(20, terminal.cursor());
        }
    }

    @Test
    void aFeedThatLostTheTerminalRecordsNothing()
    {
        synchronized (terminal)
        {
            terminal.ackWindow().add(11, AckWindow.SENT);
            cursor.skipped(11, 11);
        }
        assertEquals(11, terminal.cursor());
        cursor.persist(false);
        assertNull(store.recordedCursors.get("T1"));
        assertFalse(cursor.hasPending());
    }
}
