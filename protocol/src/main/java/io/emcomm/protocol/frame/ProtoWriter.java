package io.emcomm.protocol.frame;

import io.netty.buffer.ByteBuf;

/**
 * The few protobuf encoding primitives the router needs to compose frames by hand (a delivery around
 * journaled envelope bytes, an ack) without building message objects. Encodings are standard protobuf,
 * so any protobuf library parses the result.
 */
public final class ProtoWriter
{
    public static final int WIRE_VARINT = 0;
    public static final int WIRE_LEN = 2;

    private ProtoWriter()
    {
    }

    public static int tag(final int field, final int wireType)
    {
        return (field << 3) | wireType;
    }

    /** The bytes {@code value} takes as a protobuf varint (1 to 10; negative values take 10). */
    public static int varintSize(final long value)
    {
        if (value < 0)
        {
            return 10;
        }
        int size = 1;
        long v = value >>> 7;
        while (v != 0)
        {
            size++;
            v >>>= 7;
        }
        return size;
    }

    /**
     * Writes a varint. Up to eight bytes are packed into a long and written with one to two calls: a
     * journal index or a timestamp in microseconds takes seven or eight bytes, and a ByteBuf write checks
     * bounds and capacity on every call, which made byte-at-a-time writing show up in the router's profile.
     */
    public static void writeVarint(final ByteBuf buf, final long value)
    {
        if ((value & ~0x7FL) == 0)
        {
            buf.writeByte((int)value);
            return;
        }
        if ((value >>> 56) != 0)
        {
            writeVarintSlow(buf, value);
            return;
        }
        long packed = 0;
        int size = 0;
        long v = value;
        while ((v & ~0x7FL) != 0)
        {
            packed |= ((v & 0x7F) | 0x80) << (size << 3);
            size++;
            v >>>= 7;
        }
        packed |= v << (size << 3);
        size++;
        switch (size)
        {
            case 2: buf.writeShortLE((int)packed); break;
            case 3: buf.writeMediumLE((int)packed); break;
            case 4: buf.writeIntLE((int)packed); break;
            case 5: buf.writeIntLE((int)packed).writeByte((int)(packed >>> 32)); break;
            case 6: buf.writeIntLE((int)packed).writeShortLE((int)(packed >>> 32)); break;
            case 7: buf.writeIntLE((int)packed).writeMediumLE((int)(packed >>> 32)); break;
            default: buf.writeLongLE(packed); break;
        }
    }

    private static void writeVarintSlow(final ByteBuf buf, final long value)
    {
        long v = value;
        while ((v & ~0x7FL) != 0)
        {
            buf.writeByte((int)((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        buf.writeByte((int)v);
    }

    /** Size of a varint field with its tag (fields 1-15 have one-byte tags). */
    public static int varintFieldSize(final int field, final long value)
    {
        return varintSize(tag(field, WIRE_VARINT)) + varintSize(value);
    }

    /** Size of a length-delimited field with its tag and length prefix. */
    public static int lenFieldSize(final int field, final int length)
    {
        return varintSize(tag(field, WIRE_LEN)) + varintSize(length) + length;
    }

    /** Writes a varint field: its tag (field number, wire type 0), then the value. */
    public static void writeVarintField(final ByteBuf buf, final int field, final long value)
    {
        writeVarint(buf, tag(field, WIRE_VARINT));
        writeVarint(buf, value);
    }

    /**
     * Writes the tag and length prefix of a length-delimited field (wire type 2); the caller writes {@code length}
     * bytes next.
     */
    public static void writeLenPrefix(final ByteBuf buf, final int field, final int length)
    {
        writeVarint(buf, tag(field, WIRE_LEN));
        writeVarint(buf, length);
    }
}
