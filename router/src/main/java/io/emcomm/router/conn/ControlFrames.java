package io.emcomm.router.conn;

import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.Advertise;
import io.emcomm.protocol.wire.DeliveryAck;
import io.emcomm.protocol.wire.Error;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Heartbeat;
import io.emcomm.protocol.wire.Hello;
import io.emcomm.protocol.wire.PublishNack;
import io.emcomm.protocol.wire.ReplayEnd;
import io.emcomm.protocol.wire.SubscriptionAck;
import io.emcomm.protocol.wire.Welcome;
import io.emcomm.router.sequence.PublishOutcome;
import io.emcomm.router.session.AckBatch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;

/**
 * The router's outbound encoder for control frames (a proxy in Aeron's sense): every WELCOME, SUBSCRIPTION_ACK,
 * HEARTBEAT, ERROR, PUBLISH_NACK, REPLAY_END and GOING_AWAY the router sends, and on a peer link (protocol.md
 * section 14) its HELLO, DELIVERY_ACK and ADVERTISE, is encoded here and nowhere else,
 * so what a frame carries is read in one place against docs/protocol.md. The data frames (DELIVERY, REPLAY_ITEM,
 * PUBLISH_ACK) are written by hand without protobuf objects on the hot path, by
 * {@link io.emcomm.router.delivery.DeliveryFrames}; how a connection is closed after a fatal error is
 * {@link ConnectionCloser}'s business.
 *
 * <p>Methods taking a {@link ChannelHandlerContext} write without flushing: they run in a read batch, which
 * {@link FrameHandler#channelReadComplete} flushes once. Methods taking a {@link Channel} write and flush: they
 * run outside a read batch. All run on the connection's event loop. Buffers come from the channel's allocator
 * and belong to the channel once written.
 */
public final class ControlFrames
{
    private ControlFrames()
    {
    }

    /**
     * Writes the WELCOME that accepts a HELLO (protocol.md section 2, step 3).
     *
     * @param lastOriginSequence the highest origin sequence journaled from this terminal id; 0 if none
     * @param replacedSession    whether an older session of this terminal id was closed for this one (section 11)
     * @param peerLink           whether the HELLO opened a peer link between routers (kind ROUTER, section 14)
     * @param deliveryInflight   ROUTINE/PRIORITY deliveries written and unacknowledged before the router waits for
     *                           acks ({@code emcomm.delivery.inflight}, section 7.4), announced so that a client may
     *                           delay its cumulative acks without stalling the connection
     */
    public static void welcome(final ChannelHandlerContext ctx, final String routerId, final long lastOriginSequence,
        final int maxFrameBytes, final int heartbeatIntervalMs, final boolean replacedSession, final int idleTimeoutMs,
        final int handshakeTimeoutMs, final boolean peerLink, final int deliveryInflight)
    {
        final Welcome welcome = Welcome.newBuilder()
            .setProtocolVersion(Frames.PROTOCOL_VERSION)
            .setRouterId(routerId)
            .setLastOriginSequence(lastOriginSequence)
            .setMaxFrameBytes(maxFrameBytes)
            .setHeartbeatIntervalMs(heartbeatIntervalMs)
            .setReplacedSession(replacedSession)
            .setIdleTimeoutMs(idleTimeoutMs)
            .setHandshakeTimeoutMs(handshakeTimeoutMs)
            .setCumulativeDeliveryAck(true) // DELIVERY frames carry delivery_seq; through_delivery_seq is read (7.3)
            .setPeerLink(peerLink)
            .setDeliveryInflight(deliveryInflight)
            .build();
        ctx.write(Frames.encode(ctx.alloc(), FrameType.WELCOME, welcome), ctx.voidPromise());
    }

    /** Writes the SUBSCRIPTION_ACK that accepts a SUBSCRIBE or UNSUBSCRIBE whole (protocol.md section 6). */
    public static void subscriptionAccepted(final ChannelHandlerContext ctx, final long requestId)
    {
        ctx.write(Frames.encode(ctx.alloc(), FrameType.SUBSCRIPTION_ACK,
            SubscriptionAck.newBuilder().setRequestId(requestId).setOk(true).build()), ctx.voidPromise());
    }

    /**
     * Writes the SUBSCRIPTION_ACK that refuses a SUBSCRIBE or UNSUBSCRIBE whole (protocol.md section 6).
     *
     * @param detail the problem in words (the bad entry, the limit, {@code NOT_AUTHORIZED: ...})
     */
    public static void subscriptionRefused(final ChannelHandlerContext ctx, final long requestId, final String detail)
    {
        ctx.write(Frames.encode(ctx.alloc(), FrameType.SUBSCRIPTION_ACK,
            SubscriptionAck.newBuilder().setRequestId(requestId).setOk(false).setDetail(detail).build()), ctx.voidPromise());
    }

