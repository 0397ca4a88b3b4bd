package io.emcomm.protocol.envelope;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Well-formed UTF-8 as protobuf-java (and RFC 3629) defines it: no overlong forms, no surrogates
 * (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequence. protobuf's own checker
 * ({@code com.google.protobuf.Utf8}) is package-private, so this is the same rule written out.
 */
final class Utf8Check
{
    /** Reads eight bytes at once so that ASCII, the common case, costs about a byte per cycle or better. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    private Utf8Check()
    {
    }

    /** True when {@code bytes[from, to)} is well-formed UTF-8. */
    static boolean isValid(final byte[] bytes, final int from, final int to)
    {
        int i = from;
        while (i < to)
        {
            // skip ASCII sixteen, then eight bytes at a time
            while (to - i >= 16 && (((long)LONGS.get(bytes, i) | (long)LONGS.get(bytes, i + 8)) & HIGH_BITS) == 0)
            {
                i += 16;
            }
            while (to - i >= 8 && ((long)LONGS.get(bytes, i) & HIGH_BITS) == 0)
            {
                i += 8;
            }
            while (i < to && bytes[i] >= 0)
            {
                i++;
            }
            if (i == to)
            {
                return true;
            }
            final int lead = bytes[i] & 0xFF;
            if (lead < 0xC2)
            {
                return false; // a continuation byte, or C0/C1 (overlong two-byte forms)
            }
            if (lead < 0xE0)
            {
                if (to - i < 2 || !continuation(bytes[i + 1]))
                {
                    return false;
                }
                i += 2;
            }
            else if (lead < 0xF0)
            {
                if (to - i < 3)
                {
                    return false;
                }
                final int second = bytes[i + 1] & 0xFF;
                // E0 needs A0..BF (no overlong), ED needs 80..9F (no surrogates)
                final int min = lead == 0xE0 ? 0xA0 : 0x80;
                final int max = lead == 0xED ? 0x9F : 0xBF;
                if (second < min || second > max || !continuation(bytes[i + 2]))
                {
                    return false;
                }
                i += 3;
            }
            else if (lead < 0xF5)
            {
                if (to - i < 4)
                {
                    return false;
                }
                final int second = bytes[i + 1] & 0xFF;
                // F0 needs 90..BF (no overlong), F4 needs 80..8F (nothing above U+10FFFF)
                final int min = lead == 0xF0 ? 0x90 : 0x80;
                final int max = lead == 0xF4 ? 0x8F : 0xBF;
                if (second < min || second > max || !continuation(bytes[i + 2]) || !continuation(bytes[i + 3]))
                {
                    return false;
                }
                i += 4;
            }
            else
            {
                return false; // F5..FF start no valid sequence
            }
        }
        return true;
    }

    private static boolean continuation(final byte b)
    {
        return (b & 0xC0) == 0x80;
    }
}
