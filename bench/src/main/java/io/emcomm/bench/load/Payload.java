package io.emcomm.bench.load;

import io.netty.buffer.ByteBuf;

/**
 * The 256-byte message body every system carries, identical for all of them. It starts with the intended
 * send time (System.nanoTime of the harness, as 16 hex digits so the bytes stay valid UTF-8 inside a protobuf
 * string) and one marker byte ('F' for a FLASH message, 'R' otherwise); the rest is filler.
 *
 * <p>Hex costs a few nanoseconds more than raw longs, but the same few for every system, and it keeps the
 * payload legal in the EmComm envelope's Text body.
 */
public final class Payload
{
    public static final int SIZE = 256;
    public static final int STAMP_BYTES = 16;
    public static final int MARKER_OFFSET = STAMP_BYTES;
    public static final byte FLASH = 'F';
    public static final byte ROUTINE = 'R';

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] FILLER = filler();

    private Payload()
    {
    }

    private static byte[] filler()
    {
        final byte[] bytes = new byte[SIZE];
        for (int i = 0; i < SIZE; i++)
        {
            bytes[i] = (byte)('a' + i % 26);
        }
        return bytes;
    }

    /** Writes a whole payload into {@code out} at its writer index. */
    public static void write(final ByteBuf out, final long intendedNanos, final boolean flash)
    {
        for (int shift = 60; shift >= 0; shift -= 4)
        {
            out.writeByte(HEX[(int)(intendedNanos >>> shift) & 0xF]);
        }
        out.writeByte(flash ? FLASH : ROUTINE);
        out.writeBytes(FILLER, MARKER_OFFSET + 1, SIZE - MARKER_OFFSET - 1);
    }

    /** Writes a whole payload into a byte array (for clients whose API takes arrays). */
    public static void write(final byte[] out, final long intendedNanos, final boolean flash)
    {
        int p = 0;
        for (int shift = 60; shift >= 0; shift -= 4)
        {
            out[p++] = HEX[(int)(intendedNanos >>> shift) & 0xF];
        }
        out[p] = flash ? FLASH : ROUTINE;
        System.arraycopy(FILLER, MARKER_OFFSET + 1, out, MARKER_OFFSET + 1, SIZE - MARKER_OFFSET - 1);
    }

    /** A fresh {@link #SIZE}-byte payload stamped with {@code intendedNanos} (System.nanoTime) and its marker. */
    public static byte[] newArray(final long intendedNanos, final boolean flash)
    {
        final byte[] bytes = new byte[SIZE];
        write(bytes, intendedNanos, flash);
        return bytes;
    }

    /**
     * The intended send time (System.nanoTime of the harness) of the payload starting at absolute index
     * {@code offset}; indexes are not moved. Latency is receipt time minus this (open loop, bench/RESULTS.md "Method").
     */
    public static long stamp(final ByteBuf buf, final int offset)
    {
        long value = 0;
        for (int i = 0; i < STAMP_BYTES; i++)
        {
            value = (value << 4) | hexValue(buf.getByte(offset + i));
        }
        return value;
    }

    /** As {@link #stamp(ByteBuf, int)}, for a payload starting at {@code bytes[offset]}. */
    public static long stamp(final byte[] bytes, final int offset)
    {
        long value = 0;
        for (int i = 0; i < STAMP_BYTES; i++)
        {
            value = (value << 4) | hexValue(bytes[offset + i]);
        }
        return value;
    }

    /** As {@link #stamp(ByteBuf, int)}, for a payload starting at the buffer's position (which is not moved). */
    public static long stamp(final java.nio.ByteBuffer buf)
    {
        long value = 0;
        final int base = buf.position();
        for (int i = 0; i < STAMP_BYTES; i++)
        {
            value = (value << 4) | hexValue(buf.get(base + i));
        }
        return value;
    }

    public static boolean isFlash(final ByteBuf buf, final int offset)
    {
        return buf.getByte(offset + MARKER_OFFSET) == FLASH;
    }

    public static boolean isFlash(final byte[] bytes, final int offset)
    {
        return bytes[offset + MARKER_OFFSET] == FLASH;
    }

    public static boolean isFlash(final java.nio.ByteBuffer buf)
    {
        return buf.get(buf.position() + MARKER_OFFSET) == FLASH;
    }

    private static int hexValue(final byte b)
    {
        return b <= '9' ? b - '0' : b - 'a' + 10;
    }
}
