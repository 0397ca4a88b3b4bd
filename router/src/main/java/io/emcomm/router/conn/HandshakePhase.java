package io.emcomm.router.conn;

import io.emcomm.router.counters.RouterCounters;
import io.emcomm.router.journal.Journal;
import io.netty.channel.ChannelHandlerContext;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The first phase of a connection, which must end within a time limit: the router waiting for a terminal's or a child
 * router's HELLO ({@code net.HelloHandler}), or a child router waiting for its parent's WELCOME
 * ({@code link.UplinkHandshake}). The timer starts with {@link #startTimer} and stops when the phase hands over (the
 * handler is removed) or the connection closes.
 *
 * <p>One instance per connection; event loop of the connection.
 */
public abstract class HandshakePhase extends FrameHandler
{
    private ScheduledFuture<?> timer;

    /** See {@link FrameHandler#FrameHandler}. */
    protected HandshakePhase(final RouterCounters counters, final Journal journal, final boolean syncEachBatch)
    {
        super(counters, journal, syncEachBatch);
    }

    /** Runs {@code onTimeout} on the connection's event loop after {@code timeoutMs}, unless the phase ends first. */
    protected final void startTimer(final ChannelHandlerContext ctx, final long timeoutMs, final Runnable onTimeout)
    {
        timer = ctx.executor().schedule(onTimeout, timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** The phase is over (the next one took the connection, or the handshake is settled): the timer has nothing to guard. */
    protected final void cancelTimer()
    {
        if (timer != null)
        {
            timer.cancel(false);
            timer = null;
        }
    }

    /** Handed over to the next phase (or closed). */
    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx)
    {
        cancelTimer();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        cancelTimer();
        ctx.fireChannelInactive();
    }
}
