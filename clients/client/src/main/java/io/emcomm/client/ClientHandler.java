package io.emcomm.client;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Error;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Heartbeat;
import io.emcomm.protocol.wire.PublishAck;
import io.emcomm.protocol.wire.PublishNack;
import io.emcomm.protocol.wire.ReplayEnd;
import io.emcomm.protocol.wire.SubscriptionAck;
import io.emcomm.protocol.wire.Welcome;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;

import java.nio.ByteBuffer;

/**
 * The last handler of a client connection: decodes router frames and hands them to the session's
 * {@code on*} methods. Runs on the network thread. Owns each inbound frame and releases it.
 */
final class ClientHandler extends ChannelInboundHandlerAdapter
{
    private final ClientSession session;
    private Throwable cause;

    ClientHandler(final ClientSession session)
    {
        this.session = session;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx)
    {
        if (session.onActive(ctx.channel()))
        {
            ctx.writeAndFlush(Frames.encode(ctx.alloc(), FrameType.HELLO, session.hello()));
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

    private void onFrame(final ChannelHandlerContext ctx, final ByteBuf frame) throws InvalidProtocolBufferException
    {
        final FrameType type = Frames.typeOf(frame);
        final ByteBuffer payload = frame.nioBuffer(frame.readerIndex() + Frames.TYPE_BYTES,
            frame.readableBytes() - Frames.TYPE_BYTES);
        if (type == null)
        {
            return; // a newer router's frame type: ignoring it keeps old clients working
        }
        switch (type)
        {
            case WELCOME -> session.onWelcome(ctx.channel(), Welcome.parseFrom(payload));
            case PUBLISH_ACK -> session.onPublishAck(PublishAck.parseFrom(payload));
            case PUBLISH_NACK -> session.onPublishNack(PublishNack.parseFrom(payload));
            case SUBSCRIPTION_ACK -> session.onSubscriptionAck(SubscriptionAck.parseFrom(payload));
            case DELIVERY -> session.onDelivery(ctx.channel(), Delivery.parseFrom(payload));
            case REPLAY_ITEM -> session.onReplayItem(ctx.channel(), Delivery.parseFrom(payload));
            case REPLAY_END -> session.onReplayEnd(ReplayEnd.parseFrom(payload));
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

    private void onError(final ChannelHandlerContext ctx, final Error error)
    {
        if (error.getFatal())
        {
            final EmcommException ex = error.getCode() == io.emcomm.protocol.wire.ErrorCode.SESSION_REPLACED ?
                new SessionReplacedException(error.getMessage()) :
                new EmcommException("router error " + error.getCode() + ": " + error.getMessage(), error.getCode(), null);
            cause = ex;
            session.onFatalError(error);
            ctx.close();
        }
        else
        {
            session.onError(error);
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
                final EmcommException explained = LinkFailure.tls(tls.cause(), session.routerAddress(), session.hasClientCertificate());
                closeWith(ctx, explained != null ? explained : tls.cause());
            }
            ctx.fireUserEventTriggered(evt);
            return;
        }
        if (evt instanceof IdleStateEvent idle)
        {
            if (idle.state() == IdleState.WRITER_IDLE)
            {
                ctx.writeAndFlush(Frames.encode(ctx.alloc(), FrameType.HEARTBEAT,
                    Heartbeat.newBuilder().setSentAtMicros(ClientSession.nowMicros()).build()));
            }
            else if (idle.state() == IdleState.READER_IDLE)
            {
                closeWith(ctx, new EmcommException("router silent for " + session.readerIdleMillis() + " ms"));
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable ex)
    {
        final EmcommException tls = LinkFailure.tls(ex, session.routerAddress(), session.hasClientCertificate());
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

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        session.onDisconnect(ctx.channel(), cause);
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
