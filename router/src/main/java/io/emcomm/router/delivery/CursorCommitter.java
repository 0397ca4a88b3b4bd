package io.emcomm.router.delivery;

import io.emcomm.router.terminal.AckWindow;
import io.emcomm.router.terminal.CursorStore;
import io.emcomm.router.terminal.TerminalState;
import java.util.Arrays;

/**
 * One feed's moves of its terminal's durable cursor (protocol.md section 7.3). The cursor moves over the
 * DONE prefix of the terminal's {@link AckWindow}, but never past {@code readThrough}, the index up to which the
 * feed has read the journal in order: above it an urgent message taken ahead of its turn (section 7.4) may be
 * acknowledged while older messages for the terminal are still unread, and the cursor must not carry over them.
 * An acknowledgement the cursor cannot cover yet is an out-of-order ack and is recorded as such.
 *
 * <p>Moves are made under the terminal's monitor, which the publish path also takes, so the cursor store is
 * not written then: {@link #persist} writes the moves of a batch once, outside the monitor, and only while the
 * feed still owns the terminal. Event loop of the feed's session only.
 */
final class CursorCommitter
{
    private static final long[] NO_ACKS = new long[0];

    private final TerminalState terminal;
    private final CursorStore store;
    private long pendingCursor = -1;
    /** Empty until the first out-of-order ack (then 8, doubling, kept): an idle terminal holds no array. */
    private long[] pendingAcks = NO_ACKS;
    private int pendingAckCount;

    CursorCommitter(final TerminalState terminal, final CursorStore store)
    {
        this.terminal = terminal;
        this.store = store;
    }

    /**
     * A DELIVERY_ACK for {@code index} (protocol.md section 7.3): marks it DONE in the ledger and moves the cursor
     * as far as it may. Caller holds the terminal's monitor and has checked that its feed owns the terminal.
     *
     * @return what the ledger held for it before: {@link AckWindow#SENT} or {@link AckWindow#SENT_URGENT} when it
     *     was outstanding (now DONE), {@link AckWindow#DONE} for a repeat (also anything at or below the cursor),
     *     0 when it was never sent to this terminal.
     */
    byte acknowledge(final long index, final long readThrough)
    {
        if (index <= terminal.cursor())
        {
            return AckWindow.DONE;
        }
        final byte mark = terminal.ackWindow().state(index);
        if (mark == AckWindow.SENT || mark == AckWindow.SENT_URGENT)
        {
            terminal.ackWindow().markDone(index);
            done(index, readThrough);
        }
        return mark;
    }

    /**
     * A message that will not be written (expired, superseded) counts as done for the cursor. Caller holds the
     * terminal's monitor and has checked that its feed owns the terminal.
     */
    void skipped(final long index, final long readThrough)
    {
        terminal.ackWindow().markDone(index);
        done(index, readThrough);
    }

    /** {@code index} is DONE in the ledger (acknowledged, expired, superseded). Caller holds the terminal's monitor. */
    void done(final long index, final long readThrough)
    {
        advance(readThrough);
        if (index > terminal.cursor())
        {
            if (pendingAckCount == pendingAcks.length)
            {
                pendingAcks = Arrays.copyOf(pendingAcks, Math.max(8, pendingAcks.length * 2));
            }
            pendingAcks[pendingAckCount++] = index;
        }
    }

    /** Moves the cursor over the DONE prefix up to {@code readThrough}. Caller holds the terminal's monitor. */
    void advance(final long readThrough)
    {
        final long popped = terminal.ackWindow().popDone(readThrough);
        if (popped >= 0)
        {
            moveTo(popped);
        }
    }

    /**
     * Sets the cursor outright: everything up to {@code cursor} is known done (a live terminal with nothing
     * outstanding skipping others' traffic). Caller holds the terminal's monitor.
     */
    void moveTo(final long cursor)
    {
        terminal.cursor(cursor);
        pendingCursor = cursor;
    }

    /**
     * Writes the moves and out-of-order acknowledgements gathered since the last call, or drops them when the
     * feed no longer owns the terminal. A crash before this runs only means those messages come again.
     */
    void persist(final boolean owner)
    {
        if (owner)
        {
            if (pendingCursor >= 0)
            {
                // a replacing session may record between the owner check and here: the terminal keeps records monotonic
                terminal.recordCursor(store, pendingCursor);
            }
            for (int i = 0; i < pendingAckCount; i++)
            {
                if (pendingAcks[i] > pendingCursor)
                {
                    store.recordAck(terminal, pendingAcks[i]);
                }
            }
        }
        pendingCursor = -1;
        pendingAckCount = 0;
    }

    boolean hasPending()
    {
        return pendingCursor >= 0 || pendingAckCount > 0;
    }
}
