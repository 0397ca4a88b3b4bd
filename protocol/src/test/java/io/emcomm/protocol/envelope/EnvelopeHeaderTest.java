package io.emcomm.protocol.envelope;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.emcomm.protocol.wire.Alert;
import io.emcomm.protocol.wire.Area;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.IncidentReport;
import io.emcomm.protocol.wire.Point;
import io.emcomm.protocol.wire.PositionReport;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.Receipt;
import io.emcomm.protocol.wire.Task;
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
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
final class EnvelopeHeaderTest
{
    private final EnvelopeHeader header = new EnvelopeHeader();

    private static Envelope.Builder full()
    {
        return Envelope.newBuilder()
            .setOrigin("cp-5201")
            .setOriginSequence(1_234_567_890_123L)
            .addTo("terminal:uav-7")
            .addTo("region:520102/air+ground")
            .addTo("up:520102001")
            .setPrecedence(Precedence.IMMEDIATE)
            .setCreatedAtMicros(1_767_225_600_000_000L)
            .setExpiresAtMicros(1_767_229_200_000_000L)
            .setWantReceipts(true)
            .setText(Text.newBuilder().setText("evacuate the east bank"));
    }

    @Test
    void readsEveryHeaderFieldOfAnEnvelopeInsideALargerBuffer()
    {
        final byte[] bytes = full().build().toByteArray();
        // The envelope sits after 7 unrelated bytes, as it does inside a frame: offsets must be absolute.
        final ByteBuf buf = Unpooled.buffer().writeBytes(new byte[7]).writeBytes(bytes).writeBytes(new byte[3]);

        assertTrue(header.wrap(buf, 7, bytes.length), header.problem());

        assertNull(header.problem());
        assertArrayEquals(bytes, java.util.Arrays.copyOfRange(header.array(), header.arrayOffset(), header.arrayOffset() + bytes.length));
        assertEquals(7, header.offset());
        assertEquals(bytes.length, header.length());
        assertTrue(header.hasOrigin());
        assertEquals("cp-5201", header.origin());
        assertTrue(header.originEquals("cp-5201"));
        assertFalse(header.originEquals("cp-5202"));
        assertFalse(header.originEquals("cp-520"));
        assertEquals(1_234_567_890_123L, header.originSequence());
        assertEquals(Precedence.IMMEDIATE, header.precedence());
        assertEquals(Precedence.IMMEDIATE_VALUE, header.precedenceNumber());
        assertEquals(1_767_225_600_000_000L, header.createdAtMicros());
        assertEquals(1_767_229_200_000_000L, header.expiresAtMicros());
        assertTrue(header.wantReceipts());
        assertEquals(21, header.bodyField());
        assertEquals(3, header.destinationCount());
        final String[] expected = {"terminal:uav-7", "region:520102/air+ground", "up:520102001"};
        for (int i = 0; i < expected.length; i++)
        {
            assertEquals(expected[i], header.destination(i));
            assertTrue(header.destinationEquals(i, expected[i]));
            assertEquals(EnvelopeHeader.hashAscii(expected[i]), header.destinationHash(i));
            assertEquals(expected[i].length(), header.destinationLength(i));
            assertEquals(expected[i], buf.toString(header.destinationOffset(i), header.destinationLength(i),
                java.nio.charset.StandardCharsets.US_ASCII));
        }
        assertFalse(header.destinationEquals(0, "terminal:uav-8"));
        assertFalse(header.destinationEquals(0, "terminal:uav-77"));
        assertEquals(0, buf.readerIndex(), "wrap does not move the reader index");
    }

