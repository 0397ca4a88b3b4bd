package io.emcomm.router.terminal;

/**
 * The journal indexes of one terminal's messages above its durable cursor, each either SENT (queued or
 * written, not yet acknowledged; {@link #SENT_URGENT} for FLASH and IMMEDIATE, which the in-flight limit does
 * not count) or DONE (acknowledged, expired or superseded). The cursor advances over the DONE prefix, as far
 * as the session has read the journal in order.
 *
 * <p>Two runs keep every change O(1) amortised however far ahead of the in-order read messages are taken
 * (protocol.md section 7.4: FLASH, IMMEDIATE and PRIORITY are taken from the whole backlog first). The
 * <i>in-order</i> run holds what the session reached reading the journal in order (and what live delivery
 * added); the <i>ahead</i> run holds what was taken ahead of that read, and acknowledgements restored from
 * disk. Every index in the in-order run is below every index in the ahead run; an entry moves from ahead to
 * in-order when the in-order read passes it. Without the split, each message read in order would be inserted
 * below all those taken ahead, shifting them every time: quadratic in a long backlog.
 *
 * <p>Not thread-safe; {@link io.emcomm.router.delivery.DeliveryFeed} guards it with the terminal's monitor.
 */
public final class AckWindow
{
    public static final byte SENT = 1;
    public static final byte DONE = 2;
    public static final byte SENT_URGENT = 3;

    private final IndexRun inOrder;
    private final IndexRun ahead;
    /** Entries SENT or SENT_URGENT: the terminal's window in use. */
    private int sent;

    AckWindow(final int initialCapacity)
    {
        inOrder = new IndexRun(initialCapacity);
        ahead = new IndexRun(8);
    }

    public int size()
    {
        return inOrder.size() + ahead.size();
    }

    public boolean isEmpty()
    {
        return inOrder.isEmpty() && ahead.isEmpty();
    }

    /**
     * Entries queued or written and not yet acknowledged. DONE entries are not counted: above the in-order read
     * position they wait for the cursor, and a window full of them would wait for acknowledgements that never come.
     */
    public int sent()
    {
        return sent;
    }

    private static boolean isSent(final byte state)
    {
        return state == SENT || state == SENT_URGENT;
    }

    private void counted(final byte previous, final byte state)
    {
        if (isSent(previous))
        {
            sent--;
        }
        if (isSent(state))
        {
            sent++;
        }
    }

    /**
     * Records an index the session reached reading in order (or live): normally above every index so far.
     * Whatever was taken ahead below it is now behind the in-order read.
     */
    public void add(final long index, final byte state)
    {
        promoteBelow(index);
        if (!ahead.isEmpty() && ahead.firstIndex() == index)
        {
            counted(ahead.put(index, state), state);
            promoteBelow(index + 1);
            return;
        }
        counted(inOrder.put(index, state), state);
    }

    /** Records an index taken ahead of the in-order read (or an acknowledgement restored from disk). */
    public void addAhead(final long index, final byte state)
    {
        if (!inOrder.isEmpty() && index <= inOrder.lastIndex())
        {
            counted(inOrder.put(index, state), state);
        }
        else
        {
            counted(ahead.put(index, state), state);
        }
    }

    /** The state of an index, or 0 when it is not in the ledger. */
    public byte state(final long index)
    {
        final byte state = inOrder.state(index);
        return state != 0 ? state : ahead.state(index);
    }

    /** Marks an index DONE; false when it is not in the ledger. */
    public boolean markDone(final long index)
    {
        byte previous = inOrder.replace(index, DONE);
        if (previous == 0)
        {
            previous = ahead.replace(index, DONE);
        }
        if (previous == 0)
        {
            return false;
        }
        counted(previous, DONE);
        return true;
    }

    /**
     * Removes the DONE prefix up to {@code limit}: above it the session has not read the journal in order yet,
     * so messages for the terminal may lie between two DONE entries there (a FLASH taken ahead of its turn).
     *
     * @return the largest index removed, or -1 when the head is not DONE (or above the limit).
     */
    public long popDone(final long limit)
    {
        promoteBelow(limit == Long.MAX_VALUE ? limit : limit + 1);
        long popped = -1;
        while (!inOrder.isEmpty() && inOrder.firstState() == DONE && inOrder.firstIndex() <= limit)
        {
            popped = inOrder.firstIndex();
            inOrder.removeFirst();
        }
        return popped;
    }

    /** Removes the head if it is at or below {@code index}; false when there is nothing more to remove. */
    public boolean popDoneUpTo(final long index)
    {
        promoteBelow(index == Long.MAX_VALUE ? index : index + 1);
        if (!inOrder.isEmpty() && inOrder.firstIndex() <= index)
        {
            counted(inOrder.firstState(), DONE);
            inOrder.removeFirst();
            return true;
        }
        return false;
    }

    /** Drops every SENT and SENT_URGENT entry (a session ended: those messages will be sent again). */
    public void forgetSent()
    {
        inOrder.retainOnly(DONE);
        ahead.retainOnly(DONE);
        sent = 0;
    }

    /** Moves the entries taken ahead that lie below {@code index} into the in-order run (they stay above it). */
    private void promoteBelow(final long index)
    {
        while (!ahead.isEmpty() && ahead.firstIndex() < index)
        {
            inOrder.put(ahead.firstIndex(), ahead.firstState());
            ahead.removeFirst();
        }
    }
}
