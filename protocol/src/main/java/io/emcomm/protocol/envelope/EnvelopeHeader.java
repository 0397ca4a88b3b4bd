package io.emcomm.protocol.envelope;

import io.emcomm.protocol.wire.Precedence;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * A reusable flyweight over the routing header of an encoded {@code Envelope} (fields 1-15). It walks
 * the top level of the message once, records where the origin and the destination strings lie and
 * reads the numeric fields, and skips the body by its length without parsing it. Nothing is allocated
 * unless a string accessor is called.
 *
 * <p>The envelope is first copied into an array the flyweight owns (one bounds check and a memcpy of a few
 * hundred bytes) and scanned there: reading a pooled, sliced {@link ByteBuf} byte by byte costs a bounds
 * check, a liveness check and a virtual call per byte, which profiling showed to be several times the
 * cost of the copy. The copy is also what {@link EnvelopeValidator} walks, so a publish is copied once.
 *
 * <p>Not thread-safe: one instance per thread (an event loop), re-wrapped for every message.
 */
public final class EnvelopeHeader
{
    public static final int MAX_DESTINATIONS = 64;

    private static final int WIRE_VARINT = 0;
    private static final int WIRE_I64 = 1;
    private static final int WIRE_LEN = 2;
    private static final int WIRE_I32 = 5;

    private static final int INITIAL_COPY_BYTES = 1024;

    /** The wrapped envelope: a copy of the ByteBuf's bytes, or the caller's array (see {@link #wrap(byte[], int, int)}). */
    private byte[] bytes;
    private byte[] copy = new byte[INITIAL_COPY_BYTES];
    /** Where the envelope starts in {@link #bytes}. */
    private int base;
    /** Where the envelope starts in the caller's buffer or array: the offsets this class reports are relative to it. */
    private int offset;
    private int length;
    private int originOffset;
    private int originLength;
    private long originSequence;
    private int precedence;
    private long createdAtMicros;
    private long expiresAtMicros;
    private boolean wantReceipts;
    private int bodyField;
    private int destinationCount;
    private final int[] destinationOffsets = new int[MAX_DESTINATIONS];
    private final int[] destinationLengths = new int[MAX_DESTINATIONS];
    private String problem;
    private boolean tooManyDestinations;

    /**
     * Wraps and scans an envelope.
     *
     * @return true when the top level is well formed; otherwise {@link #problem()} says why.
     */
    public boolean wrap(final ByteBuf buffer, final int offset, final int length)
    {
        if (offset < 0 || length < 0 || offset > buffer.capacity() - length)
        {
            throw new IndexOutOfBoundsException("offset " + offset + " length " + length + " in a buffer of " + buffer.capacity());
        }
        if (buffer.hasArray())
        {
            return scan(buffer.array(), buffer.arrayOffset() + offset, offset, length);
        }
        if (copy.length < length)
        {
            copy = new byte[Math.max(length, copy.length * 2)];
        }
        buffer.getBytes(offset, copy, 0, length);
        return scan(copy, 0, offset, length);
    }

    /**
     * Wraps and scans an envelope held in an array (a journal entry), without copying it. The array must
     * not change while the flyweight is in use.
     *
     * @return true when the top level is well formed; otherwise {@link #problem()} says why.
     */
    public boolean wrap(final byte[] envelope, final int offset, final int length)
    {
        if (offset < 0 || length < 0 || offset > envelope.length - length)
        {
            throw new IndexOutOfBoundsException("offset " + offset + " length " + length + " in " + envelope.length + " bytes");
        }
        return scan(envelope, offset, offset, length);
    }