    /** Writes the HEARTBEAT that answers one from the client (protocol.md section 9), stamped with the router's clock. */
    public static void heartbeat(final ChannelHandlerContext ctx, final long sentAtMicros)
    {
        ctx.write(Frames.encode(ctx.alloc(), FrameType.HEARTBEAT,
            Heartbeat.newBuilder().setSentAtMicros(sentAtMicros).build()), ctx.voidPromise());
    }

    /** Writes a non-fatal ERROR about one frame, which was ignored (protocol.md section 10); the session carries on. */
    public static void error(final ChannelHandlerContext ctx, final ErrorCode code, final String message)
    {
        ctx.write(errorFrame(ctx.alloc(), code, message, false), ctx.voidPromise());
    }

    /** Encodes an ERROR frame (protocol.md section 10); the caller writes it and owns it until then. */
    public static ByteBuf errorFrame(final ByteBufAllocator alloc, final ErrorCode code, final String message, final boolean fatal)
    {
        return Frames.encode(alloc, FrameType.ERROR, Error.newBuilder().setCode(code).setMessage(message).setFatal(fatal).build());
    }

    /**
     * Writes (does not flush) a PUBLISH_NACK (protocol.md 4.3) after the acks of the read batch made so far, so the
     * client sees answers in the order the router made them.
     */
    public static void publishNack(final ChannelHandlerContext ctx, final AckBatch acks, final PublishOutcome refusal)
    {
        acks.writeTo(ctx);
        final PublishNack nack = PublishNack.newBuilder().setOrigin(refusal.origin()).setOriginSequence(refusal.sequence())
            .setReason(refusal.reason()).setDetail(refusal.detail()).build();
        ctx.write(Frames.encode(ctx.alloc(), FrameType.PUBLISH_NACK, nack), ctx.voidPromise());
    }

    /**
     * Writes and flushes the REPLAY_END that completes a replay or latest-positions request (protocol.md sections
     * 8.1 and 8.2). Has the shape of {@link io.emcomm.router.replay.ReplayEndWriter}.
     *
     * @param count     REPLAY_ITEMs sent for the request
     * @param lastIndex the journal index of the last of them; 0 if none
     * @param damaged   journal entries in the range skipped because they did not parse; 0 for latest positions
     */
    public static void replayEnd(final Channel channel, final long requestId, final long count, final long lastIndex, final long damaged)
    {
        final ReplayEnd end = ReplayEnd.newBuilder().setRequestId(requestId).setCount(count).setLastIndex(lastIndex)
            .setDamaged(damaged).build();
        channel.writeAndFlush(Frames.encode(channel.alloc(), FrameType.REPLAY_END, end), channel.voidPromise());
    }

    /**
     * Writes (does not flush) the DELIVERY_ACK a router sends on a peer link for what it imported (protocol.md section
     * 14.2): by {@code journalIndex}, or through {@code throughDeliverySeq} (cumulative, section 7.3); 0 leaves a field
     * out.
     */
    public static void deliveryAck(final ChannelHandlerContext ctx, final long journalIndex, final long throughDeliverySeq)
    {
        ctx.write(Frames.encode(ctx.alloc(), FrameType.DELIVERY_ACK, DeliveryAck.newBuilder().setJournalIndex(journalIndex)
            .setThroughDeliverySeq(throughDeliverySeq).build()), ctx.voidPromise());
    }

    /** Writes (does not flush) an ADVERTISE from a child router to its parent (protocol.md section 14.4). */
    public static void advertise(final ChannelHandlerContext ctx, final Advertise advertise)
    {
        ctx.write(Frames.encode(ctx.alloc(), FrameType.ADVERTISE, advertise), ctx.voidPromise());
    }

    /** Writes and flushes the HELLO with which a child router opens its uplink (protocol.md section 14.1). */
    public static void hello(final Channel channel, final Hello hello)
    {
        channel.writeAndFlush(Frames.encode(channel.alloc(), FrameType.HELLO, hello), channel.voidPromise());
    }

    /**
     * Writes and flushes GOING_AWAY (protocol.md section 3, code {@code SHUTTING_DOWN}): the router is shutting
     * down and the connection closes next. Any thread (Netty hands the write to the channel's event loop).
     *
     * @return the write's future, for the caller to close the channel on
     */
    public static ChannelFuture goingAway(final Channel channel, final String message)
    {
        return channel.writeAndFlush(Frames.encode(channel.alloc(), FrameType.GOING_AWAY,
            Error.newBuilder().setCode(ErrorCode.SHUTTING_DOWN).setMessage(message).setFatal(true).build()));
    }
}
