package io.emcomm.router.replay;

import io.emcomm.router.delivery.DeliveryFrames;
import io.emcomm.router.delivery.EnvelopeBodies;
import io.emcomm.router.journal.Journal;
import io.emcomm.router.journal.JournalEntry;
import io.emcomm.router.journal.JournalReader;
import io.emcomm.router.journal.JournalRecovery;
import io.emcomm.router.terminal.CursorStore;
import io.emcomm.router.terminal.TerminalState;
import io.netty.channel.Channel;

import java.util.Collection;

/**
 * Answers a command post's LATEST_POSITIONS_REQUEST: the last position report of every terminal registered
 * in the region subtree, read from the journal by the index the router kept, as REPLAY_ITEM frames and a
 * REPLAY_END. Control plane: runs on the asking session's event loop.
 *
 * <p>The index of each terminal's last position report is kept on its {@link TerminalState}: set by the sequencer
 * as it journals one, and rebuilt at start by {@link #recovery} in the one {@link JournalRecovery} pass.
 */
public final class LatestPositions
{
    private LatestPositions()
    {
    }

    /**
     * The handler that rebuilds the latest positions in the start-up pass: for every position report journaled,
     * its origin's {@link TerminalState} (created with its cursor at that index if the store never saw it, as
     * before) gets the report's index and the region the origin had then. The last report wins (index order).
     * Reports imported from a peer router (a non-empty ingress) are skipped.
     */
    public static JournalRecovery.EntryHandler recovery(final CursorStore cursors)
    {
        return (header, entry) ->
        {
            // a report that came over a peer link (federation) belongs to a terminal of another router: making it a
            // cursor here would count that terminal as served here, and the sequencer keeps no live latest position
            // for imports either
            if (header.bodyField() == EnvelopeBodies.POSITION && entry.ingressEquals(""))
            {
                final TerminalState t = cursors.terminal(header.origin(), entry.index());
                t.lastPositionIndex(entry.index());
                t.regionCode(entry.originRegion());
            }
        };
    }

    /**
     * Writes the last position report of every terminal in {@code terminals} whose region is in the subtree of
     * {@code region}, then a REPLAY_END with {@code requestId}, the count and the highest index sent. Event loop of
     * {@code channel}.
     */
    public static void send(final Channel channel, final Journal journal, final Collection<TerminalState> terminals,
        final String region, final long requestId, final ReplayEndWriter endWriter)
    {
        long count = 0;
        long last = 0;
        final JournalEntry entry = new JournalEntry();
        try (JournalReader reader = journal.newReader())
        {
            for (final TerminalState t : terminals)
            {
                final long index = t.lastPositionIndex();
                if (index < 0 || !t.regionCode().startsWith(region))
                {
                    continue;
                }
                reader.seekAtOrAfter(index);
                if (reader.next(entry) && entry.index() == index)
                {
                    channel.write(DeliveryFrames.delivery(channel.alloc(), index, entry.envelope(), entry.envelopeLength(),
                        entry.journaledAtMicros(), requestId, null), channel.voidPromise());
                    count++;
                    last = Math.max(last, index);
                }
            }
        }
        endWriter.replayEnd(channel, requestId, count, last, 0);
    }
}
