package io.emcomm.router.conn;

import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.router.session.Session;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;

import java.util.concurrent.TimeUnit;

/**
 * How the router ends a connection after a fatal ERROR (protocol.md section 10): at once, once the ERROR is
 * written, or half-closed with a linger so that a busy peer still reads the ERROR (section 11). The ERROR
 * itself is encoded by {@link ControlFrames}. Stateless; {@link #INSTANCE} is what sessions are given to close
 * themselves with ({@link Session.Closer}). Any method may be called on the channel's event loop; {@link #closeNow}
 * from any thread.
 */
public final class ConnectionCloser implements Session.Closer
{
    /** The one instance: the closer holds no state. */
    public static final ConnectionCloser INSTANCE = new ConnectionCloser();

    /**
     * How long a connection told a fatal error by {@link #sendFatalAndLinger} stays half-closed, waiting for its
     * client to read up to the ERROR and close (protocol.md section 11).
     */
    public static final long LINGER_MS = 10_000;

    private ConnectionCloser()
    {
    }

    /** Sends a fatal error and closes with a linger ({@link #sendFatalAndLinger}): how a replaced session ends. */
    @Override
    public void close(final Channel channel, final ErrorCode code, final String message)
    {
        sendFatalAndLinger(channel, code, message);
    }

    /**
     * Writes a fatal error if the socket takes it and closes at once, without waiting for the write: for a peer
     * that does not read (slow consumer), a TLS handshake that never finished, or a connection over the limit.
     */
    @Override
    public void closeNow(final Channel channel, final ErrorCode code, final String message)
    {
        channel.writeAndFlush(ControlFrames.errorFrame(channel.alloc(), code, message, true), channel.voidPromise());
        channel.close();
    }

    /** Writes a fatal error and closes the connection once it is written (or fails to be). */
    public static void sendFatal(final Channel channel, final ErrorCode code, final String message)
    {
        if (channel.isActive())
        {
            channel.writeAndFlush(ControlFrames.errorFrame(channel.alloc(), code, message, true))
                .addListener(ChannelFutureListener.CLOSE);
        }
        else
        {
            channel.close();
        }
    }

    /**
     * Writes a fatal error, then half-closes: the peer reads everything written before it, the ERROR, then the
     * end of the stream. Whatever the peer still sends is read and dropped until it closes, or for
     * {@link #LINGER_MS} at most. Why not close at once: a busy client (a replaced session reading a backlog)
     * keeps sending acknowledgements; a socket closed with unread input answers them with a reset, and the
     * client's kernel then throws away what the client had not read yet, the ERROR with it. The client saw a
     * reset, reconnected and took its terminal back from the newer login.
     */
    public static void sendFatalAndLinger(final Channel channel, final ErrorCode code, final String message)
    {
        if (!channel.isActive() || !(channel instanceof DuplexChannel duplex))
        {
            sendFatal(channel, code, message);
            return;
        }
        channel.writeAndFlush(ControlFrames.errorFrame(channel.alloc(), code, message, true)).addListener(written ->
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
}
