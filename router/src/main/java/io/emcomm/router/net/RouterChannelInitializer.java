package io.emcomm.router.net;

import io.emcomm.protocol.frame.FrameDecoder;
import io.emcomm.router.security.AccessControl;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/**
 * The pipeline of a terminal connection, in protocol phases: TLS (when configured, with a log line for a failed
 * handshake), the idle timer, admission under the connection limit ({@link AdmissionHandler}, removed once
 * admitted), framing, then the handshake ({@link HelloHandler}), which replaces itself with the logged-in
 * session's {@link SessionHandler}. Event loop of the new channel; the router's parts are shared.
 */
public final class RouterChannelInitializer extends ChannelInitializer<SocketChannel>
{
    private final RouterContext router;
    private final AdmissionHandler admission;

    /** @param router the router's shared parts, for every connection this initializer sets up */
    public RouterChannelInitializer(final RouterContext router)
    {
        this.router = router;
        this.admission = new AdmissionHandler(router.accessControl(), router.counters());
    }

    @Override
    protected void initChannel(final SocketChannel ch)
    {
        final AccessControl accessControl = router.accessControl();
        if (accessControl.sslContext() != null)
        {
            ch.pipeline().addLast("tls", accessControl.sslContext().newHandler(ch.alloc()));
            ch.pipeline().addLast("tls-failures", TlsHandshakeFailureHandler.INSTANCE);
        }
        addProtocolPhases(ch.pipeline());
    }

    /** Everything after TLS: the idle timer, admission, framing and the handshake phase. Also used by tests. */
    void addProtocolPhases(final ChannelPipeline pipeline)
    {
        final int idleMs = router.accessControl().config().idleTimeoutMs();
        if (idleMs > 0)
        {
            pipeline.addLast("idle", new IdleStateHandler(idleMs, 0, 0, TimeUnit.MILLISECONDS));
        }
        pipeline
            .addLast("admission", admission)
            .addLast("frames", new FrameDecoder(router.config().maxFrameBytes()))
            .addLast(HelloHandler.NAME, new HelloHandler(router));
    }
}
