package io.emcomm.protocol.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decoder driven through a real pipeline ({@link EmbeddedChannel}). Every buffer written in and every
 * frame read out is kept, so that {@link #noBufferIsLeaked()} can check after each test that all of them,
 * and the cumulation buffers behind the frames, are back at reference count 0.
 */
@Timeout(10)
final class FrameDecoderTest
{
    private static final int MAX = 1024;

    private final EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX));
    private final List<ByteBuf> written = new ArrayList<>();
    private final List<ByteBuf> frames = new ArrayList<>();

    @AfterEach
    void noBufferIsLeaked()
    {
        channel.finishAndReleaseAll();
        for (final ByteBuf frame : frames)
        {
            assertEquals(0, frame.refCnt(), "frame not released");
            final ByteBuf parent = frame.unwrap();
            if (parent != null)
            {
                assertEquals(0, parent.refCnt(), "buffer behind a frame not released");
            }
        }
        for (final ByteBuf in : written)
        {
            assertEquals(0, in.refCnt(), "inbound buffer not released by the decoder");
        }
    }

    @Test
    void decodesAWholeFrameStartingAtTheTypeByte()
    {
        write(frame(3, "hello"));

        assertArrayEquals(bytes(3, "hello"), readFrame());
        assertNull(channel.readInbound());
    }

    @Test
    void frameWithOnlyATypeByteIsValid()
    {
        write(new byte[]{0, 0, 0, 1, 11});

        assertArrayEquals(new byte[]{11}, readFrame());
    }

    @Test
    void reassemblesAFrameSplitAcrossReads()
    {
        final byte[] f = frame(9, "split across two reads");

        write(slice(f, 0, 7));
        assertNull(channel.readInbound(), "no frame before the last byte arrives");
        write(slice(f, 7, f.length));

        assertArrayEquals(bytes(9, "split across two reads"), readFrame());
    }

    @Test
    void reassemblesAFrameSplitInsideTheLengthPrefix()
    {
        final byte[] f = frame(4, "x");

        write(slice(f, 0, 2));
        write(slice(f, 2, f.length));

        assertArrayEquals(bytes(4, "x"), readFrame());
    }

    @Test
    void reassemblesAFrameTrickledOneByteAtATime()
    {
        final byte[] f = frame(3, "one byte at a time over a slow satellite link");

        for (int i = 0; i < f.length - 1; i++)
        {
            write(slice(f, i, i + 1));
            assertNull(channel.readInbound(), "no frame after " + (i + 1) + " of " + f.length + " bytes");
        }
        write(slice(f, f.length - 1, f.length));

        assertArrayEquals(bytes(3, "one byte at a time over a slow satellite link"), readFrame());
        assertNull(channel.readInbound());
    }

    @Test
    void decodesSeveralFramesInOneBufferInOrder()
    {
        final byte[] f1 = frame(1, "first");
        final byte[] f2 = frame(11, "");
        final byte[] f3 = frame(3, "third");
        final byte[] partial = frame(6, "fourth");
        write(concat(f1, f2, f3, slice(partial, 0, 6)));

        assertArrayEquals(bytes(1, "first"), readFrame());
        assertArrayEquals(bytes(11, ""), readFrame());
        assertArrayEquals(bytes(3, "third"), readFrame());
        assertNull(channel.readInbound(), "the incomplete fourth frame is held back");

        write(slice(partial, 6, partial.length));
        assertArrayEquals(bytes(6, "fourth"), readFrame());
    }

    @Test
    void acceptsAFrameOfExactlyTheMaximumLength()
    {
        final String payload = "p".repeat(MAX - 1);
        write(frame(3, payload));

        assertArrayEquals(bytes(3, payload), readFrame());
    }

    @Test
    void zeroLengthIsACorruptedFrame()
    {
        final CorruptedFrameException ex =
            assertThrows(CorruptedFrameException.class, () -> write(new byte[]{0, 0, 0, 0}));

        assertTrue(ex.getMessage().contains("length 0"), ex.getMessage());
        assertNull(channel.readInbound());
    }

    @Test
    void oversizedLengthFailsAsSoonAsTheFourPrefixBytesArrive()
    {
        // MAX + 1 announced, but not a single payload byte follows: the decoder must not wait for them.
        write(new byte[]{0, 0});
        final TooLongFrameException ex =
            assertThrows(TooLongFrameException.class, () -> write(new byte[]{0x04, 0x01}));

        assertTrue(ex.getMessage().contains("1025"), ex.getMessage());
        assertTrue(ex.getMessage().contains(Integer.toString(MAX)), ex.getMessage());
        assertNull(channel.readInbound());
    }

    @Test
    void lengthAboveTwoToThe31IsTooLongNotNegative()
    {
        assertThrows(TooLongFrameException.class, () -> write(new byte[]{(byte)0xFF, (byte)0xFF, (byte)0xFF, (byte)0xFF}));
    }

    @Test
    void framesBeforeABadPrefixInTheSameBufferAreStillDelivered()
    {
        assertThrows(CorruptedFrameException.class, () -> write(concat(frame(3, "good"), new byte[]{0, 0, 0, 0})));

        assertArrayEquals(bytes(3, "good"), readFrame());
        assertNull(channel.readInbound());
    }

    @Test
    void bytesAfterAFailureAreDiscarded()
    {
        assertThrows(TooLongFrameException.class, () -> write(new byte[]{0x7F, 0, 0, 0}));

        // Well-formed frames after the failure must not be decoded: the stream is no longer trusted.
        write(frame(3, "ignored"));
        write(concat(frame(11, ""), frame(1, "also ignored")));

        assertNull(channel.readInbound());
    }

    @Test
    void rejectsAMaximumOutsideTheAllowedRange()
    {
        assertThrows(IllegalArgumentException.class, () -> new FrameDecoder(Frames.MIN_MAX_FRAME_BYTES - 1));
        final int clientMax = Frames.MAX_MAX_FRAME_BYTES + Frames.ROUTER_FRAME_ALLOWANCE;
        assertThrows(IllegalArgumentException.class, () -> new FrameDecoder(clientMax + 1));
        assertEquals(clientMax, new FrameDecoder(clientMax).maxFrameBytes());
        assertEquals(Frames.DEFAULT_MAX_FRAME_BYTES, new FrameDecoder(Frames.DEFAULT_MAX_FRAME_BYTES).maxFrameBytes());
        assertThrows(IllegalArgumentException.class, () -> new FrameDecoder(MAX).maxFrameBytes(clientMax + 1));
    }

    @Test
    void aChangedMaximumAppliesToTheNextFrame()
    {
        final FrameDecoder decoder = channel.pipeline().get(FrameDecoder.class);
        decoder.maxFrameBytes(MAX + Frames.ROUTER_FRAME_ALLOWANCE);
        final byte[] atLimit = frame(3, "x".repeat(MAX + Frames.ROUTER_FRAME_ALLOWANCE - 1));
        write(atLimit);
        assertEquals(MAX + Frames.ROUTER_FRAME_ALLOWANCE, readFrame().length);

        final TooLongFrameException tooLong = assertThrows(TooLongFrameException.class,
            () -> write(frame(3, "x".repeat(MAX + Frames.ROUTER_FRAME_ALLOWANCE))));
        assertTrue(tooLong.getMessage().contains("exceeds the maximum of " + (MAX + Frames.ROUTER_FRAME_ALLOWANCE)), tooLong.getMessage());
    }

    private void write(final byte[] data)
    {
        final ByteBuf in = Unpooled.buffer(data.length).writeBytes(data);
        written.add(in);
        channel.writeInbound(in);
    }

    /** Reads the next frame, copies it out and releases it. */
    private byte[] readFrame()
    {
        final ByteBuf frame = channel.readInbound();
        assertTrue(frame != null, "expected a frame");
        frames.add(frame);
        final byte[] copy = new byte[frame.readableBytes()];
        frame.getBytes(frame.readerIndex(), copy);
        frame.release();
        return copy;
    }

    static byte[] frame(final int type, final String payload)
    {
        final byte[] body = bytes(type, payload);
        final byte[] f = new byte[4 + body.length];
        f[0] = (byte)(body.length >>> 24);
        f[1] = (byte)(body.length >>> 16);
        f[2] = (byte)(body.length >>> 8);
        f[3] = (byte)body.length;
        System.arraycopy(body, 0, f, 4, body.length);
        return f;
    }

    static byte[] bytes(final int type, final String payload)
    {
        final byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        final byte[] b = new byte[1 + p.length];
        b[0] = (byte)type;
        System.arraycopy(p, 0, b, 1, p.length);
        return b;
    }

    private static byte[] slice(final byte[] b, final int from, final int to)
    {
        return java.util.Arrays.copyOfRange(b, from, to);
    }

    private static byte[] concat(final byte[]... parts)
    {
        int n = 0;
        for (final byte[] p : parts)
        {
            n += p.length;
        }
        final byte[] all = new byte[n];
        int at = 0;
        for (final byte[] p : parts)
        {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
