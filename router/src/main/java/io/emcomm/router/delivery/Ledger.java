package io.emcomm.router.delivery;

/**
 * The journal indexes of one terminal's messages above its durable cursor, in index order, each either
 * SENT (queued or written, not yet acknowledged; {@link #SENT_URGENT} for FLASH and IMMEDIATE, which the
 * in-flight limit does not count) or DONE (acknowledged, expired or superseded). The cursor advances over the
 * DONE prefix, as far as the session has read the journal in order. Primitive arrays, no boxing: one entry
 * costs 9 bytes.
 *
 * <p>Not thread-safe; {@link DeliveryFeed} guards it.
 */
final class Ledger
{
    static final byte SENT = 1;
    static final byte DONE = 2;
    static final byte SENT_URGENT = 3;

    private long[] indexes;
    private byte[] states;
    private int start;
    private int end;
    /** Entries SENT or SENT_URGENT: the terminal's window in use. */
    private int sent;

    Ledger(final int initialCapacity)
    {
        indexes = new long[initialCapacity];
        states = new byte[initialCapacity];
    }

    int size()
    {
        return end - start;
    }

    /**
     * Entries queued or written and not yet acknowledged. DONE entries are not counted: above the in-order read
     * position they wait for the cursor, and a window full of them would wait for acknowledgements that never come.
     */
    int sent()
    {
        return sent;
    }

    private static boolean isSent(final byte state)
    {
        return state == SENT || state == SENT_URGENT;
    }

    boolean isEmpty()
    {
        return end == start;
    }

    long last()
    {
        return indexes[end - 1];
    }

    /** Adds an index (normally the largest so far; an earlier one is inserted in order). */
    void add(final long index, final byte state)
    {
        if (end == indexes.length)
        {
            grow();
        }
        if (isSent(state))
        {
            sent++;
        }
        if (start == end || index > indexes[end - 1])
        {
            indexes[end] = index;
            states[end] = state;
            end++;
            return;
        }
        final int at = search(index);
        if (at >= 0)
        {
            if (isSent(states[at]))
            {
                sent--;
            }
            states[at] = state;
            return;
        }
        final int insert = -at - 1;
        System.arraycopy(indexes, insert, indexes, insert + 1, end - insert);
        System.arraycopy(states, insert, states, insert + 1, end - insert);
        indexes[insert] = index;
        states[insert] = state;
        end++;
    }

    /** The state of an index, or 0 when it is not in the ledger. */
    byte state(final long index)
    {
        final int at = search(index);
        return at >= 0 ? states[at] : 0;
    }

    /** Marks an index DONE; false when it is not in the ledger. */
    boolean markDone(final long index)
    {
        final int at = search(index);
        if (at < 0)
        {
            return false;
        }
        if (isSent(states[at]))
        {
            sent--;
        }
        states[at] = DONE;
        return true;
    }

    /**
     * Removes the DONE prefix up to {@code limit}: above it the session has not read the journal in order yet,
     * so messages for the terminal may lie between two DONE entries there (a FLASH taken ahead of its turn).
     *
     * @return the largest index removed, or -1 when the head is not DONE (or above the limit).
     */
    long popDone(final long limit)
    {
        long popped = -1;
        while (start < end && states[start] == DONE && indexes[start] <= limit)
        {
            popped = indexes[start];
            start++;
        }
        if (start == end)
        {
            start = end = 0;
        }
        return popped;
    }

    /** Removes the head if it is at or below {@code index}; false when there is nothing more to remove. */
    boolean popDoneUpTo(final long index)
    {
        if (start < end && indexes[start] <= index)
        {
            if (isSent(states[start]))
            {
                sent--;
            }
            start++;
            if (start == end)
            {
                start = end = 0;
            }
            return true;
        }
        return false;
    }

    /** Drops every SENT and SENT_URGENT entry (a session ended: those messages will be sent again). */
    void forgetSent()
    {
        int w = start;
        for (int r = start; r < end; r++)
        {
            if (states[r] == DONE)
            {
                indexes[w] = indexes[r];
                states[w] = DONE;
                w++;
            }
        }
        end = w;
        sent = 0;
        if (start == end)
        {
            start = end = 0;
        }
    }

    private int search(final long index)
    {
        int lo = start;
        int hi = end - 1;
        while (lo <= hi)
        {
            final int mid = (lo + hi) >>> 1;
            final long v = indexes[mid];
            if (v < index)
            {
                lo = mid + 1;
            }
            else if (v > index)
            {
                hi = mid - 1;
            }
            else
            {
                return mid;
            }
        }
        return -(lo + 1);
    }

    private void grow()
    {
        final int size = end - start;
        if (start > 0 && size < indexes.length / 2)
        {
            System.arraycopy(indexes, start, indexes, 0, size);
            System.arraycopy(states, start, states, 0, size);
        }
        else
        {
            final long[] bigger = new long[indexes.length * 2];
            final byte[] biggerStates = new byte[indexes.length * 2];
            System.arraycopy(indexes, start, bigger, 0, size);
            System.arraycopy(states, start, biggerStates, 0, size);
            indexes = bigger;
            states = biggerStates;
        }
        start = 0;
        end = size;
    }
}
