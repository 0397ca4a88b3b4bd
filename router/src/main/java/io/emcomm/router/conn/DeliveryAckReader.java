package io.emcomm.router.conn;

import io.emcomm.protocol.frame.Frames;
import io.netty.buffer.ByteBuf;

/**
 * Reads a DELIVERY_ACK frame in place (protocol.md section 7.3): {@code journal_index} (field 1) and
 * {@code through_delivery_seq} (field 2, the cumulative extension of version 1). Acks come at the message rate, so
 * no parse objects: one reader per connection keeps the two values of the last frame read. Event loop of the
 * connection.
 */
public final class DeliveryAckReader
{
    private static final int JOURNAL_INDEX_TAG = 0x08;
    private static final int THROUGH_DELIVERY_SEQ_TAG = 0x10;

    private long journalIndex;
    private long throughDeliverySeq;
    private int p;

    /**
     * Reads the payload of {@code frame} (positioned at its type byte). Fields this reader does not know are skipped,
     * as protobuf requires of a reader (a newer client may send more): varint, 64-bit, length-delimited and 32-bit
     * fields.
     *
     * @return false when the payload does not parse: a varint cut short or longer than ten bytes, a length past the
     * end, or a wire type protobuf 3 does not use (groups, 6, 7).
     */
    public boolean read(final ByteBuf frame)
    {
        journalIndex = 0;
        throughDeliverySeq = 0;
        p = frame.readerIndex() + Frames.TYPE_BYTES;
        final int end = frame.writerIndex();
        while (p < end)
        {
            final long tag = varint(frame, end);
            if (p < 0)
            {
                return false;
            }
            if (tag == JOURNAL_INDEX_TAG)
            {
                journalIndex = varint(frame, end);
            }
            else if (tag == THROUGH_DELIVERY_SEQ_TAG)
            {
                throughDeliverySeq = varint(frame, end);
            }
            else
            {
                skip(frame, end, (int)(tag & 7));
            }
            if (p < 0)
            {
                return false;
            }
        }
        return true;
    }

    /** Skips the value of an unknown field of {@code wireType} at {@code p}; sets {@code p} to -1 when it cannot. */
    private void skip(final ByteBuf frame, final int end, final int wireType)
    {
        final long length = switch (wireType)
        {
            case 0 ->
            {
                varint(frame, end); // the value is the field; nothing follows it
                yield 0;
            }
            case 1 -> 8;
            case 2 -> varint(frame, end);
            case 5 -> 4;
            default -> -1;
        };
        if (p < 0 || length < 0 || length > end - p)
        {
            p = -1;
            return;
        }
        p += (int)length;
    }

    /** Field 1 of the last frame read, 0 when absent. */
    public long journalIndex()
    {
        return journalIndex;
    }

    /** Field 2 of the last frame read, 0 when absent. */
    public long throughDeliverySeq()
    {
        return throughDeliverySeq;
    }

    /** The varint at {@code p}; on a malformed one, sets {@code p} to -1. */
    private long varint(final ByteBuf frame, final int end)
    {
        long value = 0;
        int shift = 0;
        while (true)
        {
            if (p >= end || shift > 63)
            {
                p = -1;
                return 0;
            }
            final byte b = frame.getByte(p++);
            value |= (long)(b & 0x7F) << shift;
            shift += 7;
            if (b >= 0)
            {
                return value;
            }
        }
    }
}
