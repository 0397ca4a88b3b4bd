package io.emcomm.client;

import io.netty.buffer.ByteBuf;

/**
 * Just enough protobuf wire format to read the fields of a frame in place, without generating objects: the
 * client's hot inbound path (PUBLISH_ACK, DELIVERY) reads a handful of scalar fields and the position of a body,
 * and a generated message per frame would cost an allocation per message. Writing goes through the protocol
 * module's {@link io.emcomm.protocol.frame.ProtoWriter}, the encoder the router uses.
 *
 * <p>A scan walks fields with {@link #next}: a cursor packs the position after the field's tag and the tag itself.
 * Stateless; any thread.
 */
final class WireScan
{
    static final int WIRE_VARINT = 0;
    static final int WIRE_I64 = 1;
    static final int WIRE_LEN = 2;
    static final int WIRE_I32 = 5;
    /** What a read returns for a truncated or malformed field. */
    static final long MALFORMED = Long.MIN_VALUE;

    private WireScan()
    {
    }

    /** The varint at {@code pos}, or {@link #MALFORMED} when it does not end before {@code end}. */
    static long varint(final ByteBuf buf, final int pos, final int end)
    {
        long result = 0;
        int p = pos;
        for (int shift = 0; shift < 64 && p < end; shift += 7)
        {
            final byte b = buf.getByte(p++);
            result |= (long)(b & 0x7F) << shift;
            if (b >= 0)
            {
                return result;
            }
        }
        return MALFORMED;
    }

    /** Where the varint at {@code pos} ends, or -1 when it does not end before {@code end}. */
    static int skipVarint(final ByteBuf buf, final int pos, final int end)
    {
        int p = pos;
        for (int i = 0; i < 10 && p < end; i++)
        {
            if (buf.getByte(p++) >= 0)
            {
                return p;
            }
        }
        return -1;
    }

    /**
     * Where the value of a field of wire type {@code wire} starting at {@code pos} ends (for a length-delimited field
     * the end of its content), or -1 when it is malformed or runs past {@code end}.
     */
    static int skipValue(final ByteBuf buf, final int pos, final int end, final int wire)
    {
        final int after;
        switch (wire)
        {
            case WIRE_VARINT -> after = skipVarint(buf, pos, end);
            case WIRE_I64 -> after = pos + 8;
            case WIRE_I32 -> after = pos + 4;
            case WIRE_LEN ->
            {
                final long length = varint(buf, pos, end);
                final int content = skipVarint(buf, pos, end);
                after = length < 0 || content < 0 || length > end - content ? -1 : content + (int)length;
            }
            default -> after = -1;
        }
        return after < 0 || after > end ? -1 : after;
    }

    /** Start of a length-delimited field's content whose length prefix starts at {@code pos}; -1 when malformed. */
    static int contentStart(final ByteBuf buf, final int pos, final int end)
    {
        return skipVarint(buf, pos, end);
    }

    /** A top-level varint field of the message in [offset, offset + length), or {@code missing} when absent. */
    static long findVarint(final ByteBuf buf, final int offset, final int length, final int wantedField, final long missing)
    {
        final int end = offset + length;
        int pos = offset;
        while (pos < end)
        {
            final long tag = varint(buf, pos, end);
            pos = skipVarint(buf, pos, end);
            if (tag < 0 || pos < 0)
            {
                return missing;
            }
            final int wire = (int)(tag & 7);
            if ((tag >>> 3) == wantedField && wire == WIRE_VARINT)
            {
                final long value = varint(buf, pos, end);
                return value == MALFORMED ? missing : value;
            }
            pos = skipValue(buf, pos, end, wire);
            if (pos < 0)
            {
                return missing;
            }
        }
        return missing;
    }
}
