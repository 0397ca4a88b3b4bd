package io.emcomm.bench.sut;

import io.emcomm.protocol.frame.ProtoWriter;
import io.netty.buffer.ByteBuf;

/**
 * Just enough protobuf wire format to write a PUBLISH and find the payload in a DELIVERY without
 * generating objects: the bench driver must cost less than the system it measures.
 */
final class ProtoScan
{
    static final int WIRE_VARINT = 0;
    static final int WIRE_I64 = 1;
    static final int WIRE_LEN = 2;
    static final int WIRE_I32 = 5;
    static final long NOT_FOUND = -1L;

    private ProtoScan()
    {
    }

    // Writing goes through the protocol module's encoder, the one the router uses; this class adds the reads.

    static int varintSize(final long value)
    {
        return ProtoWriter.varintSize(value);
    }

    static void writeVarint(final ByteBuf out, final long value)
    {
        ProtoWriter.writeVarint(out, value);
    }

    static void writeTag(final ByteBuf out, final int field, final int wire)
    {
        ProtoWriter.writeVarint(out, ProtoWriter.tag(field, wire));
    }

    static void writeBytesField(final ByteBuf out, final int field, final byte[] bytes)
    {
        ProtoWriter.writeLenPrefix(out, field, bytes.length);
        out.writeBytes(bytes);
    }

    static int bytesFieldSize(final int field, final int length)
    {
        return ProtoWriter.lenFieldSize(field, length);
    }

    static void writeVarintField(final ByteBuf out, final int field, final long value)
    {
        ProtoWriter.writeVarintField(out, field, value);
    }

    static int varintFieldSize(final int field, final long value)
    {
        return ProtoWriter.varintFieldSize(field, value);
    }

    /**
     * Finds a length-delimited field at the top level of a message in [offset, offset+length).
     *
     * @return (start << 32 | length) of the field's content, or {@link #NOT_FOUND}.
     */
    static long findBytes(final ByteBuf buf, final int offset, final int length, final int wantedField)
    {
        final int end = offset + length;
        final int pos = valueAt(buf, offset, end, wantedField, WIRE_LEN);
        if (pos < 0)
        {
            return NOT_FOUND;
        }
        final long len = readVarint(buf, pos, end);
        return len < 0 ? NOT_FOUND : ((len >>> 40) << 32) | (len & 0xFF_FFFF_FFFFL);
    }

    /** Value of a varint field at the top level, or -1 when absent. */
    static long findVarint(final ByteBuf buf, final int offset, final int length, final int wantedField)
    {
        final int end = offset + length;
        final int pos = valueAt(buf, offset, end, wantedField, WIRE_VARINT);
        return pos < 0 ? -1 : readVarintFull(buf, pos, end);
    }

    /**
     * Walks the top-level fields in [offset, end) and returns where the value of the first occurrence of
     * {@code wantedField} with {@code wantedWire} starts (after its tag), or -1 when absent or malformed.
     */
    private static int valueAt(final ByteBuf buf, final int offset, final int end, final int wantedField, final int wantedWire)
    {
        int pos = offset;
        while (pos < end)
        {
            final long tag = readVarint(buf, pos, end);
            if (tag < 0)
            {
                return -1;
            }
            pos = (int)(tag >>> 40);
            final long tagValue = tag & 0xFF_FFFF_FFFFL;
            final int field = (int)(tagValue >>> 3);
            final int wire = (int)(tagValue & 7);
            if (field == wantedField && wire == wantedWire)
            {
                return pos;
            }
            switch (wire)
            {
                case WIRE_VARINT:
                case WIRE_LEN:
                {
                    final long v = readVarint(buf, pos, end);
                    if (v < 0)
                    {
                        return -1;
                    }
                    pos = (int)(v >>> 40) + (wire == WIRE_LEN ? (int)(v & 0xFF_FFFF_FFFFL) : 0);
                    break;
                }
                case WIRE_I64:
                    pos += 8;
                    break;
                case WIRE_I32:
                    pos += 4;
                    break;
                default:
                    return -1;
            }
        }
        return -1;
    }

    static int start(final long found)
    {
        return (int)(found >>> 32);
    }

    static int length(final long found)
    {
        return (int)found;
    }

    /**
     * Reads a varint of at most 40 bits (tags and lengths) and packs the position after it into the top
     * 24 bits: (next << 40 | value), or -1 when truncated.
     */
    private static long readVarint(final ByteBuf buf, final int pos, final int end)
    {
        long result = 0;
        int shift = 0;
        int p = pos;
        while (p < end && shift < 64)
        {
            final byte b = buf.getByte(p++);
            if (shift < 40)
            {
                result |= (long)(b & 0x7F) << shift;
            }
            if (b >= 0)
            {
                return ((long)p << 40) | (result & 0xFF_FFFF_FFFFL);
            }
            shift += 7;
        }
        return -1;
    }

    /** Reads a full 64-bit varint value (position not returned). */
    private static long readVarintFull(final ByteBuf buf, final int pos, final int end)
    {
        long result = 0;
        int shift = 0;
        int p = pos;
        while (p < end && shift < 64)
        {
            final byte b = buf.getByte(p++);
            result |= (long)(b & 0x7F) << shift;
            if (b >= 0)
            {
                return result;
            }
            shift += 7;
        }
        return -1;
    }
}
