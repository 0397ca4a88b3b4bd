package io.emcomm.router.conn;

import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.router.counters.RouterCounters;
import io.emcomm.router.delivery.DrainBatch;
import io.emcomm.router.journal.Journal;
import io.emcomm.router.journal.JournalSyncer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * What the protocol phases of a connection share ({@code net.HelloHandler} before login, then
 * {@code net.SessionHandler} for a terminal or {@code link.PeerLinkHandler} for a peer link between routers): each
 * decoded frame is handled inside the read batch and released here; replies are written during the batch and flushed
 * once at its end; errors never escape into the event loop. A bad frame gets an ERROR naming
 * the problem; problems that leave the stream untrustworthy (framing, handshake) close only this connection.
 *
 * <p>With {@code emcomm.journal.sync=batch} and a journal that has a {@link JournalSyncer} (group commit), the end of
 * a read batch does not sync: what the batch owes (the subclass's acks, {@link #holdForSync}; the subscribers' wake-ups,
 * {@link DrainBatch#closeHeld}) waits for the index this loop last appended to be durable, the syncer is asked for it,
 * and the loop reads on. When the syncer has synced, {@link LoopCommits} has this loop write and flush exactly what
 * that sync covered ({@link #writeSynced}), then wake exactly those feeds. A journal without a syncer is synced
 * inline here as before; {@code sync=none} does neither.
 * One instance per connection, event loop of the connection.
 */
public abstract class FrameHandler extends ChannelInboundHandlerAdapter
{
    /** Named for the phase (HelloHandler, SessionHandler, PeerLinkHandler), so a log line says where the connection was. */
    private final Logger log = LoggerFactory.getLogger(getClass());

    private final RouterCounters counters;
    private final Journal journal;
    private final boolean syncEachBatch;
    /** Group commit: the journal's syncer; null for an inline sync or none. */
    private final JournalSyncer syncer;
    private LoopCommits commits;
    /** The context held acks are written through, and whether this handler is queued in {@link #commits}. */
    private ChannelHandlerContext heldCtx;
    private boolean awaiting;

    /**
     * @param counters      where protocol errors are counted
     * @param journal       the journal, synced at the end of each read batch when {@code syncEachBatch}
     * @param syncEachBatch {@code emcomm.journal.sync=batch}
     */
    protected FrameHandler(final RouterCounters counters, final Journal journal, final boolean syncEachBatch)
    {
        this.counters = counters;
        this.journal = journal;
        this.syncEachBatch = syncEachBatch;
        this.syncer = syncEachBatch ? journal.syncer() : null;
    }

    /** Whether acks wait for the journal's syncer (group commit) rather than an inline sync at the batch's end. */
    protected final boolean groupCommit()
    {
        return syncer != null;
    }

    /**
     * Group commit, at the end of a read batch: keep what the batch owes the peer out of the channel until
     * {@code need} is durable. Event loop.
     *
     * @param need the index this loop last appended (-1 for none)
     * @return the highest index what is held waits for ({@code need} or more: a duplicate's ack waits for its
     *         original), -1 when nothing is held
     */
    protected long holdForSync(final ChannelHandlerContext ctx, final long need)
    {
        return -1;
    }

    /**
     * Group commit: write (not flush) what is held for indexes up to {@code durable}, oldest first. Event loop.
     *
     * @return whether anything is still held
     */
    protected boolean writeSynced(final ChannelHandlerContext ctx, final long durable)
    {
        return false;
    }

    /** Group commit: drop what is held (the journal failed to sync it, or the connection is gone). Event loop. */
    protected void dropHeld()
    {
    }

    /** Handles one decoded frame (type byte then payload); the caller releases it. */
    protected abstract void onFrame(ChannelHandlerContext ctx, ByteBuf frame);

    /** Who is at the other end, for log lines. */
    protected abstract String peer();

    @Override
    public final void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        final ByteBuf frame = (ByteBuf)msg;
        DrainBatch.forThread().open();
        try
        {
            onFrame(ctx, frame);
        }
        catch (final RuntimeException ex)
        {
            log.error("unexpected failure handling a frame from {}", describe(ctx), ex);
            counters.incProtocolErrors();
            ConnectionCloser.sendFatal(ctx.channel(), ErrorCode.INTERNAL, "internal error: " + ex);
        }
        finally
        {
            frame.release();
        }
    }

    /**
     * End of the read batch: sync the journal if configured per batch (inline, or handed to the syncer with the acks
     * and wake-ups held until it is done), flush, then wake the feeds offered to.
     */
    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx)
    {
        if (syncer != null)
        {
            endBatchGroupCommit(ctx);
            return;
        }
        if (syncEachBatch)
        {
            journal.sync();
        }
        ctx.flush();
        // after the acks: subscribers are woken once per batch, and only once the batch is on disk when syncing
        DrainBatch.forThread().close();
    }

    private void endBatchGroupCommit(final ChannelHandlerContext ctx)
    {
        // everything this loop appended so far: it covers this connection's batch, whichever connection came first
        final long need = journal.appendedByThisThread();
        final DrainBatch drains = DrainBatch.forThread();
        final long acksNeed = holdForSync(ctx, need);
        final boolean acksHeld = acksNeed >= 0;
        final boolean feedsHeld = drains.closeHeld(need);
        final long durable = syncer.durableIndex();
        final boolean acksWait = acksHeld && writeSynced(ctx, durable);
        ctx.flush();
        final boolean feedsWait = feedsHeld && drains.release(durable);
        if (acksWait || feedsWait)
        {
            if (syncer.failure() != null)
            {
                heldCtx = ctx;
                onSynced(durable, syncer.failure());
                return;
            }
            if (commits == null)
            {
                commits = LoopCommits.forThread(syncer, ctx.executor());
            }
            final boolean enqueue = acksWait && !awaiting;
            if (enqueue)
            {
                heldCtx = ctx;
                awaiting = true;
            }
            commits.await(enqueue ? this : null, Math.max(need, acksNeed));
        }
    }

    /**
     * Group commit, from {@link LoopCommits} on the event loop after a sync: write and flush the acks it covered; on a
     * failed sync drop them and close the connection (nothing unsynced is acknowledged; the client retries, and the
     * journal refuses with JOURNAL_UNAVAILABLE).
     *
     * @return whether this connection still waits for a later sync
     */
    final boolean onSynced(final long durable, final String failure)
    {
        final ChannelHandlerContext ctx = heldCtx;
        if (!ctx.channel().isActive())
        {
            dropHeld();
            awaiting = false;
            return false;
        }
        if (failure != null)
        {
            dropHeld();
            awaiting = false;
            log.error("closing {}: {}; its unacknowledged publishes are not known to be on disk", describe(ctx), failure);
            ConnectionCloser.sendFatal(ctx.channel(), ErrorCode.INTERNAL, failure + " (publishes not acknowledged may not be stored)");
            return false;
        }
        final boolean more = writeSynced(ctx, durable);
        ctx.flush();
        awaiting = more;
        return more;
    }

    /**
     * Framing failures from the decoder (protocol.md section 1) are fatal ERRORs; a connection reset just closes;
     * anything else is an INTERNAL error that closes this connection only.
     */
    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        final Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof TooLongFrameException)
        {
            protocolError(ctx, ErrorCode.FRAME_TOO_LARGE, root.getMessage(), true);
        }
        else if (root instanceof CorruptedFrameException)
        {
            protocolError(ctx, ErrorCode.MALFORMED_FRAME, root.getMessage(), true);
        }
        else if (root instanceof IOException)
        {
            // connection reset and the like: nothing to tell a peer that is gone
            ctx.close();
        }
        else
        {
            log.warn("closing {} after {}", describe(ctx), root.toString());
            protocolError(ctx, ErrorCode.INTERNAL, "internal error: " + root, true);
        }
    }

    /**
     * Counts a protocol error and tells the peer (protocol.md section 10): a fatal one is logged, sent and the
     * connection closed once it is written; a non-fatal one is written in the read batch.
     */
    protected final void protocolError(final ChannelHandlerContext ctx, final ErrorCode code, final String message, final boolean fatal)
    {
        counters.incProtocolErrors();
        if (fatal)
        {
            log.info("closing {}: {} {}", describe(ctx), code, message);
            ConnectionCloser.sendFatal(ctx.channel(), code, message);
        }
        else
        {
            ControlFrames.error(ctx, code, message);
        }
    }

    /** The frame's payload as a view (no copy), for protobuf's parser. Control frames only: it allocates a view. */
    public static ByteBuffer payload(final ByteBuf frame)
    {
        return frame.nioBuffer(frame.readerIndex() + Frames.TYPE_BYTES, frame.readableBytes() - Frames.TYPE_BYTES);
    }

    /** "type N" for a type byte not in protocol.md section 3. */
    public static int typeByte(final ByteBuf frame)
    {
        return frame.getUnsignedByte(frame.readerIndex());
    }

    /** Who and where, for log lines. */
    protected final String describe(final ChannelHandlerContext ctx)
    {
        return peer() + " at " + ctx.channel().remoteAddress();
    }
}
