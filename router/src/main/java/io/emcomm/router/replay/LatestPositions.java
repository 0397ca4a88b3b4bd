package io.emcomm.router.replay;

import io.emcomm.router.delivery.DeliveryFrames;
import io.emcomm.router.terminal.TerminalState;
import io.emcomm.router.journal.Journal;
import io.emcomm.router.journal.JournalEntry;
import io.emcomm.router.journal.JournalReader;
import io.netty.channel.Channel;

import java.util.Collection;

/**
 * Answers a command post's LATEST_POSITIONS_REQUEST: the last position report of every terminal registered
 * in the region subtree, read from the journal by the index the router kept, as REPLAY_ITEM frames and a
 * REPLAY_END. Control plane: runs on the asking session's event loop.
 */
public final class LatestPositions
{
    private LatestPositions()
    {
    }

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
