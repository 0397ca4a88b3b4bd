package io.emcomm.protocol.envelope;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * A reusable flyweight over the payload of a DELIVERY frame (protocol.md sections 7.1 and 14): it reads
 * {@code journal_index} (1), {@code journaled_at_micros} (3), {@code replay_request_id} (4), {@code delivery_seq} (5),
 * and on a peer link {@code origin_kind} (6) and {@code origin_region} (7), and records where the envelope (2) lies
 * in the buffer without copying or parsing it, so a receiving router can journal those bytes exactly as received
 * and read their header with {@link EnvelopeHeader}. Fields are read in any order; fields it does not know are
 * skipped as protobuf skips them.
 *
 * <p>The buffer is read in place, a byte at a time: a DELIVERY's top level is a handful of fields, and the envelope,
 * by far its largest part, is skipped by its length. Nothing is allocated except by {@link #originRegion()}, which
 * keeps the last string it made and returns it again while the bytes are the same (a peer link carries many
 * messages from one region in a row).
 *
 * <p>Not thread-safe: one instance per thread (a peer link's event loop), re-wrapped for every frame. The buffer must
 * not change while the flyweight is in use.
 */
public final class DeliveryHeader
{
    private static final int WIRE_VARINT = 0;
    private static final int WIRE_I64 = 1;
    private static final int WIRE_LEN = 2;
    private static final int WIRE_I32 = 5;

    private ByteBuf buffer;
    private long journalIndex;
    private long journaledAtMicros;
    private long replayRequestId;
    private long deliverySeq;
    private int originKind;
    private int originRegionOffset;
    private int originRegionLength;
    private int envelopeOffset;
    private int envelopeLength;
    private String problem;
    private int varintEnd;

    /** The last string {@link #originRegion()} made, and the bytes it was made from. */
    private String lastRegion = "";
    private byte[] lastRegionBytes = new byte[0];

    /**
     * Wraps and reads a DELIVERY payload.
     *
     * @param buffer the buffer holding the payload (for a frame from {@code FrameDecoder}: after its type byte)
     * @param offset where the payload starts in {@code buffer}
     * @param length the payload's length in bytes
     * @return true when the payload is well formed and carries an envelope; otherwise {@link #problem()} says why
     * @throws IndexOutOfBoundsException when offset and length do not lie inside the buffer's capacity
     */
    public boolean wrap(final ByteBuf buffer, final int offset, final int length)
    {
        if (offset < 0 || length < 0 || offset > buffer.capacity() - length)
        {
            throw new IndexOutOfBoundsException("offset " + offset + " length " + length + " in a buffer of " + buffer.capacity());
        }
        this.buffer = buffer;
        journalIndex = 0;
        journaledAtMicros = 0;
        replayRequestId = 0;
        deliverySeq = 0;
        originKind = 0;
        originRegionOffset = offset;
        originRegionLength = 0;
        envelopeOffset = -1;
        envelopeLength = 0;
        problem = null;

        final int end = offset + length;
        int pos = offset;
        while (pos < end)
        {
            final long tag = readVarint(pos, end);
            if (varintEnd < 0)
            {
                return fail("truncated field tag");
            }
            if ((tag >>> 32) != 0)
            {
                return fail("field tag out of range");
            }
            pos = varintEnd;
            final int field = (int)(tag >>> 3);
            final int wire = (int)(tag & 7);
            if (field == 0)
            {
                return fail("field number 0");
            }
            final int expectedWire = field == 2 || field == 7 ? WIRE_LEN : field <= 6 ? WIRE_VARINT : -1;
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
                        case 1 -> journalIndex = value;
                        case 3 -> journaledAtMicros = value;
                        case 4 -> replayRequestId = value;
                        case 5 -> deliverySeq = value;
                        // an enum is read as 32 bits, as protobuf does; an out-of-range value is the caller's to judge
                        case 6 -> originKind = (int)value;
                        default ->
                        {
                        }
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
                        return fail("length of field " + field + " runs past the end of the delivery");
                    }
                    final int start = varintEnd;
                    pos = start + (int)len;
                    if (field == 2)
                    {
                        // the last occurrence wins, as protobuf merges a repeated singular field; a sender never does it
                        envelopeOffset = start;
                        envelopeLength = (int)len;
                    }
                    else if (field == 7)
                    {
                        originRegionOffset = start;
                        originRegionLength = (int)len;
                    }
                    break;
                }
                default:
                    return fail("unsupported wire type " + wire + " in field " + field);
            }
            if (pos > end)
            {
                return fail("field " + field + " runs past the end of the delivery");
            }
        }
        if (envelopeOffset < 0)
        {
            return fail("the delivery carries no envelope");
        }
        return true;
    }

    /** Why the last {@link #wrap} failed; null after a successful one. */
    public String problem()
    {
        return problem;
    }

    /** Field 1, the journal index at the sending router; 0 when absent. */
    public long journalIndex()
    {
        return journalIndex;
    }

    /** Field 3, the sending router's clock when it journaled the message, microseconds since the epoch; 0 when absent. */
    public long journaledAtMicros()
    {
        return journaledAtMicros;
    }

    /** Field 4, set on REPLAY_ITEM only; 0 when absent. */
    public long replayRequestId()
    {
        return replayRequestId;
    }

    /** Field 5, the frame's number on its connection (protocol.md 7.1); 0 when absent. */
    public long deliverySeq()
    {
        return deliverySeq;
    }

    /** Field 6, the origin's {@code TerminalKind} number where the message entered (peer links only); 0 when absent. */
    public int originKind()
    {
        return originKind;
    }

    /** Where field 7's bytes start in the buffer. */
    public int originRegionOffset()
    {
        return originRegionOffset;
    }

    /** Field 7's length in bytes; 0 when absent. */
    public int originRegionLength()
    {
        return originRegionLength;
    }

    /**
     * Field 7, the origin's region code where the message entered (peer links only); "" when absent. Allocates only
     * when the bytes differ from those of the last call.
     */
    public String originRegion()
    {
        final int length = originRegionLength;
        if (length == 0)
        {
            return "";
        }
        final byte[] last = lastRegionBytes;
        boolean same = last.length == length;
        for (int i = 0; same && i < length; i++)
        {
            same = buffer.getByte(originRegionOffset + i) == last[i];
        }
        if (!same)
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(originRegionOffset, bytes);
            lastRegionBytes = bytes;
            lastRegion = new String(bytes, StandardCharsets.UTF_8);
        }
        return lastRegion;
    }

    /** Where the envelope's bytes (field 2) start in the buffer. */
    public int envelopeOffset()
    {
        return envelopeOffset;
    }

    /** The envelope's length in bytes. */
    public int envelopeLength()
    {
        return envelopeLength;
    }

    /** Reads a varint at pos; sets varintEnd to the next position, or -1 if it is truncated or longer than ten bytes. */
    private long readVarint(final int pos, final int end)
    {
        long result = 0;
        int shift = 0;
        int p = pos;
        while (p < end && shift < 64)
        {
            final byte b = buffer.getByte(p++);
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
}
