package io.emcomm.client;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emcomm.protocol.wire.FrameType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Reads the frames a {@link RouterProxy} wrote to an {@link EmbeddedChannel}, releasing each buffer. */
final class OutboundFrames
{
    /** One frame: its type and payload bytes. */
    record Frame(FrameType type, byte[] payload)
    {
        <T> T parse(final Parser<T> parser) throws InvalidProtocolBufferException
        {
            return parser.parse(ByteBuffer.wrap(payload));
        }
    }

    /** A protobuf {@code parseFrom(ByteBuffer)}. */
    @FunctionalInterface
    interface Parser<T>
    {
        T parse(ByteBuffer payload) throws InvalidProtocolBufferException;
    }

    private OutboundFrames()
    {
    }

    /** Every frame written and flushed so far, in order. */
    static List<Frame> drain(final EmbeddedChannel channel)
    {
        final List<Frame> frames = new ArrayList<>();
        for (ByteBuf buf = channel.readOutbound(); buf != null; buf = channel.readOutbound())
        {
            try
            {
                // A batch of publishes, a resend or the acks of a read batch are several frames in one buffer.
                while (buf.isReadable())
                {
                    final int length = buf.readInt();
                    final FrameType type = FrameType.forNumber(buf.readUnsignedByte());
                    final byte[] payload = new byte[length - 1];
                    buf.readBytes(payload);
                    frames.add(new Frame(type, payload));
                }
            }
            finally
            {
                buf.release();
            }
        }
        return frames;
    }

    /** The types of {@link #drain}. */
    static List<FrameType> types(final List<Frame> frames)
    {
        return frames.stream().map(Frame::type).toList();
    }

    /** The only frame written; fails when there is not exactly one. */
    static Frame single(final EmbeddedChannel channel)
    {
        final List<Frame> frames = drain(channel);
        assertEquals(1, frames.size(), "frames " + types(frames));
        assertNotNull(frames.get(0).type());
        return frames.get(0);
    }
}
