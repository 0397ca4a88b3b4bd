package io.emcomm.router.journal;

/** Reads journal entries in index order. Single-threaded; close when done. */
public interface JournalReader extends AutoCloseable
{
    /** Positions the reader at the start. */
    void toStart();

    /**
     * Positions the reader so that the next entry read has an index greater than {@code index}.
     *
     * @return false when {@code index} lies beyond the end of the journal.
     */
    boolean seekAfter(long index);

    /**
     * Positions the reader so that the next entry read has an index of at least {@code index}.
     */
    void seekAtOrAfter(long index);

    /** Reads the next entry into {@code entry}; false when there is none (yet). */
    boolean next(JournalEntry entry);

    @Override
    void close();
}
