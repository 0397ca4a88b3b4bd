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

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Many connections that completed a system's handshake and then sit idle: the connections scenario. They
 * are raw Netty channels rather than client library objects (a jnats or HiveMQ client per connection
 * would measure the client's threads, not the server), opened with a bounded number of handshakes in
 * flight at once, on the harness's shared event loops ({@link ClientLoops}).
 *
 * <p>One loopback source address offers about 28,000 ephemeral ports (ip_local_port_range 32768-60999), so
 * the connections are spread over {@code 127.0.0.1}, {@code 127.0.0.2}, ... ({@link Plan#perSourceAddress} each):
 * every client socket binds its source address before it connects (with IP_BIND_ADDRESS_NO_PORT under epoll).
 * Linux routes all of 127.0.0.0/8 to the loopback device, so no address needs configuring.
 */
public final class IdleConnections implements AutoCloseable
{
    private static final int HANDSHAKES_IN_FLIGHT = 128;
    /** How often progress is printed while connecting. */
    private static final int PROGRESS_EVERY = 10_000;

    /**
     * How many connections to open and how.
     *
     * @param count            connections to open.
     * @param perSourceAddress connections per loopback source address (at most ~28,000 fit in the ephemeral range).
     * @param progress         where a line goes every 10,000 established connections, or null for none.
     */
    public record Plan(int count, int perSourceAddress, PrintStream progress)
    {
        /** Connections per source address when none is given: leaves room in the ephemeral range for other sockets. */
        public static final int DEFAULT_PER_SOURCE_ADDRESS = 25_000;

        /** Checks the counts: {@code count >= 0}, {@code perSourceAddress > 0}, else IllegalArgumentException. */
        public Plan
        {
            if (count < 0 || perSourceAddress <= 0)
            {
                throw new IllegalArgumentException("count " + count + ", per source address " + perSourceAddress);
            }
        }

        /** {@code count} connections, 25,000 per source address, no progress lines. */
        public static Plan of(final int count)
        {
            return new Plan(count, DEFAULT_PER_SOURCE_ADDRESS, null);
        }

        /** Source addresses used: 127.0.0.1 up to 127.0.0.{@code sourceAddresses()}. */
        public int sourceAddresses()
        {
            return Math.max(1, (count + perSourceAddress - 1) / perSourceAddress);
        }

        /** Loopback source address of connection {@code index}: filled one address after the other. */
        InetSocketAddress sourceOf(final int index)
        {
            final int a = index / perSourceAddress + 1;
            if (a > 254)
            {
                throw new IllegalArgumentException("more than 254 source addresses: " + a);
            }
            final byte[] ip = {127, 0, 0, (byte)a};
            try
            {
                return new InetSocketAddress(InetAddress.getByAddress(ip), 0);
            }
            catch (final UnknownHostException impossible)
            {
                throw new IllegalStateException(impossible);
            }
        }
    }

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
    private final int sourceAddresses;

    private IdleConnections(final int sourceAddresses)
    {
        this.sourceAddresses = sourceAddresses;
    }

    static IdleConnections open(final int port, final Plan plan, final Handshake handshake) throws Exception
    {
        final IdleConnections idle = new IdleConnections(plan.sourceAddresses());
        final Semaphore inFlight = new Semaphore(HANDSHAKES_IN_FLIGHT);
        final AtomicInteger established = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        final long start = System.nanoTime();
        // one Bootstrap for all: the handler is chosen per channel in the initializer, the rest is shared
        final Bootstrap bootstrap = new Bootstrap()
            .group(ClientLoops.group())
            .channel(NettyTransport.socketChannel())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_REUSEADDR, true);
        if (io.netty.channel.epoll.Epoll.isAvailable())
        {
            // the port is chosen at connect by the 4-tuple, not at bind by a scan of every port bound to the address:
            // without it each bind takes longer as the address fills, and 25,000 per address take minutes
            bootstrap.option(io.netty.channel.epoll.EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
        }
        try
        {
            for (int i = 0; i < plan.count(); i++)
            {
                if (!inFlight.tryAcquire(30, TimeUnit.SECONDS))
                {
                    throw new IllegalStateException("handshakes stalled after " + established.get() + " connections");
                }
                final Throwable failed = failure.get();
                if (failed != null)
                {
                    throw new IllegalStateException("connection failed after " + established.get() + " established: "
                        + failed, failed);
                }
                final int index = i;
                final Runnable done = () ->
                {
                    final int n = established.incrementAndGet();
                    inFlight.release();
                    if (plan.progress() != null && n % PROGRESS_EVERY == 0)
                    {
                        plan.progress().printf(Locale.ROOT, "  %,d connections established in %.1f s%n", n,
                            (System.nanoTime() - start) / 1e9);
                    }
                };
                final java.util.function.Consumer<Throwable> fail = cause ->
                {
                    failure.compareAndSet(null, cause);
                    inFlight.release();
                };
                final ChannelFuture connect = bootstrap.clone()
                    .handler(new ChannelInitializer<Channel>()
                    {
                        @Override
                        protected void initChannel(final Channel ch)
                        {
                            ch.pipeline().addLast(new HandshakeHandler(handshake, index, done, fail));
                        }
                    })
                    .connect(server, plan.sourceOf(i));
                synchronized (idle.channels)
                {
                    idle.channels.add(connect.channel());
                }
                connect.addListener(f ->
                {
                    if (!f.isSuccess())
                    {
                        fail.accept(f.cause());
                    }
                });
            }
            // every permit back: every handshake finished, one way or the other
            if (!inFlight.tryAcquire(HANDSHAKES_IN_FLIGHT, 60, TimeUnit.SECONDS))
            {
                throw new IllegalStateException("handshakes stalled after " + established.get() + " connections");
            }
            final Throwable failed = failure.get();
            if (failed != null)
            {
                throw new IllegalStateException("connection failed after " + established.get() + " established: "
                    + failed, failed);
            }
        }
        catch (final Exception ex)
        {
            idle.close();
            throw ex;
        }
        return idle;
    }

    /** Loopback source addresses the connections were spread over. */
    public int sourceAddresses()
    {
        return sourceAddresses;
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
        private final Runnable established;
        private final java.util.function.Consumer<Throwable> failed;
        private boolean done;
        private ByteBuf received;

        HandshakeHandler(final Handshake handshake, final int index, final Runnable established,
            final java.util.function.Consumer<Throwable> failed)
        {
            this.handshake = handshake;
            this.index = index;
            this.established = established;
            this.failed = failed;
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
                if (done)
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
                    finish(null);
                }
            }
            catch (final RuntimeException ex)
            {
                release();
                finish(ex);
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
            finish(new IllegalStateException("closed by the server during the handshake"));
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            finish(cause);
            ctx.close();
        }

        /** Reports the handshake's end once (a close after it, or a second error, is not reported). */
        private void finish(final Throwable cause)
        {
            if (done)
            {
                return;
            }
            done = true;
            if (cause == null)
            {
                established.run();
            }
            else
            {
                failed.accept(cause);
            }
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
