package io.emcomm.client;

import io.emcomm.protocol.frame.FrameDecoder;
import io.emcomm.protocol.frame.Frames;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/** The pipeline of a client connection: TLS (when configured), framing, heartbeats, then the session. */
final class ClientChannelInitializer extends ChannelInitializer<Channel>
{
    /**
     * The inbound frame limit until the router's WELCOME has been handled: the largest frame any router may
     * send (its largest configurable {@code max_frame_bytes} plus the allowance, protocol.md §1). A smaller
     * guess would be wrong: a router with a larger limit may write its first DELIVERY in the same TCP segment
     * as the WELCOME, and the decoder reads that frame's length before the WELCOME is handled. The WELCOME
     * then sets the limit to {@code max_frame_bytes + 128} ({@link ClientSession#onWelcome}).
     */
    static final int BEFORE_WELCOME_MAX_FRAME_BYTES = Frames.MAX_MAX_FRAME_BYTES + Frames.ROUTER_FRAME_ALLOWANCE;

    private final ClientSession session;
    private final ClientOptions options;

    ClientChannelInitializer(final ClientSession session, final ClientOptions options)
    {
        this.session = session;
        this.options = options;
    }

    @Override
    protected void initChannel(final Channel ch)
    {
        final SslContext tls = options.sslContext();
        if (tls != null)
        {
            // Host and port let the engine check the router's certificate against the dialled name (and send SNI).
            final SslHandler handler = tls.newHandler(ch.alloc(), options.host(), options.port());
            handler.setHandshakeTimeoutMillis(options.connectTimeout().toMillis());
            ch.pipeline().addLast("tls", handler);
        }
        ch.pipeline().addLast("frames", new FrameDecoder(BEFORE_WELCOME_MAX_FRAME_BYTES));
        ch.pipeline().addLast("idle", new IdleStateHandler(0, options.heartbeatInterval().toMillis(), 0, TimeUnit.MILLISECONDS));
        ch.pipeline().addLast("session", new ClientHandler(session));
    }
}
