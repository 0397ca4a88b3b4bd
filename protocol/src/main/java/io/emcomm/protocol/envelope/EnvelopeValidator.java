package io.emcomm.protocol.envelope;

import io.emcomm.protocol.wire.Envelope;
import io.netty.buffer.ByteBuf;

/**
 * Decides whether an encoded {@code Envelope} would parse with protobuf-java ({@code Envelope.parseFrom}) without
 * parsing it: one walk over the wire format, guided by a field table built once from the descriptors, that checks
 * what the parser checks and builds nothing. The router uses it so that nothing a receiver could not parse is
 * journaled, at a fraction of the cost of a parse and without its garbage.
 *
 * <p>What protobuf-java refuses, and so does this: a truncated varint, length-delimited field or fixed32/64; a varint
 * longer than 10 bytes; field number 0; wire types 6 and 7; a negative length; a string field (proto3 {@code string})
 * that is not well-formed UTF-8, at any depth; message and group nesting deeper than protobuf's default recursion
 * limit of {@value #RECURSION_LIMIT}, unknown groups included; an END_GROUP that does not close the group it ends
 * (or ends a message); a group left open; a packed fixed-width field whose length is not a multiple of the width.
 * What it accepts, as protobuf-java does: unknown fields of wire types 0, 1, 2, 3 (a well-formed group) and 5,
 * skipped by wire type (an unknown length-delimited field is not looked into); a known field with the wrong wire
 * type, which protobuf treats as an unknown field; repeated scalars packed or not; any enum number (proto3 enums are
 * open); tags whose varint carries more than 32 bits, of which protobuf keeps the low 32, as this does; and, in a
 * 64-bit varint (int64, uint64, sint64, bool, any unknown varint), a tenth byte with the continuation bit set if its
 * lowest bit is set, a quirk of protobuf-java's fast path that this mirrors (32-bit varints, tags and lengths are
 * strict).
 *
 * <p>Not thread-safe (it keeps a cursor and a copy buffer): one instance per thread, such as an event loop. Nothing
 * is allocated after construction, except that a direct or composite buffer is copied into a reusable array that
 * grows when an envelope is larger than any before it, and nothing is retained between calls. (Netty copies out of
 * pooled and Unsafe direct buffers without allocating; only a direct buffer without Unsafe duplicates its NIO buffer
 * for the copy.)
 */
public final class EnvelopeValidator
{
    /** protobuf-java's default recursion limit: how many messages and groups may nest inside the envelope. */
    public static final int RECURSION_LIMIT = 100;

    static final String TRUNCATED = "truncated: a field runs past the end of its message";
    static final String MALFORMED_VARINT = "malformed varint: longer than 10 bytes";
    static final String FIELD_ZERO = "invalid tag: field number 0";
    static final String INVALID_WIRE_TYPE = "invalid wire type 6 or 7";
    static final String NEGATIVE_LENGTH = "negative length";
    static final String INVALID_UTF8 = "a string field is not valid UTF-8";
    static final String TOO_DEEP = "messages and groups nested deeper than " + RECURSION_LIMIT;
    static final String STRAY_END_GROUP = "END_GROUP outside a group";
    static final String MISMATCHED_END_GROUP = "END_GROUP does not match its START_GROUP";
    static final String OPEN_GROUP = "a group is not closed";

    private static final MessageTable ENVELOPE = MessageTable.of(Envelope.getDescriptor());
    private static final int WIRE_VARINT = 0;
    private static final int WIRE_I64 = 1;
    private static final int WIRE_LEN = 2;
    private static final int WIRE_START_GROUP = 3;
    private static final int WIRE_END_GROUP = 4;
    private static final int WIRE_I32 = 5;

    private byte[] copy;
    /** The bytes being walked: the heap buffer's own array, or {@link #copy}. Cleared after each call. */
    private byte[] bytes;
    private int pos;
    /** The low 32 bits of the last varint read by {@link #readVarint32}. */
    private int value;
    private String problem;

    /** A validator with a 64 KiB copy buffer, the default maximum frame. */
    public EnvelopeValidator()
    {
        this(65536);
    }

    /** A validator whose copy buffer (for direct buffers) starts at {@code initialCopyBytes}. */
    public EnvelopeValidator(final int initialCopyBytes)
    {
        copy = new byte[Math.max(16, initialCopyBytes)];
    }

