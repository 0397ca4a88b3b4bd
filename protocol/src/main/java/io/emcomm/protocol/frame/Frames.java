package io.emcomm.protocol.frame;

import com.google.protobuf.MessageLite;
import io.emcomm.protocol.wire.FrameType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Framing of the EmComm wire protocol, version 1.
 *
 * <pre>
 *   +----------------+--------+---------------------------+
 *   | length: u32 BE | type:u8| payload: protobuf message |
 *   +----------------+--------+---------------------------+
 *                    |&lt;-------- length bytes -----------&gt;|
 * </pre>
 *
 * The length counts the type byte and the payload, so it is at least 1 and at most the configured
 * maximum frame size (64 KiB by default).
 */
public final class Frames
{
    public static final int PROTOCOL_VERSION = 1;
    public static final int LENGTH_FIELD_BYTES = 4;
    public static final int TYPE_BYTES = 1;
    public static final int HEADER_BYTES = LENGTH_FIELD_BYTES + TYPE_BYTES;
    public static final int DEFAULT_MAX_FRAME_BYTES = 64 * 1024;
    /** Below this no useful frame fits (a hello with its fields); above it one frame could pin 16 MiB. */
    public static final int MIN_MAX_FRAME_BYTES = 1024;
    public static final int MAX_MAX_FRAME_BYTES = 16 * 1024 * 1024;
    /**
     * How much longer than its {@code max_frame_bytes} a frame from the router may be (protocol.md §1): a
     * DELIVERY wraps an envelope of up to {@code max_frame_bytes - 1} bytes, an escalated FLASH copy carries
     * the router's id. Clients accept frames of {@code max_frame_bytes + ROUTER_FRAME_ALLOWANCE}.
     */
    public static final int ROUTER_FRAME_ALLOWANCE = 128;

    private Frames()
    {
    }

    /** Encodes a whole control frame into a new buffer. Control plane only: allocates. */
    public static ByteBuf encode(final ByteBufAllocator alloc, final FrameType type, final MessageLite payload)
    {
        final int size = payload.getSerializedSize();
        final ByteBuf buf = alloc.buffer(HEADER_BYTES + size);
        buf.writeInt(TYPE_BYTES + size);
        buf.writeByte(type.getNumber());
        try (ByteBufOutputStream out = new ByteBufOutputStream(buf))
        {
            payload.writeTo(out);
        }
        catch (final IOException ex)
        {
            buf.release();
            throw new UncheckedIOException(ex);
        }
        return buf;
    }

    /** Writes a frame header for a payload of {@code payloadLength} bytes that the caller writes next. */
    public static void writeHeader(final ByteBuf buf, final FrameType type, final int payloadLength)
    {
        buf.writeInt(TYPE_BYTES + payloadLength);
        buf.writeByte(type.getNumber());
    }

    /** The frame type of a decoded frame (as produced by {@link FrameDecoder}), or null if unknown or 0. */
    public static FrameType typeOf(final ByteBuf frame)
    {
        final FrameType type = FrameType.forNumber(frame.getUnsignedByte(frame.readerIndex()));
        return type == FrameType.FRAME_TYPE_UNSPECIFIED ? null : type;
    }
}
