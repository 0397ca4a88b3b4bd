package io.emcomm.router.net;

import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.Error;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.FrameType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;

/** Error frames: how the router tells a peer what it did wrong before (maybe) closing the connection. */
final class ControlFrames
{
    /** How sessions close their connections with an error. */
    static final io.emcomm.router.session.Session.Closer CLOSER = new io.emcomm.router.session.Session.Closer()
    {
        @Override
        public void close(final Channel channel, final ErrorCode code, final String message)
        {
            sendFatal(channel, code, message);
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
}
