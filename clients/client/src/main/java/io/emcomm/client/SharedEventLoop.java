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
 * hundreds of event loops on a two-core machine.
 */
final class SharedEventLoop
{
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
                group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("emcomm-client-io", true), io);
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
