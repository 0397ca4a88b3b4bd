package io.emcomm.cli.demo;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The county's uplink in {@code emcomm demo --federation}: a loopback TCP relay in front of the city router that
 * the scenario switches off (the fibre is cut: every connection through it is closed, new ones are closed as
 * soon as they arrive) and on again. It counts the bytes that crossed each way for the progress lines. The tests'
 * {@code io.emcomm.testing.TcpRelay} can also stall a link; it is test support and does not ship in the launcher.
 *
 * <p>One Netty event loop relays; {@link #cut()} and {@link #restore()} may be called from any thread.
 */
final class LinkSwitch implements AutoCloseable
{
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final Set<Channel> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong up = new AtomicLong();
    private final AtomicLong down = new AtomicLong();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final int targetPort;
    private volatile boolean cut;

    LinkSwitch(final int targetPort)
    {
        this.targetPort = targetPort;
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
            .childOption(ChannelOption.AUTO_READ, false)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel client)
                {
                    if (cut)
                    {
                        client.close();
                        refusedOne();
                        return;
                    }
                    connections.incrementAndGet();
                    open.add(client);
                    client.closeFuture().addListener(f -> open.remove(client));
                    dial(client);
                }
            })
            .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
    }

    /** The port the county dials. */
    int port()
    {
        return ((InetSocketAddress)server.localAddress()).getPort();
    }

    /** The link goes down: every connection through it closes, and new ones close at once until {@link #restore()}. */
    void cut()
    {
        cut = true;
        // Wait for the closes: the scenario publishes right after the cut, and nothing may cross a cut link (a close
        // left queued on the relay's loop let the first message of the cut through). Not on the relay's own loop.
        for (final Channel channel : open)
        {
            channel.close().syncUninterruptibly();
        }
    }

    /** The link is back: connections go through again. */
    void restore()
    {
        cut = false;
    }

    /** Bytes relayed county to city. */
    long bytesUp()
    {
        return up.get();
    }

    /** Bytes relayed city to county. */
    long bytesDown()
    {
        return down.get();
    }

    /** The county's dials closed at once because the link was cut. */
    int refused()
    {
        return refused.get();
    }

    /**
     * Waits until {@code count} more of the county's dials have been refused by the cut (it noticed the link is down and
     * keeps redialling with backoff); false when that has not happened within {@code timeoutMs}.
     */
    synchronized boolean awaitRefusedDials(final int count, final long timeoutMs) throws InterruptedException
    {
        final int target = refused.get() + count;
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (refused.get() < target)
        {
            final long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (leftMs <= 0)
            {
                return false;
            }
            wait(leftMs);
        }
        return true;
    }

    private synchronized void refusedOne()
    {
        refused.incrementAndGet();
        notifyAll();
    }

    /** Connections relayed so far: 1 + the county's redials that got through. */
    int connections()
    {
        return connections.get();
    }

    @Override
    public void close()
    {
        cut();
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private void dial(final Channel client)
    {
        new Bootstrap().group(client.eventLoop()).channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(new Pipe(client, down))
            .connect(new InetSocketAddress("127.0.0.1", targetPort))
            .addListener((ChannelFutureListener)f ->
            {
                if (!f.isSuccess() || cut)
                {
                    f.channel().close();
                    client.close();
                    return;
                }
                final Channel target = f.channel();
                open.add(target);
                target.closeFuture().addListener(c -> open.remove(target));
                client.pipeline().addLast(new Pipe(target, up));
                client.config().setAutoRead(true);
            });
    }

    /**
     * Writes what one side reads to the other and counts it, and drops it once the link is cut; a close on either
     * side closes both.
     */
    private final class Pipe extends ChannelInboundHandlerAdapter
    {
        private final Channel other;
        private final AtomicLong counter;

        Pipe(final Channel other, final AtomicLong counter)
        {
            this.other = other;
            this.counter = counter;
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            if (cut)
            {
                ((ByteBuf)msg).release(); // the fibre is cut: read before the close, it does not cross
                return;
            }
            counter.addAndGet(((ByteBuf)msg).readableBytes());
            other.writeAndFlush(msg);
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx)
        {
            other.close();
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            ctx.close();
        }
    }
}
