package io.emcomm.router.link;

import io.emcomm.router.conn.ControlFrames;
import io.emcomm.router.journal.Journal;
import io.netty.channel.ChannelHandlerContext;

import java.util.Arrays;

/**
 * The DELIVERY_ACKs a read batch of imports owes the sending router (docs/protocol.md section 14.2): one cumulative
 * ack through the highest {@code delivery_seq} when the sender takes them, else one per {@code journal_index}. Written
 * once per batch, after the journal sync when every batch is synced: the sender moves its cursor on them, so what they
 * cover must be as durable as a PUBLISH_ACK says.
 *
 * <p>One per link; event loop of the link. Allocates only to grow its index list (frames without a number).
 */
final class ImportAcks
{
    private final boolean cumulative;
    private final Journal journal;
    private final boolean syncEachBatch;
    private long through;
    private long[] indexes = new long[16];
    private int count;

    /**
     * @param cumulative    whether the sender takes {@code through_delivery_seq}
     * @param syncEachBatch {@code emcomm.journal.sync=batch}: sync {@code journal} before the acks go out
     */
    ImportAcks(final boolean cumulative, final Journal journal, final boolean syncEachBatch)
    {
        this.cumulative = cumulative;
        this.journal = journal;
        this.syncEachBatch = syncEachBatch;
    }

    /** One more DELIVERY handled (imported, a duplicate, expired or refused: all are acknowledged). */
    void add(final long deliverySeq, final long journalIndex)
    {
        if (cumulative && deliverySeq > 0)
        {
            through = Math.max(through, deliverySeq);
            return;
        }
        if (count == indexes.length)
        {
            indexes = Arrays.copyOf(indexes, count * 2);
        }
        indexes[count++] = journalIndex;
    }

    /** Writes (does not flush) what the batch owes, after the sync when syncing per batch; nothing when it owes nothing. */
    void write(final ChannelHandlerContext ctx)
    {
        if (through == 0 && count == 0)
        {
            return;
        }
        if (syncEachBatch)
        {
            journal.sync();
        }
        if (through != 0)
        {
            ControlFrames.deliveryAck(ctx, 0, through);
            through = 0;
        }
        for (int i = 0; i < count; i++)
        {
            ControlFrames.deliveryAck(ctx, indexes[i], 0);
        }
        count = 0;
    }
}
