package io.emcomm.client;

import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.frame.ProtoWriter;
import io.emcomm.protocol.wire.FrameType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * The automatic DELIVERY_ACKs of one connection, sent once per read from the socket (at {@code channelReadComplete}):
 * one cumulative DELIVERY_ACK{through_delivery_seq} when the router's WELCOME offered
 * {@code cumulative_delivery_ack} (protocol.md §7, an extension of version 1), otherwise one
 * DELIVERY_ACK{journal_index} per delivery, all written into one buffer and flushed once.
 *
 * <p>A cumulative ack covers every DELIVERY numbered up to it, so it may only name deliveries that were all handled:
 * once a handler throws (its delivery must stay unacknowledged, to come again after a reconnect), this connection
 * acknowledges the later ones one by one instead.
 *
 * <p>Network thread only (one per connection); no lock.
 */
final class AckBatch
{
    private static final int INITIAL_BYTES = 256;
    private static final int JOURNAL_INDEX = 1;
    private static final int THROUGH_DELIVERY_SEQ = 2;

    private final Channel channel;
    private boolean cumulative;
    private long through;
    private long sentThrough;
    private ByteBuf frames;

    AckBatch(final Channel channel)
    {
        this.channel = channel;
    }

    /** The router's WELCOME said whether it takes cumulative acks. */
    void cumulative(final boolean cumulative)
    {
        this.cumulative = cumulative;
    }

    /** True while acks are cumulative on this connection. */
    boolean isCumulative()
    {
        return cumulative;
    }

    /** A delivery was handled: it is acknowledged with the next {@link #flush}. */
    void handled(final long journalIndex, final long deliverySeq)
    {
        if (cumulative && deliverySeq > 0)
        {
            through = deliverySeq;
        }
        else
        {
            append(JOURNAL_INDEX, journalIndex);
        }
    }

    /** A delivery was not handled: no cumulative ack may pass it; later ones are acknowledged one by one. */
    void notHandled()
    {
        if (cumulative)
        {
            appendThrough();
            cumulative = false;
        }
    }

    /** Writes the acks of this read batch in one flush; nothing when there are none. */
    void flush()
    {
        appendThrough();
        final ByteBuf out = frames;
        if (out != null)
        {
            frames = null;
            channel.writeAndFlush(out, channel.voidPromise());
        }
    }

    /** Drops acks not yet written (the connection closed: the router delivers those again). */
    void discard()
    {
        if (frames != null)
        {
            frames.release();
            frames = null;
        }
    }

    private void appendThrough()
    {
        if (through > sentThrough)
        {
            append(THROUGH_DELIVERY_SEQ, through);
            sentThrough = through;
        }
    }

    private void append(final int field, final long value)
    {
        final int size = ProtoWriter.varintFieldSize(field, value);
        ByteBuf out = frames;
        if (out == null)
        {
            out = channel.alloc().ioBuffer(INITIAL_BYTES);
            frames = out;
        }
        Frames.writeHeader(out, FrameType.DELIVERY_ACK, size);
        ProtoWriter.writeVarintField(out, field, value);
    }
}
