package io.emcomm.protocol.envelope;

import com.google.protobuf.CodedOutputStream;
import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Text;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DeliveryHeader} against payloads written by protobuf-java (any field order is protobuf's to choose) and by
 * hand (the router's order, unknown fields, malformed input), always inside a larger buffer so offsets are absolute.
 */
@Timeout(10)
final class DeliveryHeaderTest
{
    private static final int PAD = 5;

    private final DeliveryHeader header = new DeliveryHeader();

    private static Envelope envelope()
    {
        return Envelope.newBuilder().setOrigin("cp-520102").setOriginSequence(42).addTo("up:520102")
            .setPrecedence(Precedence.FLASH).setCreatedAtMicros(1_767_225_600_000_000L)
            .setText(Text.newBuilder().setText("levee breach")).build();
    }

    /** The payload after {@link #PAD} unrelated bytes and before 3 more, as a frame's payload sits in a read buffer. */
    private static ByteBuf inBuffer(final byte[] payload)
    {
        return Unpooled.buffer().writeBytes(new byte[PAD]).writeBytes(payload).writeBytes(new byte[]{9, 9, 9});
    }

    private boolean wrap(final byte[] payload)
    {
        return header.wrap(inBuffer(payload), PAD, payload.length);
    }

    @Test
    void readsEveryFieldOfAPeerDeliveryAndFindsTheEnvelopeInPlace()
    {
        final Envelope env = envelope();
        final byte[] payload = Delivery.newBuilder().setJournalIndex(0x1_0000_0007L).setEnvelope(env)
            .setJournaledAtMicros(1_767_225_600_123_456L).setDeliverySeq(17).setOriginKind(TerminalKind.COMMAND_POST)
            .setOriginRegion("520102").build().toByteArray();
        final ByteBuf buf = inBuffer(payload);

        assertTrue(header.wrap(buf, PAD, payload.length), header.problem());

        assertNull(header.problem());
        assertEquals(0x1_0000_0007L, header.journalIndex());
        assertEquals(1_767_225_600_123_456L, header.journaledAtMicros());
        assertEquals(17, header.deliverySeq());
        assertEquals(0, header.replayRequestId());
        assertEquals(TerminalKind.COMMAND_POST_VALUE, header.originKind());
        assertEquals("520102", header.originRegion());
        final byte[] envelope = new byte[header.envelopeLength()];
        buf.getBytes(header.envelopeOffset(), envelope);
        assertArrayEquals(env.toByteArray(), envelope, "the envelope's bytes exactly, not a copy of a parse");
    }

    @Test
    void readsTheRoutersOwnOrderWithDeliverySeqLast() throws IOException
    {
        final byte[] env = envelope().toByteArray();
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeUInt64(1, 99);
        out.writeByteArray(2, env);
        out.writeInt64(3, 1234);
        out.writeEnum(6, TerminalKind.AIR_VALUE);
        out.writeString(7, "5201");
        out.writeUInt64(5, 3);
        out.flush();

        assertTrue(wrap(bytes.toByteArray()), header.problem());

        assertEquals(99, header.journalIndex());
        assertEquals(1234, header.journaledAtMicros());
        assertEquals(TerminalKind.AIR_VALUE, header.originKind());
        assertEquals("5201", header.originRegion());
        assertEquals(3, header.deliverySeq());
        assertEquals(env.length, header.envelopeLength());
        assertEquals(PAD + 4, header.envelopeOffset(), "after field 1 (2 bytes) and field 2's tag and length");
    }

    @Test
    void aTerminalsDeliveryHasNoOriginFields()
    {
        final byte[] payload = Delivery.newBuilder().setJournalIndex(5).setEnvelope(envelope()).setDeliverySeq(1).build()
            .toByteArray();

        assertTrue(wrap(payload));

        assertEquals(0, header.originKind());
        assertEquals("", header.originRegion());
        assertEquals(0, header.originRegionLength());
    }

    @Test
    void skipsUnknownFieldsOfEveryWireType() throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeUInt64(40, 7);
        out.writeFixed64(41, -1L);
        out.writeString(42, "from a newer router");
        out.writeFixed32(43, 12);
        out.writeUInt64(1, 8);
        out.writeByteArray(2, envelope().toByteArray());
        out.writeUInt64(44, Long.MAX_VALUE);
        out.flush();

        assertTrue(wrap(bytes.toByteArray()), header.problem());

        assertEquals(8, header.journalIndex());
        assertEquals(envelope().getSerializedSize(), header.envelopeLength());
    }

    @Test
    void theRegionStringIsMadeOnceWhileTheBytesStayTheSame()
    {
        final byte[] a = Delivery.newBuilder().setJournalIndex(1).setEnvelope(envelope()).setOriginRegion("5201").build()
            .toByteArray();
        final byte[] b = Delivery.newBuilder().setJournalIndex(2).setEnvelope(envelope()).setOriginRegion("5201").build()
            .toByteArray();
        final byte[] c = Delivery.newBuilder().setJournalIndex(3).setEnvelope(envelope()).setOriginRegion("520102").build()
            .toByteArray();

        assertTrue(wrap(a));
        final String first = header.originRegion();
        assertTrue(wrap(b));
        assertSame(first, header.originRegion());
        assertTrue(wrap(c));
        assertEquals("520102", header.originRegion());
    }

    @Test
    void refusesADeliveryWithoutAnEnvelope()
    {
        assertFalse(wrap(Delivery.newBuilder().setJournalIndex(3).build().toByteArray()));
        assertEquals("the delivery carries no envelope", header.problem());
        assertFalse(wrap(new byte[0]));
    }

    @Test
    void refusesMalformedPayloadsWithAProblem()
    {
        final byte[] good = Delivery.newBuilder().setJournalIndex(300).setEnvelope(envelope()).setOriginRegion("52").build()
            .toByteArray();

        assertFalse(wrap(Arrays.copyOf(good, good.length - 1)), "cut inside the last field");
        assertTrue(header.problem().contains("runs past the end"), header.problem());

        assertFalse(wrap(new byte[]{0x08, (byte)0x80}), "varint cut short");
        assertEquals("truncated varint in field 1", header.problem());

        assertFalse(wrap(new byte[]{(byte)0x80}), "tag cut short");
        assertEquals("truncated field tag", header.problem());

        assertFalse(wrap(new byte[]{0x0A, 0x01, 0x00}), "field 1 as length-delimited");
        assertEquals("field 1 has the wrong wire type 2", header.problem());

        assertFalse(wrap(new byte[]{0x10, 0x01}), "field 2, the envelope, as a varint");
        assertEquals("field 2 has the wrong wire type 0", header.problem());

        assertFalse(wrap(new byte[]{0x12, 0x05, 0x01}), "an envelope longer than what is left");
        assertEquals("length of field 2 runs past the end of the delivery", header.problem());

        assertFalse(wrap(new byte[]{0x00, 0x01}), "field number 0");
        assertEquals("field number 0", header.problem());

        assertFalse(wrap(new byte[]{(byte)0xF3, 0x01}), "a group (wire type 3)");
        assertEquals("unsupported wire type 3 in field 30", header.problem());

        final byte[] tooLong = {(byte)0x80, (byte)0x80, (byte)0x80, (byte)0x80, (byte)0x80, (byte)0x80, (byte)0x80,
            (byte)0x80, (byte)0x80, (byte)0x80, 0x01};
        assertFalse(wrap(tooLong), "a varint of eleven bytes");

        assertFalse(wrap(new byte[]{0x79, 0x00}),
            "a fixed64 field cut short");
        assertTrue(header.problem().contains("runs past the end"), header.problem());
    }

    @Test
    void aGoodPayloadAfterABadOneIsReadAfresh()
    {
        assertFalse(wrap(new byte[]{0x08}));
        assertTrue(wrap(Delivery.newBuilder().setJournalIndex(4).setEnvelope(envelope()).build().toByteArray()));
        assertNull(header.problem());
        assertEquals(4, header.journalIndex());
    }

    @Test
    void refusesOffsetsOutsideTheBuffer()
    {
        final ByteBuf buf = Unpooled.buffer(8).writeBytes(new byte[8]);
        assertThrows(IndexOutOfBoundsException.class, () -> header.wrap(buf, 4, 5));
        assertThrows(IndexOutOfBoundsException.class, () -> header.wrap(buf, -1, 2));
    }
}
