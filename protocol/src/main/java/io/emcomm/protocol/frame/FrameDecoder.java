package io.emcomm.protocol.frame;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;

import java.util.List;

/**
 * Splits the byte stream into frames. Each emitted buffer is a retained slice that starts at the type
 * byte and holds the payload after it; the receiver owns it and must release it.
 *
 * <p>The length field is checked before any payload is buffered, so an oversized or malformed prefix
 * costs nothing but the four bytes that announced it: the decoder raises {@link TooLongFrameException} or
 * {@link CorruptedFrameException} and stops decoding. After an error the stream is not trusted again; the
 * pipeline is expected to answer with an error frame and close.
 */
public final class FrameDecoder extends ByteToMessageDecoder
{
    private int maxFrameBytes;
    private boolean failed;

    /**
     * @param maxFrameBytes the largest {@code length} value accepted: {@link Frames#MIN_MAX_FRAME_BYTES} to
     *                      {@link Frames#MAX_MAX_FRAME_BYTES} plus {@link Frames#ROUTER_FRAME_ALLOWANCE} (what a
     *                      client accepts from a router at the largest configurable limit)
     */
    public FrameDecoder(final int maxFrameBytes)
    {
        this.maxFrameBytes = checked(maxFrameBytes);
    }

    public int maxFrameBytes()
    {
        return maxFrameBytes;
    }

    /**
     * Changes the limit for frames whose length has not been read yet. A client calls it when the router's
     * WELCOME announces {@code max_frame_bytes} (protocol.md §1). Call on the channel's event loop.
     */
    public void maxFrameBytes(final int maxFrameBytes)
    {
        this.maxFrameBytes = checked(maxFrameBytes);
    }

    private static int checked(final int maxFrameBytes)
    {
        if (maxFrameBytes < Frames.MIN_MAX_FRAME_BYTES || maxFrameBytes > Frames.MAX_MAX_FRAME_BYTES + Frames.ROUTER_FRAME_ALLOWANCE)
        {
            throw new IllegalArgumentException("maxFrameBytes out of range: " + maxFrameBytes);
        }
        return maxFrameBytes;
    }

    @Override
    protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out)
    {
        if (failed)
        {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.readableBytes() >= Frames.LENGTH_FIELD_BYTES)
        {
            final int start = in.readerIndex();
            final long length = in.getUnsignedInt(start);
            if (length == 0)
            {
                fail(in);
                throw new CorruptedFrameException("frame length 0: every frame has at least a type byte");
            }
            if (length > maxFrameBytes)
            {
                fail(in);
                throw new TooLongFrameException(
                    "frame length " + length + " exceeds the maximum of " + maxFrameBytes + " bytes");
            }
            if (in.readableBytes() < Frames.LENGTH_FIELD_BYTES + length)
            {
                return;
            }
            out.add(in.retainedSlice(start + Frames.LENGTH_FIELD_BYTES, (int)length));
            in.readerIndex(start + Frames.LENGTH_FIELD_BYTES + (int)length);
        }
    }

    private void fail(final ByteBuf in)
    {
        failed = true;
        in.skipBytes(in.readableBytes());
    }
}
