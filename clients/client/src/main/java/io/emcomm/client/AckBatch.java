package io.emcomm.client;

import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.frame.ProtoWriter;
import io.emcomm.protocol.wire.FrameType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * The automatic DELIVERY_ACKs of one connection. Against a router whose WELCOME offered {@code cumulative_delivery_ack}
 * (protocol.md §7.3, an extension of version 1), one cumulative DELIVERY_ACK{through_delivery_seq} answers every
 * delivery handled since the last one; otherwise one DELIVERY_ACK{journal_index} per delivery, written at the end of
 * each read from the socket ({@code channelReadComplete}) in one buffer.
 *
 * <p>When the WELCOME also states the router's in-flight limit ({@code delivery_inflight}, §7.4) and the client's
 * {@link ClientOptions#ackDelay()} is not zero, the cumulative ack is coalesced across reads, as TCP delays its ACKs: it
 * is written at the end of a read once half of that limit is unacknowledged (so the router never waits for an ack),
 * or when the client writes to the router in that read anyway (it rides in the same system call), and otherwise by a
 * timer at most the delay after the first unacknowledged delivery. At one delivery per read, the usual case below
 * some ten thousand a second, this takes a system call per delivery off the client and a read and a wake-up per
 * delivery off the router's event loop.
 *
 * <p>A cumulative ack covers every DELIVERY numbered up to it, so it may only name deliveries that were all handled:
 * once a handler throws (its delivery must stay unacknowledged, to come again after a reconnect), this connection
 * acknowledges the later ones one by one instead, at the end of each read.
 *
 * <p>Network thread only (one per connection; the timer runs on the connection's event loop); no lock.
 */
final class AckBatch
{
    private static final int INITIAL_BYTES = 256;
    private static final int JOURNAL_INDEX = 1;
    private static final int THROUGH_DELIVERY_SEQ = 2;

    private final Channel channel;
    private final long delayNanos;
    private final Runnable onTimer = this::onTimer;
    private boolean cumulative;
    /** Unacknowledged handled deliveries at which the cumulative ack goes at the end of the read; 1 = every read. */
    private long ackEvery = 1;
    private long through;
    private long sentThrough;
    private boolean timerSet;
    private ByteBuf frames;

    /**
     * @param channel    the connection the acks are written to
     * @param ackDelay   how long a cumulative ack may wait to be coalesced ({@link ClientOptions#ackDelay()})
     */
    AckBatch(final Channel channel, final java.time.Duration ackDelay)
    {
        this.channel = channel;
        this.delayNanos = ackDelay.toNanos();
    }

    /**
     * The router's WELCOME said whether it takes cumulative acks and how many deliveries it keeps unacknowledged
     * ({@code deliveryInflight}, 0 when it does not say: then every read is acknowledged at its end).
     */
    void welcome(final boolean cumulative, final int deliveryInflight)
    {
        this.cumulative = cumulative;
        this.ackEvery = cumulative && delayNanos > 0 && deliveryInflight > 1 ? deliveryInflight / 2 : 1;
    }

    /** A delivery was handled: it is acknowledged at the end of this read or, coalesced, a little later. */
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
            ackEvery = 1;
        }
    }

    /**
     * End of a read: writes (without flushing) the acks that are due: acks by index always, the cumulative one when
     * enough are unacknowledged, when {@code writing} (the caller flushes other frames now) or when no delay applies;
     * otherwise arms the timer once.
     *
     * @param writing whether the caller writes and flushes other frames to the router at the end of this read
     * @return true when something was written that the caller must flush
     */
    boolean endOfRead(final boolean writing)
    {
        final long unacknowledged = through - sentThrough;
        if (unacknowledged > 0)
        {
            if (writing || frames != null || unacknowledged >= ackEvery)
            {
                appendThrough();
            }
            else if (!timerSet)
            {
                timerSet = true;
                channel.eventLoop().schedule(onTimer, delayNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
            }
        }
        final ByteBuf out = frames;
        if (out == null)
        {
            return false;
        }
        frames = null;
        channel.write(out, channel.voidPromise());
        return true;
    }

    /** Drops acks not yet written (the connection closed: the router delivers those again). */
    void discard()
    {
        if (frames != null)
        {
            frames.release();
            frames = null;
        }
        sentThrough = through; // a timer still armed finds nothing to send
    }

    private void onTimer()
    {
        timerSet = false;
        if (through > sentThrough && channel.isActive())
        {
            appendThrough();
            final ByteBuf out = frames;
            frames = null;
            channel.writeAndFlush(out, channel.voidPromise());
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
