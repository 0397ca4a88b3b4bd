package io.emcomm.router.link;

import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.DeliveryAck;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.router.conn.ControlFrames;
import io.emcomm.router.journal.Journal;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

import java.util.Arrays;

/**
 * The DELIVERY_ACKs a read batch of imports owes the sending router (docs/protocol.md section 14.2): one cumulative
 * ack through the highest {@code delivery_seq} when the sender takes them, else one per {@code journal_index}. Written
 * once per batch, after the journal sync when every batch is synced: the sender moves its cursor on them, so what they
 * cover must be as durable as a PUBLISH_ACK says.
 *
 * <p>With group commit (a journal with a syncer) the batch's acks are not synced inline: they are encoded and
 * {@link #hold held} out of the channel with the index this loop last appended, and {@link #writeDurable written} once
 * the syncer has made it durable, oldest first (the link's handler is told by {@code conn.LoopCommits}).
 *
 * <p>One per link; event loop of the link. Allocates only to grow its index list (frames without a number).
 */
final class ImportAcks
{
    private final boolean cumulative;
    private final Journal journal;
    private final boolean syncEachBatch;
    private final boolean groupCommit;
    private long through;
    /** Encoded acks of ended batches waiting for their sync (group commit), oldest first, with the index each needs. */
    private ByteBuf[] held = new ByteBuf[8];
    private long[] heldNeeds = new long[8];
    private int heldCount;
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
        this.groupCommit = syncEachBatch && journal.syncer() != null;
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
        if (through == 0 && count == 0 || groupCommit)
        {
            return; // with group commit the link's handler holds them at the batch's end (hold)
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

    /**
     * Group commit, at the end of a read batch: encodes what the batch owes and holds it until {@code need} is durable.
     *
     * @param need the index this loop last appended, -1 for none
     * @return the highest index held acks wait for, -1 when none are held
     */
    long hold(final ChannelHandlerContext ctx, final long need)
    {
        if (through != 0)
        {
            push(encode(ctx, 0, through), need);
            through = 0;
        }
        for (int i = 0; i < count; i++)
        {
            push(encode(ctx, indexes[i], 0), need);
        }
        count = 0;
        return heldCount == 0 ? -1 : heldNeeds[heldCount - 1];
    }

    /**
     * Writes (does not flush) the held acks whose index is durable, oldest first.
     *
     * @return whether acks are still held
     */
    boolean writeDurable(final ChannelHandlerContext ctx, final long durable)
    {
        int written = 0;
        while (written < heldCount && heldNeeds[written] <= durable)
        {
            ctx.write(held[written], ctx.voidPromise());
            held[written] = null;
            written++;
        }
        if (written > 0)
        {
            System.arraycopy(held, written, held, 0, heldCount - written);
            System.arraycopy(heldNeeds, written, heldNeeds, 0, heldCount - written);
            Arrays.fill(held, heldCount - written, heldCount, null);
            heldCount -= written;
        }
        return heldCount > 0;
    }

    /** The link is gone or the journal failed: drop the held acks (the sender sends those messages again). */
    void release()
    {
        for (int i = 0; i < heldCount; i++)
        {
            held[i].release();
            held[i] = null;
        }
        heldCount = 0;
    }

    private static ByteBuf encode(final ChannelHandlerContext ctx, final long journalIndex, final long throughDeliverySeq)
    {
        return Frames.encode(ctx.alloc(), FrameType.DELIVERY_ACK, DeliveryAck.newBuilder().setJournalIndex(journalIndex)
            .setThroughDeliverySeq(throughDeliverySeq).build());
    }

    private void push(final ByteBuf frame, final long need)
    {
        if (heldCount == held.length)
        {
            held = Arrays.copyOf(held, heldCount * 2);
            heldNeeds = Arrays.copyOf(heldNeeds, heldCount * 2);
        }
        held[heldCount] = frame;
        heldNeeds[heldCount] = heldCount == 0 ? need : Math.max(need, heldNeeds[heldCount - 1]);
        heldCount++;
    }
}
