package io.emcomm.router.delivery;

/**
 * The DELIVERY frames written on one connection, by {@code delivery_seq} (protocol.md section 7.3, cumulative
 * acknowledgement): the journal index of each frame numbered from the oldest one not yet known to be acknowledged
 * up to the last one written. Numbers are 1, 2, 3, ... in the order the frames were written, so an entry's number
 * is implicit in its position and the ring holds one {@code long} per frame.
 *
 * <p>A cumulative DELIVERY_ACK through {@code n} removes the entries numbered up to {@code n} from the front, each
 * acknowledged by its index ({@link #hasThrough}, {@link #firstIndex}, {@link #removeFirst}): O(acknowledged), no
 * allocation. A client that acknowledges by index only never removes anything this way, so the feed also drops the
 * front entries whose index is no longer outstanding after each per-index acknowledgement; what stays then is
 * bounded by the terminal's ledger (everything from its oldest unacknowledged delivery on), which holds the same
 * entries. The capacity doubles when full (FLASH and IMMEDIATE are not bounded by the in-flight limit); it never
 * shrinks, as the connection's rate is what sized it.
 *
 * <p>Not thread-safe: the session's event loop only (frames are written and acknowledgements read there).
 */
final class InFlightRing
{
    private long[] indexes;
    private int mask;
    /** The number of the first entry; equal to {@link #nextSeq} when empty. */
    private long firstSeq = 1;
    private long nextSeq = 1;

    /** @param initialCapacity rounded up to a power of two. */
    InFlightRing(final int initialCapacity)
    {
        final int capacity = Math.max(2, Integer.highestOneBit(initialCapacity - 1) << 1);
        indexes = new long[capacity];
        mask = capacity - 1;
    }

    /**
     * Records a DELIVERY frame about to be written with journal index {@code index}.
     *
     * @return its {@code delivery_seq}: one more than the last one.
     */
    long add(final long index)
    {
        if (nextSeq - firstSeq == indexes.length)
        {
            grow();
        }
        final long seq = nextSeq++;
        indexes[(int)seq & mask] = index;
        return seq;
    }

    /** The number of the last frame written on this connection, 0 before the first. */
    long lastSeq()
    {
        return nextSeq - 1;
    }

    boolean isEmpty()
    {
        return firstSeq == nextSeq;
    }

    /** Entries held. */
    int size()
    {
        return (int)(nextSeq - firstSeq);
    }

    /** Whether the first entry is numbered at or below {@code throughSeq}. */
    boolean hasThrough(final long throughSeq)
    {
        return firstSeq < nextSeq && firstSeq <= throughSeq;
    }

    /** The number of the first entry; the ring must not be empty. */
    long firstSeq()
    {
        return firstSeq;
    }

    /** The journal index of the first entry; the ring must not be empty. */
    long firstIndex()
    {
        return indexes[(int)firstSeq & mask];
    }

    /** Drops the first entry; the ring must not be empty. */
    void removeFirst()
    {
        firstSeq++;
    }

    private void grow()
    {
        final long[] bigger = new long[indexes.length * 2];
        final int biggerMask = bigger.length - 1;
        for (long seq = firstSeq; seq < nextSeq; seq++)
        {
            bigger[(int)seq & biggerMask] = indexes[(int)seq & mask];
        }
        indexes = bigger;
        mask = biggerMask;
    }
}
