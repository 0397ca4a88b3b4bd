package io.emcomm.client;

import io.emcomm.protocol.frame.FrameDecoder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.util.AttributeKey;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of a client connection: TLS (when configured), framing, heartbeats, then the {@link ClientHandler}.
 * Until the WELCOME the decoder accepts the largest frame any router may send
 * ({@link LinkLimits#BEFORE_WELCOME_MAX_FRAME_BYTES}) and the client sends heartbeats at its own interval; the
 * handler narrows both to the router's terms. Network thread, once per connection. Which router of the list the
 * connection goes to is the channel's {@link #ROUTER} attribute, set by the dial.
 */
final class ClientChannelInitializer extends ChannelInitializer<Channel>
{
    /** The entry of {@link ClientOptions#routers()} a connection is dialled to (set on the bootstrap per dial). */
    static final AttributeKey<InetSocketAddress> ROUTER = AttributeKey.valueOf("emcomm.router");

    private final ClientOptions options;
    private final ClientClock clock;
    private final ClientConductor conductor;
    private final DeliveryDispatch deliveries;
    private final ConnectionSupervisor supervisor;

    ClientChannelInitializer(final ClientOptions options, final ClientClock clock, final ClientConductor conductor,
        final DeliveryDispatch deliveries, final ConnectionSupervisor supervisor)
    {
        this.options = options;
        this.clock = clock;
        this.conductor = conductor;
        this.deliveries = deliveries;
        this.supervisor = supervisor;
    }

    @Override
    protected void initChannel(final Channel ch)
    {
        final InetSocketAddress router = ch.attr(ROUTER).get();
        final SslContext tls = options.sslContext();
        if (tls != null)
        {
            // Host and port let the engine check the router's certificate against the dialled name (and send SNI).
            final SslHandler handler = tls.newHandler(ch.alloc(), router.getHostString(), router.getPort());
            handler.setHandshakeTimeoutMillis(options.connectTimeout().toMillis());
            ch.pipeline().addLast("tls", handler);
        }
        ch.pipeline().addLast("frames", new FrameDecoder(LinkLimits.BEFORE_WELCOME_MAX_FRAME_BYTES));
        ch.pipeline().addLast("idle", new IdleStateHandler(0, options.heartbeatInterval().toMillis(), 0, TimeUnit.MILLISECONDS));
        ch.pipeline().addLast("session", new ClientHandler(options, router, clock, conductor, deliveries, supervisor));
    }
}
