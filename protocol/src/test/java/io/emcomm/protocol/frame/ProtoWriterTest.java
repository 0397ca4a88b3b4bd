package io.emcomm.protocol.frame;

import com.google.protobuf.CodedOutputStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ProtoWriterTest
{
    @Test
    void varintsMatchProtobufAtEverySizeAndFillAnExactlySizedBuffer() throws IOException
    {
        final SplittableRandom random = new SplittableRandom(5201);
        for (int bits = 0; bits <= 64; bits++)
        {
            for (int i = 0; i < 200; i++)
            {
                final long value = bits == 0 ? 0 : (bits == 64 ? random.nextLong() : random.nextLong() >>> (64 - bits));
                assertSameAsProtobuf(value);
            }
        }
        for (final long edge : new long[] {127, 128, 16_383, 16_384, (1L << 56) - 1, 1L << 56, Long.MAX_VALUE, -1, Long.MIN_VALUE})
        {
            assertSameAsProtobuf(edge);
        }
    }

    private static void assertSameAsProtobuf(final long value) throws IOException
    {
        final byte[] expected = new byte[CodedOutputStream.computeUInt64SizeNoTag(value)];
        final CodedOutputStream out = CodedOutputStream.newInstance(expected);
        out.writeUInt64NoTag(value);
        out.checkNoSpaceLeft();
        assertEquals(expected.length, ProtoWriter.varintSize(value), "size of " + value);

        // a buffer with exactly the room the varint needs: the writer must neither overrun nor grow it
        final ByteBuf buf = Unpooled.buffer(expected.length, expected.length);
        ProtoWriter.writeVarint(buf, value);
        assertArrayEquals(expected, ByteBufUtil.getBytes(buf), "encoding of " + value);
        assertEquals(expected.length, buf.capacity());
    }
}
