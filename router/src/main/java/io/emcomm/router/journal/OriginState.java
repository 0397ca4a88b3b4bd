package io.emcomm.router.journal;

/**
 * What the router remembers about one origin's message sequence numbers, to recognise a retried
 * publish and answer it with the original journal index instead of journaling it twice.
 *
 * <p>The last {@link #WINDOW} sequence numbers are held in a direct-mapped table (slot = sequence mod
 * window), so a lookup is one array access and nothing is allocated. A sequence older than the window
 * cannot be told apart from a new one and is refused as stale rather than risk a duplicate.
 *
 * <p>Thread-safety: callers hold the instance's monitor around {@link #lookup} + {@link #record}, so that
 * the check and the append it guards are atomic even while a replaced session finishes on another thread.
 */
public final class OriginState
{
    public static final int WINDOW = 4096;
    public static final long UNKNOWN = -1;
    public static final long STALE = -2;

    private final String origin;
    private final long[] sequences = new long[WINDOW];
    private final long[] indexes = new long[WINDOW];
    private volatile long highestSequence;

    OriginState(final String origin)
    {
        this.origin = origin;
    }

    public String origin()
    {
        return origin;
    }

    public long highestSequence()
    {
        return highestSequence;
    }

    /**
     * @return the journal index of an earlier publish of this sequence, {@link #UNKNOWN} for a new one,
     *         or {@link #STALE} when it is too old to tell.
     */
    public long lookup(final long sequence)
    {
        final int slot = (int)(sequence & (WINDOW - 1));
        if (sequences[slot] == sequence)
        {
            return indexes[slot];
        }
        if (sequence + WINDOW <= highestSequence)
        {
            return STALE;
        }
        return UNKNOWN;
    }

    public void record(final long sequence, final long index)
    {
        final int slot = (int)(sequence & (WINDOW - 1));
        sequences[slot] = sequence;
        indexes[slot] = index;
        if (sequence > highestSequence)
        {
            highestSequence = sequence;
        }
    }
}
