package io.emcomm.router.session;

import io.emcomm.router.delivery.DeliveryFrames;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

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
 * synced before they are handed over. Event loop only.
 */
public final class AckBatch
{
    private static final int INITIAL_BYTES = 1024;
    /** A batch this large is handed to the channel at once rather than grown further. */
    private static final int MAX_BYTES = 32 * 1024;

    private final Runnable durabilityBarrier;
    private ByteBuf pending;

    /**
     * @param durabilityBarrier run before acks are handed to the channel in the middle of a read batch: syncs the
     *                          journal when it is synced per batch; null when nothing needs to happen (sync none)
     */
    public AckBatch(final Runnable durabilityBarrier)
    {
        this.durabilityBarrier = durabilityBarrier;
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
        if (buf.readableBytes() >= MAX_BYTES)
        {
            writeTo(ctx);
        }
    }

    /**
     * Writes (does not flush) the acks gathered so far, in the middle of a read batch: after the durability barrier,
     * since whatever is written next may be flushed at once.
     */
    public void writeTo(final ChannelHandlerContext ctx)
    {
        final ByteBuf buf = pending;
        if (buf != null)
        {
            if (durabilityBarrier != null)
            {
                durabilityBarrier.run();
            }
            pending = null;
            ctx.write(buf, ctx.voidPromise());
        }
    }

    /**
     * Writes (does not flush) the acks gathered so far at the end of a read batch, which syncs the journal itself
     * before it flushes.
     */
    public void writeAtBatchEnd(final ChannelHandlerContext ctx)
    {
        final ByteBuf buf = pending;
        if (buf != null)
        {
            pending = null;
            ctx.write(buf, ctx.voidPromise());
        }
    }

    /** The connection is gone: drop what was not written (those publishes are journaled; a retry is acked as a duplicate). */
    public void release()
    {
        final ByteBuf buf = pending;
        if (buf != null)
        {
            pending = null;
            buf.release();
        }
    }
}
