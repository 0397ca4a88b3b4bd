package io.emcomm.router.conn;

import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.router.counters.RouterCounters;
import io.emcomm.router.delivery.DrainBatch;
import io.emcomm.router.journal.Journal;
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
 * One instance per connection, event loop of the connection.
 */
public abstract class FrameHandler extends ChannelInboundHandlerAdapter
{
    /** Named for the phase (HelloHandler, SessionHandler, PeerLinkHandler), so a log line says where the connection was. */
    private final Logger log = LoggerFactory.getLogger(getClass());

    private final RouterCounters counters;
    private final Journal journal;
    private final boolean syncEachBatch;

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

    /** End of the read batch: sync the journal if configured per batch, flush, then wake the feeds offered to. */
    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx)
    {
        if (syncEachBatch)
        {
            journal.sync();
        }
        ctx.flush();
        // after the acks: subscribers are woken once per batch, and only once the batch is on disk when syncing
        DrainBatch.forThread().close();
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
