package io.emcomm.router.session;

import io.emcomm.protocol.wire.PublishAck;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * {@link AckBatch} under group commit: a batch's acks stay out of the channel until the index they wait for is
 * durable, come out oldest first, and a duplicate's ack waits for its original's index. The channel is an embedded one
 * standing in for the connection; durability is told by hand.
 */
class HeldAcksTest
{
    private static final byte[] ORIGIN = "van-1".getBytes(StandardCharsets.US_ASCII);

    @Test
    void heldAcksLeaveOnlyOnceDurableInTheirOrder() throws Exception
    {
        final List<Long> waitedFor = new ArrayList<>();
        final AckBatch acks = new AckBatch(() -> { }, waitedFor::add);
        final EmbeddedChannel ch = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        final ChannelHandlerContext ctx = ch.pipeline().firstContext();

        acks.ack(ctx, ORIGIN, 1, 10, false, 0, null, 0);
        acks.writeAtBatchEnd(ctx); // group commit: the batch's end leaves them for hold
        assertNull(ch.readOutbound());
        assertEquals(10, acks.hold(10));

        acks.ack(ctx, ORIGIN, 2, 11, false, 0, null, 0);
        acks.ack(ctx, ORIGIN, 1, 40, true, 0, null, 0); // a duplicate whose original another loop appended at 40
        assertEquals(40, acks.hold(11), "the duplicate's ack waits for its original");

        assertEquals(true, acks.writeDurable(ctx, 9));
        ch.flush();
        assertNull(ch.readOutbound(), "nothing is durable yet");

        assertEquals(true, acks.writeDurable(ctx, 39));
        ch.flush();
        assertEquals(List.of(10L), indexes(ch));

        assertEquals(false, acks.writeDurable(ctx, 40));
        ch.flush();
        assertEquals(List.of(11L, 40L), indexes(ch));
        ch.finishAndReleaseAll();
    }

    @Test
    void aFrameAnsweredMidBatchWaitsForTheHeldAcksAndGoesOutAfterThem() throws Exception
    {
        final List<Long> waitedFor = new ArrayList<>();
        final AckBatch acks = new AckBatch(() -> { }, waitedFor::add);
        final EmbeddedChannel ch = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        final ChannelHandlerContext ctx = ch.pipeline().firstContext();

        acks.ack(ctx, ORIGIN, 1, 10, false, 0, null, 0);
        acks.hold(10);
        acks.ack(ctx, ORIGIN, 2, 12, false, 0, null, 0);
        acks.writeTo(ctx); // a HEARTBEAT in the next batch: its answer goes out after every ack made before it
        ch.flush();
        assertEquals(List.of(12L), waitedFor, "it waited for the highest index the acks acknowledge");
        assertEquals(List.of(10L, 12L), indexes(ch));
        ch.finishAndReleaseAll();
    }

    /** The journal indexes of the PUBLISH_ACKs written so far, in order. */
    private static List<Long> indexes(final EmbeddedChannel ch) throws Exception
    {
        final List<Long> out = new ArrayList<>();
        for (ByteBuf buf = ch.readOutbound(); buf != null; buf = ch.readOutbound())
        {
            while (buf.readableBytes() > 5)
            {
                final int length = buf.readInt();
                buf.readByte(); // type
                final byte[] payload = new byte[length - 1];
                buf.readBytes(payload);
                out.add(PublishAck.parseFrom(payload).getJournalIndex());
            }
            buf.release();
        }
        return out;
    }
}