    /**
     * The scan proper. Positions inside it are indices into {@code array}; {@code reported} is the offset the
     * caller passed, to which the offsets this class reports are relative.
     */
    private boolean scan(final byte[] array, final int base, final int reported, final int length)
    {
        this.bytes = array;
        this.base = base;
        this.offset = reported;
        this.length = length;
        originOffset = -1;
        originLength = 0;
        originSequence = 0;
        precedence = 0;
        createdAtMicros = 0;
        expiresAtMicros = 0;
        wantReceipts = false;
        bodyField = 0;
        destinationCount = 0;
        problem = null;
        tooManyDestinations = false;

        final int end = base + length;
        int pos = base;
        while (pos < end)
        {
            final long tag = readVarint(pos, end);
            if (tag < 0)
            {
                return fail("truncated field tag");
            }
            if ((tag >>> 32) != 0)
            {
                // protobuf reads tags as 32 bits; a longer one would name a different field to receivers than to
                // us (found by fuzzing: an origin hidden from the router's check)
                return fail("field tag out of range");
            }
            pos = varintEnd;
            final int field = (int)(tag >>> 3);
            final int wire = (int)(tag & 7);
            if (field == 0)
            {
                return fail("field number 0");
            }
            final int expectedWire = headerWireType(field);
            if (expectedWire >= 0 && wire != expectedWire)
            {
                return fail("field " + field + " has the wrong wire type " + wire);
            }
            switch (wire)
            {
                case WIRE_VARINT:
                {
                    final long value = readVarint(pos, end);
                    if (varintEnd < 0)
                    {
                        return fail("truncated varint in field " + field);
                    }
                    pos = varintEnd;
                    switch (field)
                    {
                        case 2: originSequence = value; break;
                        case 4: precedence = (int)value; break;
                        case 5: createdAtMicros = value; break;
                        case 6: expiresAtMicros = value; break;
                        case 7: wantReceipts = value != 0; break;
                        default: break;
                    }
                    break;
                }
                case WIRE_I64:
                    pos += 8;
                    break;
                case WIRE_I32:
                    pos += 4;
                    break;
                case WIRE_LEN:
                {
                    final long len = readVarint(pos, end);
                    if (varintEnd < 0 || len < 0 || len > end - varintEnd)
                    {
                        return fail("length of field " + field + " runs past the end of the envelope");
                    }
                    final int start = varintEnd;
                    pos = start + (int)len;
                    if (field == 1)
                    {
                        originOffset = start;
                        originLength = (int)len;
                    }
                    else if (field == 3)
                    {
                        if (destinationCount == MAX_DESTINATIONS)
                        {
                            tooManyDestinations = true;
                            return fail("more than " + MAX_DESTINATIONS + " destinations");
                        }
                        destinationOffsets[destinationCount] = start;
                        destinationLengths[destinationCount] = (int)len;
                        destinationCount++;
                    }
                    else if (field >= 20 && field < 40)
                    {
                        bodyField = field;
                    }
                    break;
                }
                default:
                    return fail("unsupported wire type " + wire + " in field " + field);
            }
            if (pos > end)
            {
                return fail("field " + field + " runs past the end of the envelope");
            }
        }
        return true;
    }

    private int varintEnd;

    /**
     * The wire type a known header field must have, or -1 for a field this version does not read. Unknown
     * fields of any supported wire type are skipped, as protobuf does, so that a newer client may add header
     * fields (8-15) without being refused by an older router.
     */
    private static int headerWireType(final int field)
    {
        switch (field)
        {
            case 1:
            case 3:
                return WIRE_LEN;
            case 2:
            case 4:
            case 5:
            case 6:
            case 7:
                return WIRE_VARINT;
            default:
                return -1;
        }
    }

    /** Reads a varint at pos; sets varintEnd to the next position, or -1 (and returns -1) if truncated. */
    private long readVarint(final int pos, final int end)
    {
        long result = 0;
        int shift = 0;
        int p = pos;
        while (p < end && shift < 64)
        {
            final byte b = bytes[p++];
            result |= (long)(b & 0x7F) << shift;
            if (b >= 0)
            {
                varintEnd = p;
                return result;
            }
            shift += 7;
        }
        varintEnd = -1;
        return -1;
    }

    private boolean fail(final String why)
    {
        problem = why;
        return false;
    }

