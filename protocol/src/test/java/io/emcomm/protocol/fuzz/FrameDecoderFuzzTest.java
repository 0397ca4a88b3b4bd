package io.emcomm.protocol.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.emcomm.protocol.frame.FrameDecoder;
import io.emcomm.protocol.frame.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzes {@link FrameDecoder} through a real pipeline ({@link EmbeddedChannel}) with an arbitrary byte stream
 * cut into arbitrary chunks, and checks it against a plain reference reading of the same stream: the same
 * frames, in order, byte for byte; an error exactly when the reference meets a zero or oversized length, and
 * then only {@link CorruptedFrameException} or {@link TooLongFrameException}; nothing emitted after the error;
 * and every buffer (written, emitted, and the cumulation behind the emitted slices) back at reference count 0.
 *
 * <p>Input layout, so that corpus files stay readable: byte 0 bit 0 picks the maximum frame size (1024 or
 * 65536), bits 1-2 the chunking (0 one write, 1 a byte at a time, 2-3 random chunk sizes drawn from byte 1
 * as a seed); the rest is the stream.
 */
final class FrameDecoderFuzzTest
{
    private static final int CONTROL_BYTES = 2;

    @FuzzTest(maxDuration = "2m")
    @Timeout(10)
    void decodesArbitraryChunks(final byte[] input)
    {
        if (input.length < CONTROL_BYTES)
        {
            return;
        }
        final int max = (input[0] & 1) == 0 ? Frames.MIN_MAX_FRAME_BYTES : Frames.DEFAULT_MAX_FRAME_BYTES;
        final int chunking = (input[0] >> 1) & 3;
        final SplittableRandom random = new SplittableRandom(input[1]);
        final byte[] stream = Arrays.copyOfRange(input, CONTROL_BYTES, input.length);
        final Reference expected = Reference.read(stream, max);

        final EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(max));
        final List<ByteBuf> written = new ArrayList<>();
        final List<ByteBuf> frames = new ArrayList<>();
        DecoderException error = null;
        int framesBeforeError = -1;
        int pos = 0;
        while (pos < stream.length)
        {
            final int remaining = stream.length - pos;
            final int n = chunking == 0 ? remaining : chunking == 1 ? 1 : Math.min(remaining, 1 + random.nextInt(64));
            final ByteBuf chunk = channel.alloc().buffer(n).writeBytes(stream, pos, n);
            written.add(chunk);
            pos += n;
            try
            {
                channel.writeInbound(chunk);
            }
            catch (final DecoderException ex)
            {
                assertNull(error, "the decoder raised a second error after the first: " + ex);
                error = ex;
            }
            drain(channel, frames);
            if (error != null && framesBeforeError < 0)
            {
                framesBeforeError = frames.size();
            }
        }
        channel.finish();
        drain(channel, frames);

        try
        {
            assertEquals(expected.frames.size(), frames.size(), "number of frames");
            for (int i = 0; i < frames.size(); i++)
            {
                final ByteBuf frame = frames.get(i);
                assertTrue(frame.readableBytes() >= 1 && frame.readableBytes() <= max,
                    "frame length " + frame.readableBytes() + " outside 1.." + max);
                assertArrayEquals(expected.frames.get(i), ByteBufUtil.getBytes(frame), "frame " + i);
            }
            if (expected.error == null)
            {
                assertNull(error, "the reference reading found no error");
            }
            else
            {
                assertEquals(expected.error, rootType(error), "error type");
                assertEquals(frames.size(), framesBeforeError, "frames emitted after the error");
            }
        }
        finally
        {
            for (final ByteBuf frame : frames)
            {
                frame.release();
            }
        }
        for (final ByteBuf frame : frames)
        {
            assertEquals(0, frame.refCnt(), "emitted frame (or the cumulation behind it) leaked");
        }
        for (final ByteBuf chunk : written)
        {
            assertEquals(0, chunk.refCnt(), "written chunk leaked");
        }
    }

    private static void drain(final EmbeddedChannel channel, final List<ByteBuf> into)
    {
        for (Object msg = channel.readInbound(); msg != null; msg = channel.readInbound())
        {
            into.add((ByteBuf)msg);
        }
    }

    /** The codec exceptions are DecoderExceptions themselves; anything else arrives wrapped in one. */
    private static Class<?> rootType(final DecoderException error)
    {
        if (error == null)
        {
            fail("the reference reading found an error the decoder did not raise");
        }
        if (error instanceof TooLongFrameException || error instanceof CorruptedFrameException)
        {
            return error.getClass();
        }
        final Throwable cause = error.getCause();
        if (cause instanceof TooLongFrameException || cause instanceof CorruptedFrameException)
        {
            return cause.getClass();
        }
        throw new AssertionError("unexpected decoder error", error);
    }

    /** The framing rule read off the protocol description, with no buffering cleverness. */
    private static final class Reference
    {
        final List<byte[]> frames = new ArrayList<>();
        Class<?> error;

        static Reference read(final byte[] stream, final int max)
        {
            final Reference ref = new Reference();
            int pos = 0;
            while (stream.length - pos >= Frames.LENGTH_FIELD_BYTES)
            {
                final long length = ((stream[pos] & 0xFFL) << 24) | ((stream[pos + 1] & 0xFF) << 16)
                    | ((stream[pos + 2] & 0xFF) << 8) | (stream[pos + 3] & 0xFF);
                if (length == 0)
                {
                    ref.error = CorruptedFrameException.class;
                    break;
                }
                if (length > max)
                {
                    ref.error = TooLongFrameException.class;
                    break;
                }
                final int start = pos + Frames.LENGTH_FIELD_BYTES;
                if (stream.length - start < length)
                {
                    break;
                }
                ref.frames.add(Arrays.copyOfRange(stream, start, start + (int)length));
                pos = start + (int)length;
            }
            return ref;
        }
    }
}
