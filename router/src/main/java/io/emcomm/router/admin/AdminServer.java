package io.emcomm.router.admin;

import io.emcomm.router.config.StartFailure;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The admin HTTP endpoint on its own port and its own single event loop, so that scrapes never compete with
 * terminals for the routing event loops: {@code GET /metrics} (Prometheus text), {@code /health},
 * {@code /ready} and {@code /status} (JSON). Plain Netty HTTP codec; no web framework.
 */
public final class AdminServer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    private final EventLoopGroup group;
    private final Channel channel;

    private AdminServer(final EventLoopGroup group, final Channel channel)
    {
        this.group = group;
        this.channel = channel;
    }

    /**
     * Binds the endpoint.
     *
     * @throws StartFailure "cannot listen on HOST:PORT: REASON" when the port cannot be bound; the caller
     *                      runs on without the endpoint (docs/operations.md).
     */
    public static AdminServer start(final String host, final int port, final RouterView router, final RouterMetrics metrics,
        final StatusReport status)
    {
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        // awaited, not synced: sync rethrows the bind's checked exception undeclared, past catch blocks
        final ChannelFuture bound = new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    ch.pipeline()
                        .addLast("http", new HttpServerCodec())
                        .addLast("aggregate", new HttpObjectAggregator(8192))
                        .addLast("admin", new AdminHandler(router, metrics, status));
                }
            })
            .bind(new InetSocketAddress(host, port))
            .awaitUninterruptibly();
        if (!bound.isSuccess())
        {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw StartFailure.cannotListen(host, port, bound.cause());
        }
        final Channel channel = bound.channel();
        LOG.info("admin endpoint on http://{}/ (metrics, health, ready, status)", hostPort(channel));
        return new AdminServer(group, channel);
    }

    private static String hostPort(final Channel channel)
    {
        final InetSocketAddress a = (InetSocketAddress)channel.localAddress();
        return a.getHostString() + ":" + a.getPort();
    }

    public int port()
    {
        return ((InetSocketAddress)channel.localAddress()).getPort();
    }

    @Override
    public void close()
    {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