    /**
     * Checks the envelope in {@code buf[offset, offset + length)}; the buffer's indexes are not moved.
     *
     * @return null when {@code Envelope.parseFrom} would accept these bytes, else a short constant description.
     */
    public String problem(final ByteBuf buf, final int offset, final int length)
    {
        if (offset < 0 || length < 0 || offset > buf.capacity() - length)
        {
            throw new IndexOutOfBoundsException("offset " + offset + ", length " + length + ", capacity " + buf.capacity());
        }
        if (buf.hasArray())
        {
            return walk(buf.array(), buf.arrayOffset() + offset, length);
        }
        if (copy.length < length)
        {
            copy = new byte[Math.max(length, copy.length * 2)];
        }
        buf.getBytes(offset, copy, 0, length);
        return walk(copy, 0, length);
    }

    /** As {@link #problem(ByteBuf, int, int)}, for an envelope in an array. */
    public String problem(final byte[] envelope, final int offset, final int length)
    {
        if (offset < 0 || length < 0 || offset > envelope.length - length)
        {
            throw new IndexOutOfBoundsException("offset " + offset + ", length " + length + ", array " + envelope.length);
        }
        return walk(envelope, offset, length);
    }

    private String walk(final byte[] envelope, final int offset, final int length)
    {
        bytes = envelope;
        pos = offset;
        problem = null;
        final boolean ok = fields(ENVELOPE, offset + length, 0, 0);
        bytes = null;
        return ok ? null : problem;
    }

    /**
     * Walks fields from {@link #pos} to {@code end}, as protobuf-java's generated {@code mergeFrom} (known fields) and
     * {@code UnknownFieldSet} (everything else) read them. {@code table} is null inside an unknown group.
     *
     * @param depth  how many messages and groups enclose these fields (0 for the envelope itself)
     * @param endTag 0 for a length-delimited message, which ends at {@code end}; for a group, the END_GROUP tag
     *               that must close it before {@code end}
     */
    private boolean fields(final MessageTable table, final int end, final int depth, final int endTag)
    {
        while (pos < end)
        {
            if (!readVarint32(end))
            {
                return false;
            }
            final int tag = value;
            final int number = tag >>> 3;
            final int wire = tag & 7;
            if (number == 0)
            {
                return fail(FIELD_ZERO);
            }
            if (table != null)
            {
                final int kind = table.kind(number);
                if (kind != MessageTable.NONE)
                {
                    final int base = kind & MessageTable.KIND_MASK;
                    if (wire == MessageTable.WIRE_TYPE[base])
                    {
                        if (!known(table, number, base, end, depth))
                        {
                            return false;
                        }
                        continue;
                    }
                    if (wire == WIRE_LEN && (kind & MessageTable.PACKABLE) != 0)
                    {
                        if (!packed(base, end))
                        {
                            return false;
                        }
                        continue;
                    }
                    // a known field with another wire type is an unknown field to protobuf-java: skipped below
                }
            }
            switch (wire)
            {
                case WIRE_VARINT:
                    // UnknownFieldSet reads an unknown varint with readInt64
                    if (!skipVarint64(end))
                    {
                        return false;
                    }
                    break;
                case WIRE_I64:
                    if (!skip(8, end))
                    {
                        return false;
                    }
                    break;
                case WIRE_LEN:
                    if (!readLength(end))
                    {
                        return false;
                    }
                    pos += value;
                    break;
                case WIRE_START_GROUP:
                    if (depth >= RECURSION_LIMIT)
                    {
                        return fail(TOO_DEEP);
                    }
                    if (!fields(null, end, depth + 1, endGroupTag(number)))
                    {
                        return false;
                    }
                    break;
                case WIRE_END_GROUP:
                    // protobuf stops the enclosing loop here and then checks this was the tag it expected
                    return tag == endTag || fail(endTag == 0 ? STRAY_END_GROUP : MISMATCHED_END_GROUP);
                case WIRE_I32:
                    if (!skip(4, end))
                    {
                        return false;
                    }
                    break;
                default:
                    return fail(INVALID_WIRE_TYPE);
            }
        }
        // the end of the message (or of the enclosing one, for a group): protobuf reads this as tag 0
        return endTag == 0 || fail(OPEN_GROUP);
    }

