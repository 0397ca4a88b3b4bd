package io.emcomm.router.journal;

import io.emcomm.protocol.envelope.EnvelopeHeader;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The dedupe state of every origin that ever published, rebuilt from the journal at start so that a
 * retry after a router restart is still recognised.
 */
public final class DedupeWindows
{
    private final ConcurrentHashMap<String, DedupeWindow> origins = new ConcurrentHashMap<>();

    /** The state for an origin, created on first use (control plane: once per session). */
    public DedupeWindow state(final String origin)
    {
        return origins.computeIfAbsent(origin, DedupeWindow::new);
    }

    public int size()
    {
        return origins.size();
    }

    /** Reads the whole journal once and records every (origin, sequence, index). Returns the entry count. */
    public long rebuildFrom(final Journal journal)
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
                    state(header.origin()).record(header.originSequence(), entry.index());
                }
            }
        }
        return count;
    }
}
