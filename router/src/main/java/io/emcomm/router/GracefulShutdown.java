package io.emcomm.router;

import io.emcomm.router.journal.Journal;
import io.emcomm.router.conn.ControlFrames;
import io.emcomm.router.route.RoutingTable;
import io.emcomm.router.session.Session;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The orderly half of {@link Router#close}. Publishes are handled synchronously on the event loops, and an ack
 * is written only after the journal append returned, so a publish is either acked-and-journaled or not acked.
 * Shutdown therefore only has to stop new work and let the acks already written reach the wire:
 * <ol>
 *   <li>close the server channel: no new connections;</li>
 *   <li>on each session's own event loop (after whatever it is doing): stop reading, write GOING_AWAY
 *       (SHUTTING_DOWN) behind the acks already queued, close once that is flushed;</li>
 *   <li>wait, bounded, for those connections to close;</li>
 *   <li>force the journal to disk from every event loop (each appends through its own appender).</li>
 * </ol>
 * A PUBLISH still in a socket buffer is never read, so never acked: the client retries it after reconnecting
 * and dedupe answers with the original index if it was journaled after all.
 */
final class GracefulShutdown
{
    private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);

    private GracefulShutdown()
    {
    }

    static void drain(final Channel server, final RoutingTable table, final EventLoopGroup workers, final Journal journal,
        final long drainMs)
    {
        server.close().syncUninterruptibly();
        final List<ChannelFuture> closing = new ArrayList<>();
        for (final Session s : table.sessions())
        {
            final Channel channel = s.channel();
            closing.add(channel.closeFuture());
            channel.eventLoop().execute(() -> goAway(channel));
        }
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(drainMs);
        int closed = 0;
        for (final ChannelFuture f : closing)
        {
            if (f.awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS))
            {
                closed++;
            }
        }
        final List<Future<?>> syncs = new ArrayList<>();
        for (final EventExecutor loop : workers)
        {
            syncs.add(loop.submit(journal::sync));
        }
        for (final Future<?> f : syncs)
        {
            f.awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        LOG.info("shutdown: {} session(s) told GOING_AWAY, {} closed within {} ms; journal synced", closing.size(), closed,
            drainMs);
    }

    /** Event loop of {@code channel}. */
    private static void goAway(final Channel channel)
    {
        if (!channel.isActive())
        {
            return;
        }
        channel.config().setAutoRead(false);
        ControlFrames.goingAway(channel, "router shutting down; reconnect with back-off").addListener(ChannelFutureListener.CLOSE);
    }
}
