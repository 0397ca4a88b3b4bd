package io.emcomm.client;

import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.frame.ProtoWriter;
import io.emcomm.protocol.wire.FrameType;
import io.netty.buffer.ByteBuf;

/**
 * Encodes a PUBLISH frame (protocol.md §4) straight into an outbound buffer from the caller's parts, without building
 * an {@link io.emcomm.protocol.wire.Envelope}: origin, origin sequence, destinations, precedence, creation time and one
 * body field whose content the caller gives (for a text body, the UTF-8 text, wrapped here in a {@code Text}). Fields
 * are written in field-number order, as protobuf does, so the router reads exactly what a generated encoder would
 * have sent. Stateless; any thread.
 */
final class PublishEncoder
{
    static final int ENVELOPE_ORIGIN = 1;
    static final int ENVELOPE_SEQUENCE = 2;
    static final int ENVELOPE_TO = 3;
    static final int ENVELOPE_PRECEDENCE = 4;
    static final int ENVELOPE_CREATED = 5;
    static final int TEXT_FIELD = 1;
    static final int TEXT_BODY_FIELD = 21;

    private PublishEncoder()
    {
    }

    /** Size of the body field's content: the text wrapped in a {@code Text} message, or the caller's bytes as they are. */
    static int bodyContentSize(final boolean text, final int length)
    {
        return text ? ProtoWriter.lenFieldSize(TEXT_FIELD, length) : length;
    }

    /** The envelope's encoded size, body included. */
    static int envelopeSize(final byte[] origin, final long sequence, final byte[][] to, final int precedence,
        final long createdMicros, final int bodyField, final int bodyContentSize)
    {
        int size = ProtoWriter.lenFieldSize(ENVELOPE_ORIGIN, origin.length)
            + ProtoWriter.varintFieldSize(ENVELOPE_SEQUENCE, sequence)
            + ProtoWriter.lenFieldSize(bodyField, bodyContentSize);
        for (final byte[] address : to)
        {
            size += ProtoWriter.lenFieldSize(ENVELOPE_TO, address.length);
        }
        if (precedence != 0)
        {
            size += ProtoWriter.varintFieldSize(ENVELOPE_PRECEDENCE, precedence);
        }
        if (createdMicros != 0)
        {
            size += ProtoWriter.varintFieldSize(ENVELOPE_CREATED, createdMicros);
        }
        return size;
    }

    /**
     * Writes the frame header and every envelope field up to the body's content, which the caller writes next
     * ({@code bodyContentSize} bytes; for a text body after {@link #writeTextPrefix}).
     */
    static void writeHead(final ByteBuf out, final int envelopeSize, final byte[] origin, final long sequence,
        final byte[][] to, final int precedence, final long createdMicros, final int bodyField, final int bodyContentSize)
    {
        Frames.writeHeader(out, FrameType.PUBLISH, envelopeSize);
        ProtoWriter.writeLenPrefix(out, ENVELOPE_ORIGIN, origin.length);
        out.writeBytes(origin);
        ProtoWriter.writeVarintField(out, ENVELOPE_SEQUENCE, sequence);
        for (final byte[] address : to)
        {
            ProtoWriter.writeLenPrefix(out, ENVELOPE_TO, address.length);
            out.writeBytes(address);
        }
        if (precedence != 0)
        {
            ProtoWriter.writeVarintField(out, ENVELOPE_PRECEDENCE, precedence);
        }
        if (createdMicros != 0)
        {
            ProtoWriter.writeVarintField(out, ENVELOPE_CREATED, createdMicros);
        }
        ProtoWriter.writeLenPrefix(out, bodyField, bodyContentSize);
    }

    /** The {@code Text} message's field prefix for {@code length} bytes of UTF-8 text. */
    static void writeTextPrefix(final ByteBuf out, final int length)
    {
        ProtoWriter.writeLenPrefix(out, TEXT_FIELD, length);
    }
}
