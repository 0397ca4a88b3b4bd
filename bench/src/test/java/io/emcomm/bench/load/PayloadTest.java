package io.emcomm.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class PayloadTest
{
    @Test
    void stampAndMarkerSurviveEveryEncoding()
    {
        final long stamp = 0x7123_4567_89ab_cdefL;
        final ByteBuf buf = Unpooled.buffer();
        buf.writeByte('!');
        Payload.write(buf, stamp, true);
        assertEquals(1 + Payload.SIZE, buf.readableBytes());
        assertEquals(stamp, Payload.stamp(buf, 1));
        assertTrue(Payload.isFlash(buf, 1));

        final byte[] array = Payload.newArray(stamp, false);
        assertEquals(Payload.SIZE, array.length);
        assertEquals(stamp, Payload.stamp(array, 0));
        assertFalse(Payload.isFlash(array, 0));
        assertEquals(stamp, Payload.stamp(ByteBuffer.wrap(array)));

        // valid UTF-8 (ASCII), so it can ride in a protobuf string field
        assertEquals(new String(array, StandardCharsets.US_ASCII), new String(array, StandardCharsets.UTF_8));
        buf.release();
    }
}
