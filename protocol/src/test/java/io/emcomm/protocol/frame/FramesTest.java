package io.emcomm.protocol.frame;

import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Hello;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.PublishAck;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Text;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
final class FramesTest
{
    private static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

    @Test
    void encodeWritesLengthTypeAndPayload() throws IOException
    {
        final Hello hello = Hello.newBuilder()
            .setProtocolVersion(Frames.PROTOCOL_VERSION).setTerminalId("uav-7").setKind(TerminalKind.AIR)
            .setRegionCode("5201").build();

        final ByteBuf buf = Frames.encode(ALLOC, FrameType.HELLO, hello);
        try
        {
            final int size = hello.getSerializedSize();
            assertEquals(Frames.HEADER_BYTES + size, buf.readableBytes());
            assertEquals(1 + size, buf.getInt(0), "length counts the type byte and the payload");
            assertEquals(FrameType.HELLO_VALUE, buf.getUnsignedByte(4));
            buf.skipBytes(Frames.HEADER_BYTES);
            assertEquals(hello, Hello.parseFrom(new ByteBufInputStream(buf)));
        }
        finally
        {
            buf.release();
        }
    }

    @Test
    void encodedFramesRoundTripThroughTheDecoder() throws IOException
    {
        final Envelope envelope = Envelope.newBuilder()
            .setOrigin("uav-7").setOriginSequence(42).addTo("region:5201/ground").addTo("up:520102")
            .setPrecedence(Precedence.FLASH).setText(Text.newBuilder().setText("levee breach at km 12")).build();
        final PublishAck ack = PublishAck.newBuilder().setOrigin("uav-7").setOriginSequence(42).setJournalIndex(1L << 40).build();
        final Hello empty = Hello.getDefaultInstance();

        final EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(Frames.DEFAULT_MAX_FRAME_BYTES));
        try
        {
            final ByteBuf all = Unpooled.buffer();
            writeAndRelease(all, Frames.encode(ALLOC, FrameType.PUBLISH, envelope));
            writeAndRelease(all, Frames.encode(ALLOC, FrameType.PUBLISH_ACK, ack));
            writeAndRelease(all, Frames.encode(ALLOC, FrameType.HEARTBEAT, empty));
            channel.writeInbound(all);

            assertEquals(envelope, Envelope.parseFrom(payloadOf(channel.readInbound(), FrameType.PUBLISH)));
            assertEquals(ack, PublishAck.parseFrom(payloadOf(channel.readInbound(), FrameType.PUBLISH_ACK)));
            assertEquals(0, payloadOf(channel.readInbound(), FrameType.HEARTBEAT).length, "empty message, empty payload");
            assertNull(channel.readInbound());
            assertEquals(0, all.refCnt());
        }
        finally
        {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void writeHeaderMatchesEncode()
    {
        final Text text = Text.newBuilder().setText("abc").build();
        final ByteBuf encoded = Frames.encode(ALLOC, FrameType.PUBLISH, text);
        final ByteBuf manual = Unpooled.buffer();
        try
        {
            Frames.writeHeader(manual, FrameType.PUBLISH, text.getSerializedSize());
            manual.writeBytes(text.toByteArray());
            assertEquals(encoded, manual);
        }
        finally
        {
            encoded.release();
            manual.release();
        }
    }

    @Test
    void typeOfReadsTheFirstByteAndIsNullForUnknownTypes()
    {
        final ByteBuf known = Unpooled.wrappedBuffer(new byte[]{(byte)FrameType.GOING_AWAY_VALUE, 1, 2});
        final ByteBuf unknown = Unpooled.wrappedBuffer(new byte[]{(byte)200});
        final ByteBuf offset = Unpooled.wrappedBuffer(new byte[]{99, (byte)FrameType.DELIVERY_VALUE});
        offset.skipBytes(1);

        assertEquals(FrameType.GOING_AWAY, Frames.typeOf(known));
        assertNull(Frames.typeOf(unknown));
        assertEquals(FrameType.DELIVERY, Frames.typeOf(offset));
        assertEquals(0, known.readerIndex(), "typeOf must not consume the byte");
    }

    private static void writeAndRelease(final ByteBuf to, final ByteBuf frame)
    {
        to.writeBytes(frame);
        frame.release();
    }

    /** Checks the type byte, copies the payload after it and releases the frame. */
    private static byte[] payloadOf(final ByteBuf frame, final FrameType expected)
    {
        assertTrue(frame != null, "expected a " + expected + " frame");
        try
        {
            assertEquals(expected, Frames.typeOf(frame));
            final byte[] payload = new byte[frame.readableBytes() - Frames.TYPE_BYTES];
            frame.getBytes(frame.readerIndex() + Frames.TYPE_BYTES, payload);
            return payload;
        }
        finally
        {
            frame.release();
        }
    }
}
