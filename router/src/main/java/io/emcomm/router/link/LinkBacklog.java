package io.emcomm.router.link;

import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.router.address.DestinationCache;
import io.emcomm.router.address.PeerScope;
import io.emcomm.router.address.RouteMatcher;
import io.emcomm.router.journal.Journal;
import io.emcomm.router.journal.JournalEntry;
import io.emcomm.router.journal.JournalReader;
import io.emcomm.router.terminal.AckWindow;
import io.emcomm.router.terminal.TerminalState;

import java.time.Instant;

/**
 * What this router still has to send one peer over its link (issue 16, "Operations"): the journal entries after the
 * link's durable cursor that the tree's routing rules select for the peer ({@link RouteMatcher#reaches(PeerScope,
 * JournalEntry, EnvelopeHeader, DestinationCache)}, the rule the link's own catch-up uses), not expired now and not
 * acknowledged out of order (a FLASH that crossed ahead of a ROUTINE backlog is no longer waiting), counted by
 * precedence, with the time the oldest of them was journaled. Sent-but-unacknowledged entries count: until the peer
 * acknowledges them they may have to cross again.
 *
 * <p>Counted by one read of the journal from the cursor, at most {@link #MAX_READ} entries (then {@link #complete()}
 * is false and the counts are a lower bound): a connected link's cursor stays near the journal's end, so the read is
 * short; only a link that has been down for long reads its whole backlog, which is what an operator asks about. The
 * caller ({@link PeerLinks#status()}) keeps the result for a second so that status and metrics share one read.
 *
 * @param flash        FLASH entries waiting
 * @param immediate    IMMEDIATE entries waiting
 * @param priority     PRIORITY entries waiting
 * @param routine      ROUTINE (and unspecified) entries waiting
 * @param oldestWaiting when the oldest waiting entry was journaled here, or null when none waits
 * @param complete     false when the read stopped at {@link #MAX_READ} entries before the journal's end
 */
public record LinkBacklog(long flash, long immediate, long priority, long routine, Instant oldestWaiting, boolean complete)
{
    /** Journal entries read at most for one count. */
    public static final int MAX_READ = 1_000_000;

    /** Nothing waits. */
    public static final LinkBacklog NONE = new LinkBacklog(0, 0, 0, 0, null, true);

    /** Every entry waiting, whatever its precedence. */
    public long total()
    {
        return flash + immediate + priority + routine;
    }

    /**
     * Counts the backlog of the link to {@code scope}'s peer. An operator's thread (the admin endpoint's), never an
     * event loop: it reads up to {@code maxRead} journal entries, with a reader of its own, and takes the terminal's
     * monitor (which the link's loop takes per batch) once per entry selected, to read its ledger state.
     *
     * @param journal   this router's journal
     * @param terminal  the link's cursor and ledger (the peer's router id in the cursor store)
     * @param scope     what crosses to the peer
     * @param nowMicros the router's clock, for expiry
     * @param maxRead   entries read at most ({@link #MAX_READ} outside tests)
     */
    static LinkBacklog count(final Journal journal, final TerminalState terminal, final PeerScope scope,
        final long nowMicros, final int maxRead)
    {
        final long cursor = terminal.cursor();
        if (cursor >= journal.lastIndex())
        {
            return NONE;
        }
        final long[] byPrecedence = new long[Precedence.FLASH_VALUE + 1];
        long oldestMicros = Long.MAX_VALUE;
        final JournalEntry entry = new JournalEntry();
        final EnvelopeHeader header = new EnvelopeHeader();
        final DestinationCache cache = DestinationCache.forThread();
        int read = 0;
        boolean complete = true;
        try (JournalReader reader = journal.newReader())
        {
            if (cursor >= 0 && !reader.seekAfter(cursor))
            {
                return NONE;
            }
            while (reader.next(entry))
            {
                if (++read > maxRead)
                {
                    complete = false;
                    break;
                }
                if (!header.wrap(entry.envelope(), 0, entry.envelopeLength()) || header.isExpiredAt(nowMicros)
                    || !RouteMatcher.reaches(scope, entry, header, cache) || acknowledged(terminal, entry.index()))
                {
                    continue;
                }
                byPrecedence[Math.max(Precedence.ROUTINE_VALUE, Math.min(Precedence.FLASH_VALUE, header.precedenceNumber()))]++;
                oldestMicros = Math.min(oldestMicros, entry.journaledAtMicros());
            }
        }
        return new LinkBacklog(byPrecedence[Precedence.FLASH_VALUE], byPrecedence[Precedence.IMMEDIATE_VALUE],
            byPrecedence[Precedence.PRIORITY_VALUE], byPrecedence[Precedence.ROUTINE_VALUE],
            oldestMicros == Long.MAX_VALUE ? null : Instant.EPOCH.plusNanos(oldestMicros * 1_000), complete);
    }

    /** Acknowledged above the cursor (out of order), or passed by the cursor since the read began. */
    private static boolean acknowledged(final TerminalState terminal, final long index)
    {
        synchronized (terminal)
        {
            return index <= terminal.cursor() || terminal.ackWindow().state(index) == AckWindow.DONE;
        }
    }
}
