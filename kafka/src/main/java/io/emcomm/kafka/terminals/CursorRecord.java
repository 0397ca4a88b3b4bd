package io.emcomm.kafka.terminals;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.apache.kafka.common.utils.ByteUtils;

/**
 * The value of {@code terminalId|epoch|cursor}: the terminal's durable cursor (every journal index up to and
 * including it is acknowledged) and the acknowledgements above it, the whole set each time, so that the last
 * record of the key (all compaction keeps) is the whole state. Encoded as {@code u8 version | varlong cursor |
 * varint count | count × varlong gap} where each gap is the distance to the previous index (the cursor for the
 * first). Immutable (the array is not copied: do not change it); any thread.
 *
 * @param cursor the cursor (a journal index, or -1 before the first message)
 * @param acks   acknowledged indexes above the cursor, ascending
 */
public record CursorRecord(long cursor, long[] acks)
{
    private static final byte VERSION = 1;
    private static final long[] NONE = new long[0];

    /**
     * A cursor with no acknowledgement above it.
     *
     * @param cursor the cursor
     * @return the record
     */
    public static CursorRecord of(final long cursor)
    {
        return new CursorRecord(cursor, NONE);
    }

    /** @return the encoded value */
    public byte[] encode()
    {
        final ByteBuffer b = ByteBuffer.allocate(1 + 10 + 5 + 10 * acks.length);
        b.put(VERSION);
        ByteUtils.writeVarlong(cursor, b);
        ByteUtils.writeVarint(acks.length, b);
        long previous = cursor;
        for (final long ack : acks)
        {
            ByteUtils.writeVarlong(ack - previous, b);
            previous = ack;
        }
        return TerminalCodec.bytes(b);
    }

    /**
     * Decodes a value.
     *
     * @param value the bytes
     * @return the record
     * @throws IllegalArgumentException when the bytes are not a cursor record of a version this code reads
     */
    public static CursorRecord decode(final byte[] value)
    {
        final ByteBuffer b = TerminalCodec.open(value, VERSION);
        final long cursor = ByteUtils.readVarlong(b);
        final int count = ByteUtils.readVarint(b);
        if (count < 0 || count > b.remaining())
        {
            throw new IllegalArgumentException("cursor record with " + count + " acks in " + b.remaining() + " bytes");
        }
        final long[] acks = new long[count];
        long previous = cursor;
        for (int i = 0; i < count; i++)
        {
            previous += ByteUtils.readVarlong(b);
            acks[i] = previous;
        }
        return new CursorRecord(cursor, acks);
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof CursorRecord r && r.cursor == cursor && Arrays.equals(r.acks, acks);
    }

    @Override
    public int hashCode()
    {
        return Long.hashCode(cursor) * 31 + Arrays.hashCode(acks);
    }

    @Override
    public String toString()
    {
        return "cursor " + cursor + " acks " + Arrays.toString(acks);
    }
}
