package io.emcomm.router.journal;

import io.emcomm.router.counters.RouterCounters;
import io.netty.buffer.ByteBuf;

/**
 * The journal as the publish path sees it: appends are refused while the {@link DiskGuard} says the disk is
 * nearly full, and the first append of every 16 is timed into {@link RouterCounters#recordJournalAppend} (two
 * {@code System.nanoTime} calls, no allocation). Everything else goes straight to the journal underneath.
 */
public final class GuardedJournal extends ForwardingJournal
{
    private final DiskGuard guard;
    private final RouterCounters counters;
    /**
     * One append in this many is timed: the timer's histogram update cost as much as a tenth of the append
     * itself, and a sample of one in 16 gives the same percentiles at any rate worth watching. Appends run
     * under the publish lock, so the plain counter is not raced.
     */
    private static final int SAMPLE_MASK = 15;
    private long appends;

    /**
     * Wraps {@code journal} so that appends are refused (JOURNAL_UNAVAILABLE) while the disk guard says the disk is
     * nearly full.
     */
    public GuardedJournal(final Journal journal, final DiskGuard guard, final RouterCounters counters)
    {
        super(journal);
        this.guard = guard;
        this.counters = counters;
    }

    @Override
    public long append(final ByteBuf envelope, final int offset, final int length, final long journaledAtMicros,
        final int originKind, final String originRegion, final String ingress)
    {
        if (guard.refusing())
        {
            return NOT_JOURNALED;
        }
        if ((appends++ & SAMPLE_MASK) != 0)
        {
            return journal.append(envelope, offset, length, journaledAtMicros, originKind, originRegion, ingress);
        }
        final long start = System.nanoTime();
        final long index = journal.append(envelope, offset, length, journaledAtMicros, originKind, originRegion, ingress);
        counters.recordJournalAppend(System.nanoTime() - start);
        return index;
    }

    @Override
    public String unavailableDetail()
    {
        return guard.refusing() ? guard.detail() : journal.unavailableDetail();
    }
}