    /** A known field with its declared wire type, the tag already read. */
    private boolean known(final MessageTable table, final int number, final int kind, final int end, final int depth)
    {
        switch (kind)
        {
            case MessageTable.VARINT32:
                return skipVarint32(end);
            case MessageTable.VARINT64:
                return skipVarint64(end);
            case MessageTable.I64:
                return skip(8, end);
            case MessageTable.I32:
                return skip(4, end);
            case MessageTable.BYTES:
                if (!readLength(end))
                {
                    return false;
                }
                pos += value;
                return true;
            case MessageTable.STRING:
            {
                if (!readLength(end))
                {
                    return false;
                }
                final int start = pos;
                pos += value;
                return Utf8Check.isValid(bytes, start, pos) || fail(INVALID_UTF8);
            }
            case MessageTable.MESSAGE:
            {
                if (!readLength(end))
                {
                    return false;
                }
                if (depth >= RECURSION_LIMIT)
                {
                    return fail(TOO_DEEP);
                }
                // the walk stops exactly at the sub-message's end: every read is bounded by it
                return fields(table.child(number), pos + value, depth + 1, 0);
            }
            case MessageTable.GROUP:
                if (depth >= RECURSION_LIMIT)
                {
                    return fail(TOO_DEEP);
                }
                return fields(table.child(number), end, depth + 1, endGroupTag(number));
            default:
                throw new IllegalStateException("kind " + kind);
        }
    }

    /** A packed repeated scalar: a length, then varints or fixed-width values filling it exactly. */
    private boolean packed(final int kind, final int end)
    {
        if (!readLength(end))
        {
            return false;
        }
        final int packedEnd = pos + value;
        if (kind == MessageTable.VARINT32 || kind == MessageTable.VARINT64)
        {
            while (pos < packedEnd)
            {
                if (!(kind == MessageTable.VARINT32 ? skipVarint32(packedEnd) : skipVarint64(packedEnd)))
                {
                    return false;
                }
            }
            return true;
        }
        // protobuf reads whole values until the limit; a partial last one runs past it
        final int width = kind == MessageTable.I64 ? 8 : 4;
        if (value % width != 0)
        {
            return fail(TRUNCATED);
        }
        pos = packedEnd;
        return true;
    }

    private static int endGroupTag(final int number)
    {
        return (number << 3) | WIRE_END_GROUP;
    }

    /** Reads a length prefix into {@link #value} and checks the bytes it counts lie before {@code end}. */
    private boolean readLength(final int end)
    {
        if (!readVarint32(end))
        {
            return false;
        }
        if (value < 0)
        {
            return fail(NEGATIVE_LENGTH);
        }
        return value <= end - pos || fail(TRUNCATED);
    }

    /**
     * Reads a varint into {@link #value}, keeping its low 32 bits as protobuf's {@code readRawVarint32} does (which
     * still reads, and bounds, up to 10 bytes).
     */
    private boolean readVarint32(final int end)
    {
        final byte[] b = bytes;
        int p = pos;
        int result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (p == end)
            {
                return fail(TRUNCATED);
            }
            final byte next = b[p++];
            if (shift < 32)
            {
                result |= (next & 0x7F) << shift;
            }
            if (next >= 0)
            {
                pos = p;
                value = result;
                return true;
            }
        }
        return fail(MALFORMED_VARINT);
    }

    /** Skips a varint as readRawVarint32 does: it must end within 10 bytes. */
    private boolean skipVarint32(final int end)
    {
        final byte[] b = bytes;
        for (int p = pos, n = 0; n < 10; p++, n++)
        {
            if (p == end)
            {
                return fail(TRUNCATED);
            }
            if (b[p] >= 0)
            {
                pos = p + 1;
                return true;
            }
        }
        return fail(MALFORMED_VARINT);
    }

    /**
     * Skips a varint as readRawVarint64 does. Its fast path (taken whenever ten bytes remain, so whenever a tenth
     * byte exists) shifts the tenth byte left by 63 and tests the sign: a tenth byte whose lowest bit is set ends
     * the varint whatever its continuation bit, so 0x81 there is accepted and 0x80 is not.
     */
    private boolean skipVarint64(final int end)
    {
        final byte[] b = bytes;
        for (int p = pos, n = 0; n < 10; p++, n++)
        {
            if (p == end)
            {
                return fail(TRUNCATED);
            }
            final byte next = b[p];
            if (next >= 0 || (n == 9 && (next & 1) != 0))
            {
                pos = p + 1;
                return true;
            }
        }
        return fail(MALFORMED_VARINT);
    }

    private boolean skip(final int count, final int end)
    {
        if (end - pos < count)
        {
            return fail(TRUNCATED);
        }
        pos += count;
        return true;
    }

    private boolean fail(final String why)
    {
        problem = why;
        return false;
    }
}