    @Test
    void directBuffersAndArraysReadTheSameAsHeapBuffers()
    {
        final byte[] bytes = full().build().toByteArray();
        final ByteBuf direct = Unpooled.directBuffer().writeBytes(new byte[5]).writeBytes(bytes);
        final byte[] array = new byte[bytes.length + 9];
        System.arraycopy(bytes, 0, array, 9, bytes.length);
        try
        {
            for (int way = 0; way < 2; way++)
            {
                assertTrue(way == 0 ? header.wrap(direct, 5, bytes.length) : header.wrap(array, 9, bytes.length), header.problem());
                final int offset = way == 0 ? 5 : 9;
                assertEquals(offset, header.offset());
                assertEquals("cp-5201", header.origin());
                assertEquals(1_234_567_890_123L, header.originSequence());
                assertEquals(Precedence.IMMEDIATE, header.precedence());
                assertEquals(3, header.destinationCount());
                assertEquals("region:520102/air+ground", header.destination(1));
                assertTrue(header.destinationEquals(2, "up:520102001"));
                // reported offsets index the caller's buffer or array, whatever the flyweight scans internally
                final int at = io.netty.buffer.ByteBufUtil.indexOf(Unpooled.copiedBuffer("terminal:uav-7", java.nio.charset.StandardCharsets.US_ASCII),
                    Unpooled.wrappedBuffer(bytes));
                assertEquals(offset + at, header.destinationOffset(0));
                assertArrayEquals(bytes, Arrays.copyOfRange(header.array(), header.arrayOffset(), header.arrayOffset() + bytes.length));
            }
        }
        finally
        {
            direct.release();
        }
    }

    @Test
    void refusesARangeOutsideTheBufferOrArray()
    {
        final byte[] bytes = full().build().toByteArray();
        assertThrows(IndexOutOfBoundsException.class, () -> header.wrap(bytes, 1, bytes.length));
        assertThrows(IndexOutOfBoundsException.class, () -> header.wrap(Unpooled.wrappedBuffer(bytes), 0, bytes.length + 1));
        assertThrows(IndexOutOfBoundsException.class, () -> header.wrap(bytes, -1, 2));
    }

    @Test
    void emptyEnvelopeIsWellFormedWithDefaults()
    {
        assertTrue(header.wrap(Unpooled.EMPTY_BUFFER, 0, 0));

        assertFalse(header.hasOrigin());
        assertEquals("", header.origin());
        assertFalse(header.originEquals(""));
        assertEquals(0, header.originSequence());
        assertEquals(Precedence.ROUTINE, header.precedence(), "unspecified reads as ROUTINE");
        assertEquals(0, header.destinationCount());
        assertEquals(0, header.bodyField());
        assertFalse(header.wantReceipts());
    }

    @Test
    void unknownPrecedenceReadsAsRoutine()
    {
        assertTrue(wrap(Envelope.newBuilder().setOrigin("a").setPrecedenceValue(99).build().toByteArray()));
        assertEquals(Precedence.ROUTINE, header.precedence());

        assertTrue(wrap(Envelope.newBuilder().setOrigin("a").setPrecedence(Precedence.FLASH).build().toByteArray()));
        assertEquals(Precedence.FLASH, header.precedence());
    }

    @Test
    void negativeTimesRoundTrip()
    {
        assertTrue(wrap(Envelope.newBuilder().setCreatedAtMicros(-1).setExpiresAtMicros(Long.MIN_VALUE).build().toByteArray()));

        assertEquals(-1, header.createdAtMicros());
        assertEquals(Long.MIN_VALUE, header.expiresAtMicros());
    }

    @Test
    void expiry()
    {
        assertTrue(wrap(full().build().toByteArray()));
        assertFalse(header.isExpiredAt(1_767_229_199_999_999L));
        assertTrue(header.isExpiredAt(1_767_229_200_000_000L));

        assertTrue(wrap(full().setExpiresAtMicros(0).build().toByteArray()));
        assertFalse(header.isExpiredAt(Long.MAX_VALUE), "0 = never expires");
    }

    @Test
    void everyBodyIsSkippedAndNamedByItsFieldNumber()
    {
        final Point point = Point.newBuilder().setLat(26.647).setLon(106.630).build();
        final Envelope[] envelopes = {
            full().setPosition(PositionReport.newBuilder().setLat(26.6).setLon(106.6).setAltitudeM(1200)).build(),
            full().setText(Text.newBuilder().setText("x".repeat(20_000))).build(),
            full().setAlert(Alert.newBuilder().setEvent("Flood").setDescription("d".repeat(5000))
                .addAreas(Area.newBuilder().addPolygon(point).addPolygon(point).addRegionCodes("5201"))).build(),
            full().setIncident(IncidentReport.newBuilder().setType("landslide").setLocation(point).addNeeds("boats")).build(),
            full().setTask(Task.newBuilder().setTaskId("t-1").setTitle("search").setLocation(point)).build(),
            full().setReceipt(Receipt.newBuilder().setMessageOrigin("uav-7").setMessageOriginSequence(9)).build(),
        };
        for (int i = 0; i < envelopes.length; i++)
        {
            assertTrue(wrap(envelopes[i].toByteArray()), header.problem());
            assertEquals(20 + i, header.bodyField());
            assertEquals("cp-5201", header.origin());
            assertEquals(3, header.destinationCount());
        }
    }

