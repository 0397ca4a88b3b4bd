package io.emcomm.router.net;

import io.emcomm.protocol.frame.FrameDecoder;
import io.netty.channel.ChannelInitializer;
import io.emcomm.router.security.AccessControl;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/** The pipeline of a terminal connection: TLS (when configured, with a log line for a failed handshake), framing, then the session state machine. */
public final class RouterChannelInitializer extends ChannelInitializer<SocketChannel>
{
    private final RouterContext router;

    public RouterChannelInitializer(final RouterContext router)
    {
        this.router = router;
    }

    @Override
    protected void initChannel(final SocketChannel ch)
    {
        final AccessControl gatekeeper = router.gatekeeper();
        if (gatekeeper.sslContext() != null)
        {
            ch.pipeline().addLast("tls", gatekeeper.sslContext().newHandler(ch.alloc()));
            ch.pipeline().addLast("tls-failures", TlsHandshakeFailureHandler.INSTANCE);
        }
        final int idleMs = gatekeeper.config().idleTimeoutMs();
        if (idleMs > 0)
        {
            ch.pipeline().addLast("idle", new IdleStateHandler(idleMs, 0, 0, TimeUnit.MILLISECONDS));
        }
        ch.pipeline()
            .addLast("frames", new FrameDecoder(router.config().maxFrameBytes()))
            .addLast("session", new SessionHandler(router));
    }
}
