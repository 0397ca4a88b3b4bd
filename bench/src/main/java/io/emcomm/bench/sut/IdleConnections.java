package io.emcomm.bench.sut;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Many connections that completed a system's handshake and then sit idle: the connections scenario. They
 * are raw Netty channels rather than client library objects (a jnats or HiveMQ client per connection
 * would measure the client's threads, not the server), opened with a bounded number of handshakes in
 * flight at once.
 */
public final class IdleConnections implements AutoCloseable
{
    private static final int HANDSHAKES_IN_FLIGHT = 128;

    /** What a system needs to see, and answers, before a connection counts as established. */
    interface Handshake
    {
        /** The first bytes the client sends on connection {@code index} (may be null: the server speaks first). */
        ByteBuf hello(ByteBufAllocator alloc, int index);

        /**
         * Whether what arrived so far completes the handshake.
         *
         * @throws IllegalStateException when the server refused the connection.
         */
        boolean complete(ByteBuf received);
    }

    private final List<Channel> channels = new ArrayList<>();

    private IdleConnections()
    {
    }

    static IdleConnections open(final int port, final int count, final Handshake handshake) throws Exception
    {
        final IdleConnections idle = new IdleConnections();
        final Semaphore inFlight = new Semaphore(HANDSHAKES_IN_FLIGHT);
        final List<CompletableFuture<Void>> done = new ArrayList<>(count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                if (!inFlight.tryAcquire(30, TimeUnit.SECONDS))
                {
                    throw new IllegalStateException("handshakes stalled after " + i + " connections");
                }
                final CompletableFuture<Void> established = new CompletableFuture<>();
                established.whenComplete((ok, failure) -> inFlight.release());
                done.add(established);
                final int index = i;
                final ChannelFuture connect = new Bootstrap()
                    .group(ClientLoops.group())
                    .channel(NettyTransport.socketChannel())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<Channel>()
                    {
                        @Override
                        protected void initChannel(final Channel ch)
                        {
                            ch.pipeline().addLast(new HandshakeHandler(handshake, index, established));
                        }
                    })
                    .connect("127.0.0.1", port);
                synchronized (idle.channels)
                {
                    idle.channels.add(connect.channel());
                }
                connect.addListener(f ->
                {
                    if (!f.isSuccess())
                    {
                        established.completeExceptionally(f.cause());
                    }
                });
            }
            CompletableFuture.allOf(done.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
        }
        catch (final Exception ex)
        {
            idle.close();
            throw ex;
        }
        return idle;
    }

    public int count()
    {
        return channels.size();
    }

    /** True when every connection is still open (the server did not drop any while idle). */
    public long stillOpen()
    {
        return channels.stream().filter(Channel::isActive).count();
    }

    @Override
    public void close()
    {
        final List<ChannelFuture> closing = new ArrayList<>();
        synchronized (channels)
        {
            channels.forEach(c -> closing.add(c.close()));
            channels.clear();
        }
        closing.forEach(ChannelFuture::syncUninterruptibly);
    }

    private static final class HandshakeHandler extends ChannelInboundHandlerAdapter
    {
        private final Handshake handshake;
        private final int index;
        private final CompletableFuture<Void> established;
        private ByteBuf received;

        HandshakeHandler(final Handshake handshake, final int index, final CompletableFuture<Void> established)
        {
            this.handshake = handshake;
            this.index = index;
            this.established = established;
        }

        @Override
        public void channelActive(final ChannelHandlerContext ctx)
        {
            final ByteBuf hello = handshake.hello(ctx.alloc(), index);
            if (hello != null)
            {
                ctx.writeAndFlush(hello, ctx.voidPromise());
            }
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            final ByteBuf in = (ByteBuf)msg;
            try
            {
                if (established.isDone())
                {
                    return; // idle from now on: heartbeats and pings are dropped
                }
                if (received == null)
                {
                    received = ctx.alloc().heapBuffer(256);
                }
                received.writeBytes(in);
                if (handshake.complete(received))
                {
                    release();
                    established.complete(null);
                }
            }
            catch (final RuntimeException ex)
            {
                release();
                established.completeExceptionally(ex);
                ctx.close();
            }
            finally
            {
                ReferenceCountUtil.release(in);
            }
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx)
        {
            release();
            established.completeExceptionally(new IllegalStateException("closed by the server during the handshake"));
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            established.completeExceptionally(cause);
            ctx.close();
        }

        private void release()
        {
            if (received != null)
            {
                received.release();
                received = null;
            }
        }
    }
}
