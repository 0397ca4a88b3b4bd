package io.emcomm.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * A loopback TCP relay between a listening port and a target port, that a test can break the way narrow links
 * break: {@link #cut()} (the link goes down: every relayed connection is closed and new ones are closed as soon
 * as they are accepted), {@link #stall()} (the link goes silent: connections stay open, nothing is read or
 * forwarded either way, new connections are accepted and held), and {@link #restore()}. It counts the bytes it
 * forwarded each way and the connections it accepted, so a test can await a redial instead of sleeping.
 *
 * <p>One Netty event loop does all the relaying; the control methods may be called from any thread and take
 * effect on that loop before they return. Reading is driven by hand ({@code AUTO_READ} off): each side reads
 * its next buffer only once the previous one has been written to the other side, so a slow reader slows the
 * writer as a real link would, and stopping the reads is what a stall is.
 */
public final class TcpRelay implements AutoCloseable
{
    /** What the relay does with traffic. */
    public enum Mode
    {
        /** Relays both ways. */
        OPEN,
        /** Closes every connection, accepts none. */
        CUT,
        /** Keeps connections open, reads and forwards nothing. */
        STALLED
    }

    private static final Duration CONTROL_WAIT = Duration.ofSeconds(5);

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final List<RelayedPair> pairs = new CopyOnWriteArrayList<>();
    private final AtomicLong bytesToTarget = new AtomicLong();
    private final AtomicLong bytesFromTarget = new AtomicLong();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile int targetPort;
    private volatile Mode mode = Mode.OPEN;

    private TcpRelay(final int targetPort)
    {
        this.targetPort = targetPort;
        final ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
            .childOption(ChannelOption.AUTO_READ, false)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    accepted.incrementAndGet();
                    if (mode == Mode.CUT)
                    {
                        ch.close();
                        return;
                    }
                    final RelayedPair pair = new RelayedPair(TcpRelay.this, ch);
                    pairs.add(pair);
                    changed();
                    ch.closeFuture().addListener(f -> pair.close());
                    if (mode == Mode.OPEN)
                    {
                        pair.connect();
                    }
                }
            });
        server = b.bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
    }

    /** Starts a relay on a free loopback port towards {@code 127.0.0.1:targetPort}. */
    public static TcpRelay start(final int targetPort)
    {
        return new TcpRelay(targetPort);
    }

    /** The loopback port the relay listens on. */
    public int port()
    {
        return ((InetSocketAddress)server.localAddress()).getPort();
    }

    /** Where connections accepted from now on are relayed (a restarted target on a new port). */
    public void target(final int port)
    {
        targetPort = port;
    }

    public int targetPort()
    {
        return targetPort;
    }

    public Mode mode()
    {
        return mode;
    }

    /** Closes every relayed connection (both sides) and closes new ones at once until {@link #restore()}. */
    public void cut()
    {
        onLoop(() ->
        {
            mode = Mode.CUT;
            for (final RelayedPair p : pairs)
            {
                p.close();
            }
        });
    }

    /**
     * Stops reading and forwarding on every connection, both ways, while keeping them open; new connections are
     * accepted and held without dialling the target. A peer behind the relay sees a link that went silent: its
     * writes fill the socket buffers and then block, and only its own timers can notice.
     */
    public void stall()
    {
        onLoop(() -> mode = Mode.STALLED);
    }

    /**
     * Relays again: held data is forwarded, stalled connections read on, held connections dial the target, new
     * connections are relayed. A connection that either side closed while stalled is closed on the other side
     * once the relay reads the close.
     */
    public void restore()
    {
        onLoop(() ->
        {
            mode = Mode.OPEN;
            for (final RelayedPair p : pairs)
            {
                p.resume();
            }
        });
    }

    /** Counts bytes a pair forwarded; called on the relay's loop. */
    void forwarded(final int bytes, final boolean toTarget)
    {
        (toTarget ? bytesToTarget : bytesFromTarget).addAndGet(bytes);
        changed();
    }

    /** A pair has closed: it is no longer counted. */
    void closed(final RelayedPair pair)
    {
        pairs.remove(pair);
        changed();
    }

    /** Bytes forwarded from the accepting side to the target so far. */
    public long bytesToTarget()
    {
        return bytesToTarget.get();
    }

    /** Bytes forwarded from the target to the accepting side so far. */
    public long bytesFromTarget()
    {
        return bytesFromTarget.get();
    }

    /** Connections accepted so far, including those closed at once while cut. */
    public int accepted()
    {
        return accepted.get();
    }

    /** Accepted connections that are still open. */
    public int openConnections()
    {
        return (int)pairs.stream().filter(RelayedPair::isOpen).count();
    }

    /** Waits until {@code condition} holds, checking on every change the relay sees; false after the timeout. */
    public boolean await(final BooleanSupplier condition, final Duration timeout) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this)
        {
            while (!condition.getAsBoolean())
            {
                final long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (leftMs <= 0)
                {
                    return false;
                }
                wait(Math.min(leftMs, 50)); // also woken by every relay event; the bound covers conditions outside it
            }
        }
        return true;
    }

    /** Wakes {@link #await} callers: a byte count or the set of connections changed. */
    synchronized void changed()
    {
        notifyAll();
    }

    @Override
    public void close()
    {
        onLoop(() ->
        {
            mode = Mode.CUT;
            pairs.forEach(RelayedPair::close);
        });
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private void onLoop(final Runnable action)
    {
        try
        {
            group.next().submit(action).get(CONTROL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("relay control failed: " + ex, ex);
        }
    }
}
