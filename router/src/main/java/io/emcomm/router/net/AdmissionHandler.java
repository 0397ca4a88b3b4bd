package io.emcomm.router.net;

import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.router.conn.ConnectionCloser;
import io.emcomm.router.counters.RouterCounters;
import io.emcomm.router.security.AccessControl;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first protocol phase of a connection: admits it under {@code emcomm.max.connections} or refuses it with a
 * fatal ERROR {@code TOO_MANY_CONNECTIONS} before any frame is read (protocol.md section 2, the first check).
 * An admitted connection keeps its place until it closes, when the place is given back; the handler then
 * removes itself, so nothing of it stays on the connection's read path.
 *
 * <p>Sits after TLS and the idle timer and before framing, as the session state machine did: a refused
 * connection never reaches the {@link HelloHandler} (no {@code channelActive} is passed on). Shared by every
 * connection; event loop of each.
 */
@ChannelHandler.Sharable
final class AdmissionHandler extends ChannelInboundHandlerAdapter
{
    private static final Logger LOG = LoggerFactory.getLogger(AdmissionHandler.class);

    private final AccessControl accessControl;
    private final RouterCounters counters;
    /** Gives the place back when an admitted connection closes, whichever phase it is in by then. */
    private final ChannelFutureListener release;

    AdmissionHandler(final AccessControl accessControl, final RouterCounters counters)
    {
        this.accessControl = accessControl;
        this.counters = counters;
        this.release = closed -> accessControl.release();
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx)
    {
        if (!accessControl.admit())
        {
            counters.incProtocolErrors();
            LOG.warn("refusing a connection from {}: at the limit of {} connections", ctx.channel().remoteAddress(),
                accessControl.config().maxConnections());
            ConnectionCloser.INSTANCE.closeNow(ctx.channel(), ErrorCode.TOO_MANY_CONNECTIONS, "the router is at its limit of "
                + accessControl.config().maxConnections() + " connections");
            return;
        }
        ctx.channel().closeFuture().addListener(release);
        ctx.pipeline().remove(this);
        ctx.fireChannelActive();
    }
}
