package io.emcomm.router.journal;

/**
 * What the router remembers about one origin's message sequence numbers, to recognise a retried
 * publish and answer it with the original journal index instead of journaling it twice.
 *
 * <p>The last {@link #WINDOW} sequence numbers are held in a direct-mapped table (slot = sequence mod
 * table size), so a lookup is one array access and nothing is allocated. The table starts small and doubles
 * instead of overwriting a sequence that is still inside the window, so a terminal that sends a few reports
 * an hour costs a few hundred bytes and only a busy publisher grows to the full 64 KiB. A sequence older
 * than the window cannot be told apart from a new one and is refused as stale rather than risk a duplicate.
 *
 * <p>Thread-safety: callers serialise {@link #lookup} + {@link #record} (the publish lock), so that the check
 * and the append it guards are atomic even while a replaced session finishes on another thread.
 * {@link #highestSequence()} may be read from any thread.
 */
public final class DedupeWindow
{
    public static final int WINDOW = 4096;
    public static final long UNKNOWN = -1;
    public static final long STALE = -2;
    private static final int INITIAL_SLOTS = 16;

    private final String origin;
    private long[] sequences = new long[INITIAL_SLOTS];
    private long[] indexes = new long[INITIAL_SLOTS];
    private volatile long highestSequence;

    DedupeWindow(final String origin)
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
        final int slot = (int)(sequence & (sequences.length - 1));
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

    /**
     * Remembers that this origin's {@code sequence} was journaled at {@code index}. Publisher's event loop, under the
     * publish lock.
     */
    public void record(final long sequence, final long index)
    {
        int slot = (int)(sequence & (sequences.length - 1));
        while (sequences[slot] != 0 && sequences[slot] != sequence && sequences.length < WINDOW
            && sequences[slot] + WINDOW > Math.max(highestSequence, sequence))
        {
            grow();
            slot = (int)(sequence & (sequences.length - 1));
        }
        sequences[slot] = sequence;
        indexes[slot] = index;
        if (sequence > highestSequence)
        {
            highestSequence = sequence;
        }
    }

    /** Slots in use by the table (for tests of its memory). */
    int capacity()
    {
        return sequences.length;
    }

    private void grow()
    {
        final long[] oldSequences = sequences;
        final long[] oldIndexes = indexes;
        final int size = oldSequences.length * 2;
        sequences = new long[size];
        indexes = new long[size];
        for (int i = 0; i < oldSequences.length; i++)
        {
            final long s = oldSequences[i];
            if (s != 0)
            {
                final int slot = (int)(s & (size - 1));
                sequences[slot] = s;
                indexes[slot] = oldIndexes[i];
            }
        }
    }
}
