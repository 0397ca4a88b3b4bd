package io.emcomm.client;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emcomm.protocol.frame.FrameDecoder;
import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.Error;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Heartbeat;
import io.emcomm.protocol.wire.PublishNack;
import io.emcomm.protocol.wire.ReplayEnd;
import io.emcomm.protocol.wire.SubscriptionAck;
import io.emcomm.protocol.wire.Welcome;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The last handler of a client connection (an adapter in Aeron's sense): decodes router frames and calls the
 * {@code on*} methods of the part each belongs to: session state to the {@link ClientConductor}, deliveries and
 * replays to the {@link DeliveryDispatch}, what the connection's life depends on to the
 * {@link ConnectionSupervisor}. It applies the WELCOME's limits to its own pipeline (frame decoder, idle timer)
 * and says HELLO and HEARTBEAT through the connection's {@link RouterProxy}.
 *
 * <p>Runs on the network thread; one per connection. Owns each inbound frame and releases it.
 */
final class ClientHandler extends ChannelDuplexHandler
{
    private final ClientOptions options;
    /** The router of the list this connection goes to. */
    private final InetSocketAddress router;
    private final ClientClock clock;
    private final ClientConductor conductor;
    private final DeliveryDispatch deliveries;
    private final ConnectionSupervisor supervisor;
    private RouterProxy link;
    private AckBatch acks;
    private final DeliveryView view = new DeliveryView();
    private long readerIdleMillis;
    private Throwable cause;

    ClientHandler(final ClientOptions options, final InetSocketAddress router, final ClientClock clock,
        final ClientConductor conductor, final DeliveryDispatch deliveries, final ConnectionSupervisor supervisor)
    {
        this.options = options;
        this.router = router;
        this.clock = clock;
        this.conductor = conductor;
        this.deliveries = deliveries;
        this.supervisor = supervisor;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx)
    {
        link = new RouterProxy(ctx.channel(), router);
        acks = new AckBatch(ctx.channel(), options.ackDelay());
        if (conductor.onActive(link))
        {
            link.hello(options);
        }
        else
        {
            ctx.close();
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        final ByteBuf frame = (ByteBuf)msg;
        try
        {
            onFrame(ctx, frame);
        }
        catch (final InvalidProtocolBufferException ex)
        {
            closeWith(ctx, new EmcommException("router sent a malformed frame: " + ex.getMessage(), ex));
        }
        finally
        {
            frame.release();
        }
    }

    /** The acks due at the end of this read (AckBatch) go out in one flush with the offers made while handling it. */
    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx)
    {
        // the acks due are written first, so that offers a handler made in this read carry them in one flush
        final boolean acksWritten = acks != null && acks.endOfRead(conductor.offeredInThisRead());
        conductor.onReadComplete();
        if (acksWritten)
        {
            ctx.flush(); // nothing left to write when the conductor flushed them along with its offers
        }
        ctx.fireChannelReadComplete();
    }

    private void onFrame(final ChannelHandlerContext ctx, final ByteBuf frame) throws InvalidProtocolBufferException
    {
        final FrameType type = Frames.typeOf(frame);
        // The hot frames are read in place, without a generated message.
        if (type == FrameType.DELIVERY)
        {
            deliveries.onDelivery(ctx.channel(), frame, frame.readerIndex() + Frames.TYPE_BYTES,
                frame.readableBytes() - Frames.TYPE_BYTES, view, acks);
            return;
        }
        if (type == FrameType.REPLAY_ITEM)
        {
            deliveries.onReplayItem(ctx.channel(), frame, frame.readerIndex() + Frames.TYPE_BYTES,
                frame.readableBytes() - Frames.TYPE_BYTES, view);
            return;
        }
        if (type == FrameType.PUBLISH_ACK)
        {
            conductor.onPublishAck(frame, frame.readerIndex() + Frames.TYPE_BYTES, frame.readableBytes() - Frames.TYPE_BYTES);
            return;
        }
        final ByteBuffer payload = frame.nioBuffer(frame.readerIndex() + Frames.TYPE_BYTES,
            frame.readableBytes() - Frames.TYPE_BYTES);
        if (type == null)
        {
            return; // a newer router's frame type: ignoring it keeps old clients working
        }
        switch (type)
        {
            case WELCOME -> onWelcome(ctx, Welcome.parseFrom(payload));
            case PUBLISH_NACK -> conductor.onPublishNack(PublishNack.parseFrom(payload));
            case SUBSCRIPTION_ACK -> conductor.onSubscriptionAck(SubscriptionAck.parseFrom(payload));
            case REPLAY_END -> deliveries.onReplayEnd(ReplayEnd.parseFrom(payload));
            case ERROR -> onError(ctx, Error.parseFrom(payload));
            case GOING_AWAY -> closeWith(ctx, new EmcommException("router going away: " +
                Error.parseFrom(payload).getMessage(), io.emcomm.protocol.wire.ErrorCode.SHUTTING_DOWN, null));
            case HEARTBEAT -> Heartbeat.parseFrom(payload); // its arrival already reset the idle timer
            default ->
            {
                // client-to-router frame types are never sent by a router; ignore rather than fail
            }
        }
    }

    /**
     * Frames from the router may now be up to {@code max_frame_bytes + 128} (protocol.md §1), and three silent
     * heartbeat intervals mean it is gone; then the conductor resends and renews, and the supervisor is told.
     */
    private void onWelcome(final ChannelHandlerContext ctx, final Welcome welcome)
    {
        final FrameDecoder decoder = ctx.pipeline().get(FrameDecoder.class);
        if (decoder != null)
        {
            decoder.maxFrameBytes(LinkLimits.maxInboundFrameBytes(welcome));
        }
        if (welcome.getHeartbeatIntervalMs() > 0)
        {
            final long interval = welcome.getHeartbeatIntervalMs();
            readerIdleMillis = LinkLimits.SILENT_INTERVALS * interval;
            ctx.pipeline().replace("idle", "idle", new IdleStateHandler(readerIdleMillis, interval, 0, TimeUnit.MILLISECONDS));
        }
        acks.welcome(welcome.getCumulativeDeliveryAck(), welcome.getDeliveryInflight());
        if (conductor.onWelcome(link, welcome))
        {
            supervisor.onWelcome(router);
        }
    }

    private void onError(final ChannelHandlerContext ctx, final Error error)
    {
        if (error.getFatal())
        {
            final EmcommException ex = error.getCode() == io.emcomm.protocol.wire.ErrorCode.SESSION_REPLACED ?
                new SessionReplacedException(error.getMessage()) :
                new EmcommException("router error " + error.getCode() + ": " + error.getMessage(), error.getCode(), null);
            cause = ex;
            supervisor.onFatalError(error);
            ctx.close();
        }
        else
        {
            conductor.onError(error);
            deliveries.onError(error);
        }
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
    {
        if (evt instanceof SslHandshakeCompletionEvent tls)
        {
            if (!tls.isSuccess())
            {
                // A handshake timeout arrives only as this event, not as an exception.
                final EmcommException explained = LinkFailure.tls(tls.cause(), RouterAddresses.describe(router), options.tlsCertificate() != null);
                closeWith(ctx, explained != null ? explained : tls.cause());
            }
            ctx.fireUserEventTriggered(evt);
            return;
        }
        if (evt instanceof IdleStateEvent idle)
        {
            if (idle.state() == IdleState.WRITER_IDLE)
            {
                if (link != null)
                {
                    link.heartbeat(clock.epochMicros());
                }
            }
            else if (idle.state() == IdleState.READER_IDLE)
            {
                closeWith(ctx, new EmcommException("router silent for " + readerIdleMillis + " ms"));
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable ex)
    {
        final EmcommException tls = LinkFailure.tls(ex, RouterAddresses.describe(router), options.tlsCertificate() != null);
        if (tls != null)
        {
            closeWith(ctx, tls);
        }
        else if (ex instanceof TooLongFrameException tooLong)
        {
            closeWith(ctx, new EmcommException("the router sent a frame longer than its WELCOME allows: " + tooLong.getMessage(), tooLong));
        }
        else
        {
            closeWith(ctx, ex);
        }
    }

    /**
     * A close asked for by this side (the user's {@code close()}, a reconnect, a protocol failure) first writes the
     * coalesced ack still waiting and flushes what was written and not yet flushed (a listener's acks by index), so
     * that what was handled is not delivered again next session.
     */
    @Override
    public void close(final ChannelHandlerContext ctx, final ChannelPromise promise)
    {
        if (ctx.channel().isActive())
        {
            if (acks != null)
            {
                acks.endOfRead(true);
            }
            ctx.flush();
        }
        ctx.close(promise);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        if (acks != null)
        {
            acks.discard();
        }
        supervisor.onDisconnect(link, cause);
        ctx.fireChannelInactive();
    }

    private void closeWith(final ChannelHandlerContext ctx, final Throwable why)
    {
        if (cause == null)
        {
            cause = why;
        }
        ctx.close();
    }
}
