package io.emcomm.router.journal;

import io.netty.buffer.ByteBuf;

/**
 * A journal that forwards every call to another: the base of a journal that changes one behaviour and keeps the
 * rest ({@link GuardedJournal} refuses appends on a full disk; tests count readers or record syncs). Threads and
 * errors are those of the journal underneath.
 */
public class ForwardingJournal implements Journal
{
    protected final Journal journal;

    /** Forwards to {@code journal}. */
    public ForwardingJournal(final Journal journal)
    {
        this.journal = journal;
    }

    @Override
    public long append(final ByteBuf envelope, final int offset, final int length, final long journaledAtMicros,
        final int originKind, final String originRegion, final String ingress)
    {
        return journal.append(envelope, offset, length, journaledAtMicros, originKind, originRegion, ingress);
    }

    @Override
    public String unavailableDetail()
    {
        return journal.unavailableDetail();
    }

    @Override
    public void sync()
    {
        journal.sync();
    }

    @Override
    public JournalSyncer syncer()
    {
        return journal.syncer();
    }

    @Override
    public long appendedByThisThread()
    {
        return journal.appendedByThisThread();
    }

    @Override
    public JournalReader newReader()
    {
        return journal.newReader();
    }

    @Override
    public long lastIndex()
    {
        return journal.lastIndex();
    }

    @Override
    public long firstIndex()
    {
        return journal.firstIndex();
    }

    @Override
    public void close()
    {
        journal.close();
    }
}