    /** True when {@link #wrap} failed because the envelope has more than {@link #MAX_DESTINATIONS} destinations. */
    public boolean tooManyDestinations()
    {
        return tooManyDestinations;
    }

    public String problem()
    {
        return problem;
    }

    /**
     * The array holding the wrapped envelope, from {@link #arrayOffset()} for {@link #length()} bytes: the
     * flyweight's own copy after {@link #wrap(ByteBuf, int, int)}, the caller's array after
     * {@link #wrap(byte[], int, int)}. Valid until the next wrap; never modify it.
     */
    public byte[] array()
    {
        return bytes;
    }

    public int arrayOffset()
    {
        return base;
    }

    /** The offset the envelope was wrapped at, in the caller's buffer or array. */
    public int offset()
    {
        return offset;
    }

    public int length()
    {
        return length;
    }

    public boolean hasOrigin()
    {
        return originOffset >= 0;
    }

    public String origin()
    {
        return originOffset < 0 ? "" : new String(bytes, originOffset, originLength, StandardCharsets.UTF_8);
    }

    /** Compares the origin with an ASCII string without allocating. */
    public boolean originEquals(final String expected)
    {
        return asciiEquals(originOffset, originLength, expected);
    }

    public long originSequence()
    {
        return originSequence;
    }

    /** Precedence number as on the wire; 0 (unspecified) and unknown numbers read as ROUTINE. */
    public int precedenceNumber()
    {
        return precedence >= Precedence.ROUTINE_VALUE && precedence <= Precedence.FLASH_VALUE ? precedence : Precedence.ROUTINE_VALUE;
    }

    public Precedence precedence()
    {
        return Precedence.forNumber(precedenceNumber());
    }

    public long createdAtMicros()
    {
        return createdAtMicros;
    }

    public long expiresAtMicros()
    {
        return expiresAtMicros;
    }

    public boolean isExpiredAt(final long nowMicros)
    {
        return expiresAtMicros > 0 && nowMicros >= expiresAtMicros;
    }

    public boolean wantReceipts()
    {
        return wantReceipts;
    }

    /** Field number of the body (20 position, 21 text, ...), or 0 when there is none. */
    public int bodyField()
    {
        return bodyField;
    }

    public int destinationCount()
    {
        return destinationCount;
    }

    /** Where destination i starts, in the caller's buffer or array (the same index space as {@link #offset()}). */
    public int destinationOffset(final int i)
    {
        return destinationOffsets[i] - base + offset;
    }

    public int destinationLength(final int i)
    {
        return destinationLengths[i];
    }

    public String destination(final int i)
    {
        return new String(bytes, destinationOffsets[i], destinationLengths[i], StandardCharsets.UTF_8);
    }

    /** Compares destination i with an ASCII string without allocating. */
    public boolean destinationEquals(final int i, final String expected)
    {
        return asciiEquals(destinationOffsets[i], destinationLengths[i], expected);
    }

    /** A hash of destination i's bytes, equal to {@link #hashAscii(String)} of the same text. */
    public int destinationHash(final int i)
    {
        int h = 0;
        final int start = destinationOffsets[i];
        final int end = start + destinationLengths[i];
        for (int p = start; p < end; p++)
        {
            h = 31 * h + (bytes[p] & 0xFF);
        }
        return h;
    }

    /** The hash of an ASCII string, equal to {@link #destinationHash(int)} of the same text in an envelope. */
    public static int hashAscii(final String s)
    {
        int h = 0;
        for (int i = 0; i < s.length(); i++)
        {
            h = 31 * h + (s.charAt(i) & 0xFF);
        }
        return h;
    }

    private boolean asciiEquals(final int start, final int len, final String expected)
    {
        if (start < 0 || len != expected.length())
        {
            return false;
        }
        for (int i = 0; i < len; i++)
        {
            if ((bytes[start + i] & 0xFF) != expected.charAt(i))
            {
                return false;
            }
        }
        return true;
    }
}
