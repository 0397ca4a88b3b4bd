package io.emcomm.router.journal;

import io.emcomm.protocol.envelope.EnvelopeHeader;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The dedupe state of every origin that ever published, rebuilt from the journal at start (by {@link #recovery()}
 * in the one {@link JournalRecovery} pass) so that a retry after a router restart is still recognised.
 *
 * <p>Thread-safety: the map is concurrent; each {@link DedupeWindow} has its own rules.
 */
public final class DedupeWindows
{
    private final ConcurrentHashMap<String, DedupeWindow> origins = new ConcurrentHashMap<>();

    /** The state for an origin, created on first use (control plane: once per session). */
    public DedupeWindow state(final String origin)
    {
        return origins.computeIfAbsent(origin, DedupeWindow::new);
    }

    /** Origins known. */
    public int size()
    {
        return origins.size();
    }

    /**
     * The handler that rebuilds the windows in the start-up pass ({@link JournalRecovery}): records every journaled
     * (origin, sequence, index). A run of entries from one origin looks its window up once (the origin is compared
     * in place, not copied into a string per entry).
     */
    public JournalRecovery.EntryHandler recovery()
    {
        return new JournalRecovery.EntryHandler()
        {
            private DedupeWindow last;

            @Override
            public void onEntry(final EnvelopeHeader header, final JournalEntry entry)
            {
                if (last == null || !header.originEquals(last.origin()))
                {
                    last = state(header.origin());
                }
                last.record(header.originSequence(), entry.index());
            }
        };
    }
}
