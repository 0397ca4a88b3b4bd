package io.emcomm.kafka.terminals;

import java.util.Arrays;

/**
 * Acknowledged journal indexes above a cursor, ascending and distinct, in one primitive array (no boxing; made at
 * the first ack, then grown and kept). Adding an index above the largest is O(1) amortised (acks come nearly in
 * order); one in the middle shifts what lies above. Not thread-safe: guarded by its {@link TerminalSlot}'s monitor.
 */
final class AckSet
{
    private static final long[] NONE = new long[0];

    private long[] indexes = NONE;
    private int size;

    int size()
    {
        return size;
    }

    /** Adds an index (nothing when present). */
    void add(final long index)
    {
        int at = size;
        if (size > 0 && index <= indexes[size - 1])
        {
            at = Arrays.binarySearch(indexes, 0, size, index);
            if (at >= 0)
            {
                return;
            }
            at = -at - 1;
        }
        if (size == indexes.length)
        {
            indexes = Arrays.copyOf(indexes, Math.max(8, size * 2));
        }
        System.arraycopy(indexes, at, indexes, at + 1, size - at);
        indexes[at] = index;
        size++;
    }

    /** Drops every index at or below {@code cursor}. */
    void removeUpTo(final long cursor)
    {
        int drop = 0;
        while (drop < size && indexes[drop] <= cursor)
        {
            drop++;
        }
        if (drop > 0)
        {
            System.arraycopy(indexes, drop, indexes, 0, size - drop);
            size -= drop;
        }
    }

    /** Replaces the content (ascending, distinct). */
    void set(final long[] ascending)
    {
        indexes = ascending.length == 0 ? NONE : ascending.clone();
        size = ascending.length;
    }

    /** @return a copy of the indexes, ascending */
    long[] toArray()
    {
        return Arrays.copyOf(indexes, size);
    }
}