    @Test
    void headerFieldsAfterTheBodyAreStillRead() throws IOException
    {
        // Protobuf allows any field order; a writer other than protobuf-java may put the body first.
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final CodedOutputStream c = CodedOutputStream.newInstance(out);
        c.writeMessage(21, Text.newBuilder().setText("body first").build());
        c.writeString(3, "channel:flood.5201");
        c.writeUInt64(2, 5);
        c.writeString(1, "uav-7");
        c.flush();

        assertTrue(wrap(out.toByteArray()), header.problem());
        assertEquals("uav-7", header.origin());
        assertEquals(5, header.originSequence());
        assertEquals("channel:flood.5201", header.destination(0));
        assertEquals(21, header.bodyField());
    }

    @Test
    void unknownFieldsOfEveryWireTypeAreSkipped() throws InvalidProtocolBufferException
    {
        final UnknownFieldSet unknown = UnknownFieldSet.newBuilder()
            .addField(8, UnknownFieldSet.Field.newBuilder().addVarint(77).build())
            .addField(9, UnknownFieldSet.Field.newBuilder().addFixed64(0x0102030405060708L).build())
            .addField(10, UnknownFieldSet.Field.newBuilder().addFixed32(0x0a0b0c0d).build())
            .addField(15, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8("future header")).build())
            .addField(16, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8("sixteen")).build())
            .addField(39, UnknownFieldSet.Field.newBuilder().addVarint(1).build())
            .addField(1000, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFrom(new byte[300])).build())
            .build();
        final byte[] bytes = full().setUnknownFields(unknown).build().toByteArray();
        assertEquals(unknown, Envelope.parseFrom(bytes).getUnknownFields(), "the fixture really carries them");

        assertTrue(wrap(bytes), header.problem());
        assertEquals("cp-5201", header.origin());
        assertEquals(1_234_567_890_123L, header.originSequence());
        assertEquals(Precedence.IMMEDIATE, header.precedence());
        assertEquals(3, header.destinationCount());
        assertEquals(21, header.bodyField());
    }

    @Test
    void sixtyFourDestinationsAreAcceptedAndSixtyFiveRejected()
    {
        final Envelope.Builder b = Envelope.newBuilder().setOrigin("cp-52").setOriginSequence(1);
        for (int i = 0; i < EnvelopeHeader.MAX_DESTINATIONS; i++)
        {
            b.addTo("terminal:t" + i);
        }
        assertTrue(wrap(b.build().toByteArray()), header.problem());
        assertEquals(64, header.destinationCount());
        assertEquals("terminal:t63", header.destination(63));

        b.addTo("terminal:t64");
        assertFalse(wrap(b.build().toByteArray()));
        assertEquals("more than 64 destinations", header.problem());
    }

    @Test
    void rewrapForgetsThePreviousEnvelope()
    {
        assertTrue(wrap(full().build().toByteArray()));
        assertTrue(wrap(Envelope.newBuilder().setOriginSequence(2).build().toByteArray()));

        assertFalse(header.hasOrigin());
        assertEquals(2, header.originSequence());
        assertEquals(0, header.destinationCount());
        assertEquals(0, header.bodyField());
        assertEquals(0, header.createdAtMicros());
        assertEquals(0, header.expiresAtMicros());
        assertFalse(header.wantReceipts());
        assertEquals(Precedence.ROUTINE, header.precedence());

        assertFalse(wrap(new byte[]{0x0a, 5}));
        assertTrue(wrap(full().build().toByteArray()));
        assertNull(header.problem(), "a successful wrap clears the last problem");
    }

    @Test
    void everyTruncationIsRejectedExactlyWhenProtobufRejectsIt()
    {
        final byte[] bytes = full().setAlert(Alert.newBuilder().setEvent("Flood").setHeadline("h")).build().toByteArray();
        int rejected = 0;
        for (int n = 0; n < bytes.length; n++)
        {
            final byte[] cut = Arrays.copyOf(bytes, n);
            final boolean protobufAccepts = parses(cut);
            final boolean ok = wrap(cut);
            assertEquals(protobufAccepts, ok, "cut at " + n + " of " + bytes.length + ": " + header.problem());
            if (!ok)
            {
                assertNotNull(header.problem());
                rejected++;
            }
        }
        assertTrue(rejected > bytes.length / 2, "most cuts fall inside a field");
    }

    @Test
    void namesEachKindOfTruncation()
    {
        assertFalse(wrap(new byte[]{(byte)0x80}));
        assertEquals("truncated field tag", header.problem());

        assertFalse(wrap(new byte[]{0x10, (byte)0x80}));
        assertEquals("truncated varint in field 2", header.problem());

        assertFalse(wrap(new byte[]{0x0a, 5, 'a', 'b'}));
        assertEquals("length of field 1 runs past the end of the envelope", header.problem());

        assertFalse(wrap(new byte[]{0x1a, (byte)0x80}));
        assertEquals("length of field 3 runs past the end of the envelope", header.problem());

        assertFalse(wrap(new byte[]{0x49, 1, 2, 3}));
        assertEquals("field 9 runs past the end of the envelope", header.problem());

        assertFalse(wrap(new byte[]{0x55, 1, 2, 3}));
        assertEquals("field 10 runs past the end of the envelope", header.problem());
    }

    @Test
    void aTruncatedEnvelopeInsideALargerBufferDoesNotReadPastItsLength()
    {
        // The bytes after the envelope would complete the string; the header must stop at offset + length.
        final ByteBuf buf = Unpooled.wrappedBuffer(new byte[]{0x0a, 3, 'a', 'b', 'c'});

        assertFalse(header.wrap(buf, 0, 4));
        assertEquals("length of field 1 runs past the end of the envelope", header.problem());
    }

    @Test
    void wrongWireTypesOfHeaderFieldsAreRejected()
    {
        final byte[][] cases = {
            {0x08, 5},                       // origin as varint
            {0x12, 1, 7},                    // origin_sequence as bytes
            {0x11, 1, 2, 3, 4, 5, 6, 7, 8},  // origin_sequence as fixed64
            {0x18, 1},                       // to as varint
            {0x1d, 1, 2, 3, 4},              // to as fixed32
            {0x22, 0},                       // precedence as bytes
            {0x29, 1, 2, 3, 4, 5, 6, 7, 8},  // created_at as fixed64
            {0x35, 1, 2, 3, 4},              // expires_at as fixed32
            {0x3a, 0},                       // want_receipts as bytes
        };
        final int[] fields = {1, 2, 2, 3, 3, 4, 5, 6, 7};
        final int[] wires = {0, 2, 1, 0, 5, 2, 1, 5, 2};
        for (int i = 0; i < cases.length; i++)
        {
            assertFalse(wrap(cases[i]), "case " + i);
            assertEquals("field " + fields[i] + " has the wrong wire type " + wires[i], header.problem());
        }
    }

    @Test
    void groupsAndFieldZeroAreRejected()
    {
        assertFalse(wrap(new byte[]{0x4b, 0x4c}));
        assertEquals("unsupported wire type 3 in field 9", header.problem());

        assertFalse(wrap(new byte[]{0x4e}));
        assertEquals("unsupported wire type 6 in field 9", header.problem());

        assertFalse(wrap(new byte[]{0x02, 0}));
        assertEquals("field number 0", header.problem());
    }

    private boolean wrap(final byte[] bytes)
    {
        return header.wrap(Unpooled.wrappedBuffer(bytes), 0, bytes.length);
    }

    private static boolean parses(final byte[] bytes)
    {
        try
        {
            Envelope.parseFrom(bytes);
            return true;
        }
        catch (final InvalidProtocolBufferException ex)
        {
            return false;
        }
    }
}
