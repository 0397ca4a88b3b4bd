package io.emcomm.router.net;

import io.emcomm.protocol.frame.FrameDecoder;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;

/** The pipeline of a terminal connection: framing, then the session state machine. */
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
        ch.pipeline()
            .addLast("frames", new FrameDecoder(router.config().maxFrameBytes()))
            .addLast("session", new SessionHandler(router));
    }
}
