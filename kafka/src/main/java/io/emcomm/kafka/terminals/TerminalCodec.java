package io.emcomm.kafka.terminals;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** The framing the terminals topic's values share: a version byte first. Not instantiable. */
final class TerminalCodec
{
    private TerminalCodec()
    {
    }

    /** The written part of a buffer filled from position 0. */
    static byte[] bytes(final ByteBuffer b)
    {
        return Arrays.copyOf(b.array(), b.position());
    }

    /** A buffer past the version byte, which must be {@code version}. */
    static ByteBuffer open(final byte[] value, final byte version)
    {
        if (value == null || value.length == 0)
        {
            throw new IllegalArgumentException("empty value");
        }
        if (value[0] != version)
        {
            throw new IllegalArgumentException("value of version " + value[0] + "; this node reads version " + version);
        }
        return ByteBuffer.wrap(value, 1, value.length - 1).slice();
    }

    /** Whether an exception is what a truncated or garbled value throws. */
    static boolean garbled(final RuntimeException ex)
    {
        return ex instanceof IllegalArgumentException || ex instanceof BufferUnderflowException;
    }
}
