package io.emcomm.router.journal;

import io.emcomm.protocol.envelope.EnvelopeHeader;

/**
 * The router's start-up pass over the journal: reads every entry once, from the first held to the last, parses
 * its envelope header once, and hands both to each {@link EntryHandler}, so that every piece of in-memory state
 * kept beside the journal (the dedupe windows, each terminal's latest position) is rebuilt from one read. Before,
 * each piece read the whole journal on its own; on a journal of millions of entries that doubled the time the
 * listen backlog waits at start.
 *
 * <p>Thread: the starting thread, before the router accepts; nothing else reads or writes the handlers' state
 * meanwhile. An entry whose envelope header does not parse (which the sequencer never journals, but an old or
 * damaged journal may hold) is counted and given to no handler.
 */
public final class JournalRecovery
{
    /** One piece of state rebuilt from the journal. */
    @FunctionalInterface
    public interface EntryHandler
    {
        /**
         * Called once per journal entry, in index order. Both arguments are reused for the next entry: copy what
         * is kept. Must not throw for an entry it does not want; an exception ends the start (the router does not
         * start on state it could not rebuild).
         *
         * @param header the entry's envelope header, wrapped.
         * @param entry the entry (index, time, origin's kind and region, envelope bytes).
         */
        void onEntry(EnvelopeHeader header, JournalEntry entry);
    }

    private JournalRecovery()
    {
    }

    /**
     * Reads {@code journal} once from its start and gives every entry to each handler in turn.
     *
     * @return the number of entries read (with those whose header did not parse).
     */
    public static long recover(final Journal journal, final EntryHandler... handlers)
    {
        final EnvelopeHeader header = new EnvelopeHeader();
        final JournalEntry entry = new JournalEntry();
        long count = 0;
        try (JournalReader reader = journal.newReader())
        {
            reader.toStart();
            while (reader.next(entry))
            {
                count++;
                if (header.wrap(entry.envelope(), 0, entry.envelopeLength()))
                {
                    for (final EntryHandler handler : handlers)
                    {
                        handler.onEntry(header, entry);
                    }
                }
            }
        }
        return count;
    }
}
