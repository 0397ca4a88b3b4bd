package io.emcomm.kafka.node;

import io.emcomm.kafka.journal.JournalRecord;
import io.emcomm.kafka.journal.OffsetMirror;
import io.emcomm.router.journal.Journal;
import io.emcomm.router.journal.JournalReader;
import io.netty.buffer.ByteBuf;

/**
 * The router's {@link Journal} on a Kafka node: the node's {@link OffsetMirror}, read by catch-up, replay and the
 * start-up recovery with the Kafka offset as the index. The router appends only while it applies a record
 * ({@code Sequencer.apply} on the apply thread, a first occurrence): {@link NodeApply} names the record being
 * applied ({@link #applying}) and {@link #append} stores that record at its offset, the arguments being that
 * record's own envelope and metadata.
 *
 * <p>Thread-safety: {@link #applying} and {@link #append} on the apply thread; readers and the getters from any.
 */
final class MirrorJournal implements Journal
{
    private final OffsetMirror mirror;
    private long offset = -1;
    private JournalRecord record;

    MirrorJournal(final OffsetMirror mirror)
    {
        this.mirror = mirror;
    }

    /** The record the apply thread is about to hand to the router. Apply thread. */
    void applying(final long offset, final JournalRecord record)
    {
        this.offset = offset;
        this.record = record;
    }

    /** {@inheritDoc} Stores the record being applied at its offset and returns the offset. Apply thread. */
    @Override
    public long append(final ByteBuf envelope, final int offset, final int length, final long journaledAtMicros,
        final int originKind, final String originRegion, final String ingress)
    {
        final JournalRecord r = record;
        if (r == null)
        {
            throw new IllegalStateException("a Kafka node's journal is appended to only while a record is applied");
        }
        record = null;
        mirror.append(this.offset, r);
        return this.offset;
    }

    @Override
    public String unavailableDetail()
    {
        return "the node's journal mirror could not store the record";
    }

    /** Nothing to force: an acknowledged record is held by the cluster (acks=all); the mirror is this node's copy. */
    @Override
    public void sync()
    {
    }

    @Override
    public JournalReader newReader()
    {
        return mirror.newReader();
    }

    @Override
    public long lastIndex()
    {
        return mirror.lastOffset();
    }

    @Override
    public long firstIndex()
    {
        return mirror.firstOffset();
    }

    /** The backend closes the mirror, after the apply loop. */
    @Override
    public void close()
    {
    }
}
