package io.emcomm.router.net;

import io.emcomm.protocol.wire.PublishNack;
import io.emcomm.router.sequence.PublishOutcome;
import io.emcomm.router.session.AckBatch;

import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.Error;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.FrameType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;

import java.util.concurrent.TimeUnit;

/** Error frames: how the router tells a peer what it did wrong before (maybe) closing the connection. */
final class ControlFrames
{
    /** How sessions close their connections with an error. */
    static final io.emcomm.router.session.Session.Closer CLOSER = new io.emcomm.router.session.Session.Closer()
    {
        @Override
        public void close(final Channel channel, final ErrorCode code, final String message)
        {
            sendFatalAndLinger(channel, code, message);
        }

        @Override
        public void closeNow(final Channel channel, final ErrorCode code, final String message)
        {
            channel.writeAndFlush(error(channel.alloc(), code, message, true), channel.voidPromise());
            channel.close();
        }
    };

    private ControlFrames()
    {
    }

    static ByteBuf error(final ByteBufAllocator alloc, final ErrorCode code, final String message, final boolean fatal)
    {
        return Frames.encode(alloc, FrameType.ERROR,
            Error.newBuilder().setCode(code).setMessage(message).setFatal(fatal).build());
    }

    /** Writes a non-fatal error; the connection carries on. */
    static void sendError(final Channel channel, final ErrorCode code, final String message)
    {
        channel.writeAndFlush(error(channel.alloc(), code, message, false), channel.voidPromise());
    }

    /**
     * How long a connection told a fatal error by {@link #sendFatalAndLinger} stays half-closed, waiting for its
     * client to read up to the ERROR and close (protocol.md section 3).
     */
    static final long LINGER_MS = 10_000;

    /**
     * Writes a fatal error, then half-closes: the peer reads everything written before it, the ERROR, then the
     * end of the stream. Whatever the peer still sends is read and dropped until it closes, or for
     * {@link #LINGER_MS} at most. Why not close at once: a busy client (a replaced session reading a backlog)
     * keeps sending acknowledgements; a socket closed with unread input answers them with a reset, and the
     * client's kernel then throws away what the client had not read yet, the ERROR with it. The client saw a
     * reset, reconnected and took its terminal back from the newer login.
     */
    static void sendFatalAndLinger(final Channel channel, final ErrorCode code, final String message)
    {
        if (!channel.isActive() || !(channel instanceof DuplexChannel duplex))
        {
            sendFatal(channel, code, message);
            return;
        }
        channel.writeAndFlush(error(channel.alloc(), code, message, true)).addListener(written ->
        {
            if (!written.isSuccess() || !channel.isActive())
            {
                channel.close();
                return;
            }
            channel.pipeline().addFirst(new Discarding());
            duplex.shutdownOutput();
            channel.eventLoop().schedule(() -> channel.close(), LINGER_MS, TimeUnit.MILLISECONDS);
        });
    }

    /**
     * First in the pipeline of a connection that has been told a fatal error: drops what the peer still sends
     * and the failures of writes that were on their way, so that nothing else answers; closes when the peer
     * closes its side. Event loop of the connection.
     */
    private static final class Discarding extends ChannelInboundHandlerAdapter
    {
        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
        {
            if (evt instanceof ChannelInputShutdownEvent)
            {
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            // the connection is ending and the peer has been told why: nothing more to say
        }
    }

    /** Writes a fatal error and closes the connection once it is written (or fails to be). */
    static void sendFatal(final Channel channel, final ErrorCode code, final String message)
    {
        if (channel.isActive())
        {
            channel.writeAndFlush(error(channel.alloc(), code, message, true)).addListener(ChannelFutureListener.CLOSE);
        }
        else
        {
            channel.close();
        }
    }

    /**
     * Writes (does not flush) a PUBLISH_NACK (protocol.md 4.3) after the acks of the read batch made so far, so the
     * client sees answers in the order the router made them. Event loop of the session.
     */
    static void publishNack(final ChannelHandlerContext ctx, final AckBatch acks, final PublishOutcome refusal)
    {
        acks.writeTo(ctx);
        final PublishNack nack = PublishNack.newBuilder().setOrigin(refusal.origin()).setOriginSequence(refusal.sequence())
            .setReason(refusal.reason()).setDetail(refusal.detail()).build();
        ctx.write(Frames.encode(ctx.alloc(), FrameType.PUBLISH_NACK, nack), ctx.voidPromise());
    }
}
