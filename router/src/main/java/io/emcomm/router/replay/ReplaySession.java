package io.emcomm.router.replay;

import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.protocol.envelope.EnvelopeValidator;
import io.emcomm.router.journal.Journal;
import io.emcomm.router.journal.JournalEntry;
import io.emcomm.router.journal.JournalReader;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the journal entries a {@link ReplayFilter} selects to one connection, on that connection's
 * event loop, a batch at a time and only while the channel is writable, so a large replay neither
 * starves other sessions on the loop nor buffers the journal in memory. Ends with a REPLAY_END frame.
 * The end of the replay is fixed when it starts: entries journaled during the replay are not included.
 *
 * <p>A slice sends up to {@link #BATCH} entries (reading at most {@link #SCAN_BUDGET}), packs their REPLAY_ITEMs into shared chunks ({@link ReplayItemBatch})
 * and flushes once; then it queues itself behind the loop's other work (live traffic goes first), or, when the
 * channel is over its high-water mark, waits for the writability change to resume it.
 */
public final class ReplaySession implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(ReplaySession.class);

    /** Items sent per slice. */
    private static final int BATCH = 256;
    /**
     * Entries read per slice, sent or not: a narrow filter over a long journal (one origin among thousands) yields
     * the loop as often as a wide one, instead of scanning to the end in one turn.
     */
    private static final int SCAN_BUDGET = 4 * 1024;

    private final Channel channel;
    private final ReplayFilter filter;
    private final JournalReader reader;
    private final ReplayEndWriter endWriter;
    private final long endIndex;
    private final JournalEntry entry = new JournalEntry();
    private final EnvelopeHeader header = new EnvelopeHeader();
    private final EnvelopeValidator validator = new EnvelopeValidator();
    private final ReplayItemBatch items;
    private long count;
    private long lastIndex;
    /** Entries in the range whose envelope header did not parse: skipped, reported in REPLAY_END. */
    private long damaged;
    private boolean done;

    /**
     * A replay of the journal to {@code channel}, in slices, of the entries {@code filter} accepts (protocol.md
     * section 6). Runs on the channel's event loop.
     *
     * @param endWriter writes the REPLAY_END once the range is sent
     */
    public ReplaySession(final Channel channel, final Journal journal, final ReplayFilter filter, final ReplayEndWriter endWriter)
    {
        this.channel = channel;
        this.endWriter = endWriter;
        this.filter = filter;
        this.items = new ReplayItemBatch(filter.request().getRequestId());
        this.reader = journal.newReader();
        final long last = journal.lastIndex();
        final long to = filter.request().getToIndex();
        this.endIndex = to == 0 ? last : Math.min(to, last);
        reader.seekAtOrAfter(filter.request().getFromIndex());
    }

    public boolean isDone()
    {
        return done;
    }

    /** Writes up to one batch; reschedules itself while there is more and the channel can take it. */
    @Override
    public void run()
    {
        if (done)
        {
            return;
        }
        if (!channel.isActive())
        {
            finish(false);
            return;
        }
        final long limit = filter.request().getLimit();
        int written = 0;
        int read = 0;
        // writability moves only when a chunk is written: a slice stops at a budget or at the high-water mark
        while (written < BATCH && read < SCAN_BUDGET && channel.isWritable())
        {
            if ((limit != 0 && count >= limit) || !reader.next(entry) || entry.index() > endIndex)
            {
                items.writeTo(channel);
                finish(true);
                return;
            }
            read++;
            if (!header.wrap(entry.envelope(), 0, entry.envelopeLength()))
            {
                skipDamaged("its envelope header does not parse");
                continue;
            }
            if (filter.matches(entry, header))
            {
                // checked whole before it is sent: a client cannot parse a damaged body and would drop the link
                final String problem = validator.problem(entry.envelope(), 0, entry.envelopeLength());
                if (problem != null)
                {
                    skipDamaged(problem);
                    continue;
                }
                items.add(channel, entry);
                count++;
                lastIndex = entry.index();
                written++;
            }
        }
        items.writeTo(channel);
        channel.flush();
        if (channel.isWritable())
        {
            channel.eventLoop().execute(this);
        }
        // else: the handler calls run() again when the channel becomes writable
    }

    /** A damaged entry is not a gap the reviewer should miss: counted in REPLAY_END, named in the log. */
    private void skipDamaged(final String problem)
    {
        damaged++;
        LOG.warn("replay {}: damaged journal entry {} skipped: {}", filter.request().getRequestId(), entry.index(), problem);
    }

    private void finish(final boolean sendEnd)
    {
        done = true;
        items.release();
        reader.close();
        if (sendEnd)
        {
            endWriter.replayEnd(channel, filter.request().getRequestId(), count, lastIndex, damaged);
        }
    }

    /** Stops the replay (connection closed). Event loop only. */
    public void cancel()
    {
        if (!done)
        {
            finish(false);
        }
    }
}
