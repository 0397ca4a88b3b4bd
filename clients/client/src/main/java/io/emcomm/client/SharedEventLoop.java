package io.emcomm.client;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.TimeUnit;

/**
 * One network thread shared by every client in the process, created with the first client and shut down
 * with the last. A terminal's traffic is small; a simulator running hundreds of terminals should not run
 * hundreds of event loops on a two-core machine. A process whose clients carry a high rate each (a gateway,
 * the benchmark) may ask for more with the system property {@value #THREADS_PROPERTY} (default 1); each
 * connection stays on one of them.
 */
final class SharedEventLoop
{
    /** System property: how many network threads the clients of this process share. */
    static final String THREADS_PROPERTY = "emcomm.client.ioThreads";
    private static final Object LOCK = new Object();
    private static EventLoopGroup group;
    private static int users;

    private SharedEventLoop()
    {
    }

    static EventLoopGroup acquire()
    {
        synchronized (LOCK)
        {
            if (group == null)
            {
                final IoHandlerFactory io = Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
                group = new MultiThreadIoEventLoopGroup(Math.max(1, Integer.getInteger(THREADS_PROPERTY, 1)), new DefaultThreadFactory("emcomm-client-io", true), io);
            }
            users++;
            return group;
        }
    }

    static void release(final EventLoopGroup released)
    {
        synchronized (LOCK)
        {
            if (released != group)
            {
                return;
            }
            if (--users == 0)
            {
                // Quiet period 0: nothing of ours is left on the loop; a new client gets a new group.
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                group = null;
            }
        }
    }

    static Class<? extends Channel> channelClass()
    {
        return Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
