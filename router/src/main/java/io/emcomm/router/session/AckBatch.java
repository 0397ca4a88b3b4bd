package io.emcomm.router.session;

import io.emcomm.router.delivery.DeliveryFrames;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

import java.util.function.LongConsumer;

/**
 * The PUBLISH_ACKs of one read batch, written back to back into one buffer and handed to the channel once:
 * one allocation and one outbound entry per batch instead of per message. Acks are only ever added after
 * the journal append returned, so the batch holds nothing that is not already journaled.
 *
 * <p>Anything else written to the connection during the batch (a nack, an error) goes out after the acks
 * gathered so far ({@link #writeTo} first), so a client sees its acks in the order the router made them.
 *
 * <p>With {@code emcomm.journal.sync=batch} an ack may reach the client only once the journal has what it
 * acknowledges on disk. The batch's end syncs before it flushes; but acks handed to the channel in the middle of a
 * batch (before a frame whose answer is flushed at once, such as REPLAY_END or a fatal ERROR, or when the batch
 * grows past 32 KiB) would be flushed with that answer. So they pass the durability barrier first: the journal is
 * synced before they are handed over.
 *
 * <p>Group commit (a journal with a {@code JournalSyncer}): the batch's end does not write the acks; the connection's
 * handler {@link #hold holds} them, tagged with the journal index that must be durable first, and {@link
 * #writeDurable writes} them when the syncer has made it so, oldest first. Held acks are not in the channel, so no
 * flush of anything else on the connection (its deliveries, a later batch) can carry them out early; anything written
 * in the middle of a later batch passes the barrier and goes out after them, so the client sees every frame in the
 * order the router made it. Event loop only.
 */
public final class AckBatch
{
    private static final int INITIAL_BYTES = 1024;
    /** A batch this large is handed to the channel at once rather than grown further. */
    private static final int MAX_BYTES = 32 * 1024;

    private final Runnable durabilityBarrier;
    private final boolean groupCommit;
    private final LongConsumer awaitDurable;
    private ByteBuf pending;
    /** The highest journal index the pending acks acknowledge, -1 for none. */
    private long pendingMax = -1;
    /** Acks of ended batches waiting for their sync (group commit), oldest first, with the index each needs. */
    private ByteBuf[] held = new ByteBuf[4];
    private long[] heldNeeds = new long[4];
    private int heldCount;

    /**
     * @param durabilityBarrier run before acks are handed to the channel in the middle of a read batch: syncs the
     *                          journal when it is synced per batch; null when nothing needs to happen (sync none)
     */
    public AckBatch(final Runnable durabilityBarrier)
    {
        this(durabilityBarrier, null);
    }

    /**
     * @param durabilityBarrier as {@link #AckBatch(Runnable)}; blocks until everything this thread appended is durable
     * @param awaitDurable      group commit: blocks until the given journal index is durable (the journal syncer's
     *                          {@code awaitDurable}); the batch's end then leaves the acks for {@link #hold} instead
     *                          of writing them. Null for no group commit.
     */
    public AckBatch(final Runnable durabilityBarrier, final LongConsumer awaitDurable)
    {
        this.durabilityBarrier = durabilityBarrier;
        this.awaitDurable = awaitDurable;
        this.groupCommit = awaitDurable != null;
    }

    /**
     * Appends a PUBLISH_ACK (docs/protocol.md section 4.2).
     *
     * @param deliveredNow      sessions the message was handed to at once; 0 for a duplicate
     * @param unknownTerminals  {@code terminal:} addresses naming ids the router has never seen, in
     *                          {@code [0, unknownCount)}; ASCII (terminal ids are)
     */
    public void ack(final ChannelHandlerContext ctx, final byte[] origin, final long sequence, final long index,
        final boolean duplicate, final int deliveredNow, final String[] unknownTerminals, final int unknownCount)
    {
        ByteBuf buf = pending;
        if (buf == null)
        {
            buf = pending = ctx.alloc().directBuffer(INITIAL_BYTES);
        }
        DeliveryFrames.writePublishAck(buf, origin, sequence, index, duplicate, deliveredNow, unknownTerminals, unknownCount);
        if (index > pendingMax)
        {
            // a duplicate's index is its original's, which another loop may have appended and not yet synced
            pendingMax = index;
        }
        if (buf.readableBytes() >= MAX_BYTES)
        {
            if (groupCommit)
            {
                hold(-1); // full: held as it is, no wait for the disk in the middle of the batch
            }
            else
            {
                writeTo(ctx);
            }
        }
    }

    /**
     * Writes (does not flush) the acks gathered so far, in the middle of a read batch: after the durability barrier,
     * since whatever is written next may be flushed at once.
     */
    public void writeTo(final ChannelHandlerContext ctx)
    {
        final ByteBuf buf = pending;
        if (buf != null || heldCount > 0)
        {
            if (durabilityBarrier != null)
            {
                durabilityBarrier.run();
            }
            if (awaitDurable != null)
            {
                // duplicates' originals may have been appended by another loop
                awaitDurable.accept(Math.max(pendingMax, heldCount == 0 ? -1 : heldNeeds[heldCount - 1]));
            }
            writeDurable(ctx, Long.MAX_VALUE);
            if (buf != null)
            {
                pending = null;
                pendingMax = -1;
                ctx.write(buf, ctx.voidPromise());
            }
        }
    }

    /**
     * Writes (does not flush) the acks gathered so far at the end of a read batch, which syncs the journal itself
     * before it flushes.
     */
    public void writeAtBatchEnd(final ChannelHandlerContext ctx)
    {
        final ByteBuf buf = pending;
        if (buf != null && !groupCommit)
        {
            pending = null;
            pendingMax = -1;
            ctx.write(buf, ctx.voidPromise());
        }
    }

    /**
     * Group commit, at the end of a read batch (or when the batch's acks fill their buffer): the pending acks wait
     * until {@code need}, and every index they acknowledge, is durable.
     *
     * @param need the index the calling loop last appended, -1 for none
     * @return the highest index held acks wait for, -1 when none are held
     */
    public long hold(final long need)
    {
        final ByteBuf buf = pending;
        if (buf != null)
        {
            pending = null;
            if (heldCount == held.length)
            {
                held = java.util.Arrays.copyOf(held, heldCount * 2);
                heldNeeds = java.util.Arrays.copyOf(heldNeeds, heldCount * 2);
            }
            held[heldCount] = buf;
            // never below an earlier held batch: they are written in order, so the tags must not go down
            final long previous = heldCount == 0 ? -1 : heldNeeds[heldCount - 1];
            heldNeeds[heldCount] = Math.max(Math.max(need, pendingMax), previous);
            heldCount++;
            pendingMax = -1;
        }
        return heldCount == 0 ? -1 : heldNeeds[heldCount - 1];
    }

    /**
     * Writes (does not flush) the held acks whose index is durable, oldest first; stops at the first that is not.
     *
     * @return whether acks are still held
     */
    public boolean writeDurable(final ChannelHandlerContext ctx, final long durable)
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
            java.util.Arrays.fill(held, heldCount - written, heldCount, null);
            heldCount -= written;
        }
        return heldCount > 0;
    }

    /**
     * The connection is gone, or the journal could not sync: drop what was not written (held acks were never sent;
     * a retry is acked as a duplicate, or refused JOURNAL_UNAVAILABLE when the journal failed).
     */
    public void release()
    {
        final ByteBuf buf = pending;
        if (buf != null)
        {
            pending = null;
            buf.release();
        }
        for (int i = 0; i < heldCount; i++)
        {
            held[i].release();
            held[i] = null;
        }
        heldCount = 0;
    }
}
