package io.emcomm.router.terminal;

/**
 * Journal indexes in ascending order, each with a one-byte state, in primitive arrays used as a sliding window
 * (9 bytes an entry, no boxing). Appending a larger index and removing the smallest are O(1) amortised; putting
 * an index in the middle shifts what lies above it. The building block of {@link AckWindow}. Not thread-safe.
 *
 * <p>The arrays are made at the first entry (then grown and kept): a terminal that never receives a message holds
 * none, which matters when 100,000 idle terminals share one router's heap.
 */
final class IndexRun
{
    private static final long[] NO_INDEXES = new long[0];
    private static final byte[] NO_STATES = new byte[0];

    private final int initialCapacity;
    private long[] indexes = NO_INDEXES;
    private byte[] states = NO_STATES;
    private int start;
    private int end;

    IndexRun(final int initialCapacity)
    {
        if (initialCapacity <= 0)
        {
            throw new IllegalArgumentException("initial capacity " + initialCapacity);
        }
        this.initialCapacity = initialCapacity;
    }

    int size()
    {
        return end - start;
    }

    boolean isEmpty()
    {
        return end == start;
    }

    /** The smallest index; the run must not be empty. */
    long firstIndex()
    {
        return indexes[start];
    }

    byte firstState()
    {
        return states[start];
    }

    /** The largest index; the run must not be empty. */
    long lastIndex()
    {
        return indexes[end - 1];
    }

    void removeFirst()
    {
        start++;
        if (start == end)
        {
            start = end = 0;
        }
    }

    /**
     * Sets the state of an index, adding it in order if it is not in the run.
     *
     * @return its previous state, or 0 when it was added.
     */
    byte put(final long index, final byte state)
    {
        if (start == end || index > indexes[end - 1])
        {
            if (end == indexes.length)
            {
                grow();
            }
            indexes[end] = index;
            states[end] = state;
            end++;
            return 0;
        }
        final int at = search(index);
        if (at >= 0)
        {
            final byte previous = states[at];
            states[at] = state;
            return previous;
        }
        if (end == indexes.length)
        {
            grow();
            return put(index, state); // positions moved
        }
        final int insert = -at - 1;
        System.arraycopy(indexes, insert, indexes, insert + 1, end - insert);
        System.arraycopy(states, insert, states, insert + 1, end - insert);
        indexes[insert] = index;
        states[insert] = state;
        end++;
        return 0;
    }

    /** The state of an index, or 0 when it is not in the run. */
    byte state(final long index)
    {
        final int at = search(index);
        return at >= 0 ? states[at] : 0;
    }

    /**
     * Changes the state of an index already in the run.
     *
     * @return its previous state, or 0 (and nothing changed) when it is not in the run.
     */
    byte replace(final long index, final byte state)
    {
        final int at = search(index);
        if (at < 0)
        {
            return 0;
        }
        final byte previous = states[at];
        states[at] = state;
        return previous;
    }

    /** Keeps only the entries in {@code state}. */
    void retainOnly(final byte state)
    {
        int w = start;
        for (int r = start; r < end; r++)
        {
            if (states[r] == state)
            {
                indexes[w] = indexes[r];
                states[w] = state;
                w++;
            }
        }
        end = w;
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
        if (indexes.length == 0)
        {
            indexes = new long[initialCapacity];
            states = new byte[initialCapacity];
            return; // empty, so start == end == 0
        }
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
