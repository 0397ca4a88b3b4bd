package io.emcomm.router.delivery;

import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.frame.ProtoWriter;
import io.emcomm.protocol.wire.FrameType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Composes DELIVERY / REPLAY_ITEM and PUBLISH_ACK frames by hand around bytes the router already has:
 * the envelope goes out exactly as it was journaled, never re-serialised. Field numbers follow
 * {@code Delivery} and {@code PublishAck} in emcomm.proto.
 */
public final class DeliveryFrames
{
    private DeliveryFrames()
    {
    }

    private static int deliveryPayloadSize(final long index, final int envelopeLength, final long journaledAtMicros,
        final long replayRequestId)
    {
        int size = ProtoWriter.varintFieldSize(1, index)
            + ProtoWriter.lenFieldSize(2, envelopeLength)
            + ProtoWriter.varintFieldSize(3, journaledAtMicros);
        if (replayRequestId != 0)
        {
            size += ProtoWriter.varintFieldSize(4, replayRequestId);
        }
        return size;
    }

    /** A whole DELIVERY (or REPLAY_ITEM when replayRequestId != 0) frame in a new pooled buffer. */
    public static ByteBuf delivery(final ByteBufAllocator alloc, final long index, final ByteBuf envelope,
        final int envelopeOffset, final int envelopeLength, final long journaledAtMicros, final long replayRequestId)
    {
        final int payload = deliveryPayloadSize(index, envelopeLength, journaledAtMicros, replayRequestId);
        final ByteBuf buf = alloc.directBuffer(Frames.HEADER_BYTES + payload);
        Frames.writeHeader(buf, replayRequestId == 0 ? FrameType.DELIVERY : FrameType.REPLAY_ITEM, payload);
        ProtoWriter.writeVarintField(buf, 1, index);
        ProtoWriter.writeLenPrefix(buf, 2, envelopeLength);
        buf.writeBytes(envelope, envelopeOffset, envelopeLength);
        ProtoWriter.writeVarintField(buf, 3, journaledAtMicros);
        if (replayRequestId != 0)
        {
            ProtoWriter.writeVarintField(buf, 4, replayRequestId);
        }
        return buf;
    }

    /** As {@link #delivery} for an envelope held in a byte array (read back from the journal). */
    public static ByteBuf delivery(final ByteBufAllocator alloc, final long index, final byte[] envelope,
        final int envelopeLength, final long journaledAtMicros, final long replayRequestId)
    {
        final int payload = deliveryPayloadSize(index, envelopeLength, journaledAtMicros, replayRequestId);
        final ByteBuf buf = alloc.directBuffer(Frames.HEADER_BYTES + payload);
        Frames.writeHeader(buf, replayRequestId == 0 ? FrameType.DELIVERY : FrameType.REPLAY_ITEM, payload);
        ProtoWriter.writeVarintField(buf, 1, index);
        ProtoWriter.writeLenPrefix(buf, 2, envelopeLength);
        buf.writeBytes(envelope, 0, envelopeLength);
        ProtoWriter.writeVarintField(buf, 3, journaledAtMicros);
        if (replayRequestId != 0)
        {
            ProtoWriter.writeVarintField(buf, 4, replayRequestId);
        }
        return buf;
    }

    /** Appends a PUBLISH_ACK frame to {@code buf} (acks of a read batch share one buffer). */
    public static void writePublishAck(final ByteBuf buf, final byte[] origin, final long sequence, final long index,
        final boolean duplicate)
    {
        int payload = ProtoWriter.lenFieldSize(1, origin.length)
            + ProtoWriter.varintFieldSize(2, sequence)
            + ProtoWriter.varintFieldSize(3, index);
        if (duplicate)
        {
            payload += ProtoWriter.varintFieldSize(4, 1);
        }
        Frames.writeHeader(buf, FrameType.PUBLISH_ACK, payload);
        ProtoWriter.writeLenPrefix(buf, 1, origin.length);
        buf.writeBytes(origin);
        ProtoWriter.writeVarintField(buf, 2, sequence);
        ProtoWriter.writeVarintField(buf, 3, index);
        if (duplicate)
        {
            ProtoWriter.writeVarintField(buf, 4, 1);
        }
    }

    /** The journal index in a frame made by {@link #delivery}. */
    public static long index(final ByteBuf frame)
    {
        int p = frame.readerIndex() + Frames.HEADER_BYTES + 1;
        long value = 0;
        int shift = 0;
        byte b;
        do
        {
            b = frame.getByte(p++);
            value |= (long)(b & 0x7F) << shift;
            shift += 7;
        }
        while (b < 0);
        return value;
    }

    /** Points {@code header} at the envelope inside a frame made by {@link #delivery}. */
    public static boolean wrapEnvelope(final ByteBuf frame, final io.emcomm.protocol.envelope.EnvelopeHeader header)
    {
        int p = frame.readerIndex() + Frames.HEADER_BYTES + 1;
        while (frame.getByte(p++) < 0)
        {
            // skip the index varint
        }
        p++; // tag of field 2
        int length = 0;
        int shift = 0;
        byte b;
        do
        {
            b = frame.getByte(p++);
            length |= (b & 0x7F) << shift;
            shift += 7;
        }
        while (b < 0);
        return header.wrap(frame, p, length);
    }
}
