package io.emcomm.router.replay;

import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.frame.ProtoWriter;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.router.journal.JournalEntry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * Packs a replay's REPLAY_ITEM frames (protocol.md section 8.1: a {@code Delivery} with {@code replay_request_id} set)
 * back to back into one pooled buffer of {@link #CHUNK_BYTES}, written to the channel as one message when full or at
 * the end of a slice. A frame per buffer would cost, per item, an allocation, a pass down the pipeline and an entry
 * in the channel's outbound buffer (a third of the replay's event-loop time in the issue 14 profile); a chunk spreads
 * that over a few hundred items. The journaled envelope is copied in as its bytes, never re-serialised; the frame
 * bytes are those of {@code DeliveryFrames.delivery} with a request id, field for field.
 *
 * <p>Event loop of the replay's channel only. Holds at most one buffer, which {@link #writeTo} hands to the channel
 * and {@link #release} frees on a replay that stops early.
 */
final class ReplayItemBatch
{
    /** One chunk holds a router-sized frame at the default {@code max_frame_bytes}; a larger item gets its own. */
    static final int CHUNK_BYTES = 64 * 1024;

    private final long requestId;
    private ByteBuf chunk;

    ReplayItemBatch(final long requestId)
    {
        this.requestId = requestId;
    }

    /** Appends the REPLAY_ITEM of {@code entry}; when the chunk cannot hold it, the chunk goes to {@code channel} first. */
    void add(final Channel channel, final JournalEntry entry)
    {
        final int envelopeLength = entry.envelopeLength();
        final int payload = ProtoWriter.varintFieldSize(1, entry.index())
            + ProtoWriter.lenFieldSize(2, envelopeLength)
            + ProtoWriter.varintFieldSize(3, entry.journaledAtMicros())
            + ProtoWriter.varintFieldSize(4, requestId);
        final int frameBytes = Frames.HEADER_BYTES + payload;
        if (chunk != null && chunk.writableBytes() < frameBytes)
        {
            writeTo(channel);
        }
        if (chunk == null)
        {
            chunk = channel.alloc().directBuffer(Math.max(CHUNK_BYTES, frameBytes));
        }
        Frames.writeHeader(chunk, FrameType.REPLAY_ITEM, payload);
        ProtoWriter.writeVarintField(chunk, 1, entry.index());
        ProtoWriter.writeLenPrefix(chunk, 2, envelopeLength);
        chunk.writeBytes(entry.envelope(), 0, envelopeLength);
        ProtoWriter.writeVarintField(chunk, 3, entry.journaledAtMicros());
        ProtoWriter.writeVarintField(chunk, 4, requestId);
    }

    /** Writes (does not flush) the frames packed so far; nothing when there are none. */
    void writeTo(final Channel channel)
    {
        if (chunk != null)
        {
            final ByteBuf out = chunk;
            chunk = null;
            channel.write(out, channel.voidPromise());
        }
    }

    /** Frees the frames not written (the replay stopped: connection closed). */
    void release()
    {
        if (chunk != null)
        {
            chunk.release();
            chunk = null;
        }
    }
}
