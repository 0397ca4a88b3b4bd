package io.emcomm.router.delivery;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Text;
import io.emcomm.router.journal.ChronicleJournal;
import io.emcomm.router.journal.JournalEntry;
import io.emcomm.router.journal.JournalReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The DELIVERY of a peer link (federation; protocol.md section 14): the terminal frame's fields 1-3, then
 * {@code origin_kind} (6) and {@code origin_region} (7), then {@code delivery_seq} (5) last once numbered; the same
 * facts in front; the same bytes whether made live (from the publish buffer) or in catch-up (from a journal entry).
 * The payload is read field by field, not through the generated {@code Delivery}, so the test does not depend on
 * whether the schema names fields 6 and 7 yet.
 */
final class PeerDeliveryFramesTest
{
    private static final long INDEX = (20_418L << 32) | 77;
    private static final long JOURNALED = 1_767_225_600_123_456L;

    @TempDir
    Path dir;

    private final EnvelopeHeader header = new EnvelopeHeader();

    /** One field of the payload as read: its number and its value (a Long or a byte[]). */
    private record Field(int number, Object value)
    {
    }

    private static List<Field> fields(final ByteBuf frame) throws Exception
    {
        final ByteBuf wire = frame.duplicate();
        final int length = wire.readInt();
        assertEquals(FrameType.DELIVERY_VALUE, wire.readByte());
        assertEquals(length - Frames.TYPE_BYTES, wire.readableBytes(), "the length covers the payload exactly");
        final CodedInputStream in = CodedInputStream.newInstance(ByteBufUtil.getBytes(wire));
        final List<Field> fields = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag())
        {
            final int number = WireFormat.getTagFieldNumber(tag);
            fields.add(new Field(number, WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT ? (Object)in.readInt64()
                : in.readByteArray()));
        }
        return fields;
    }

    private static List<Integer> numbers(final List<Field> fields)
    {
        return fields.stream().map(Field::number).toList();
    }

    private byte[] envelope()
    {
        return Envelope.newBuilder().setOrigin("hh-9").setOriginSequence(12).addTo("region:52").setPrecedence(Precedence.FLASH)
            .setWantReceipts(true).setText(Text.newBuilder().setText("dam breach")).build().toByteArray();
    }

    @Test
    void originKindAndRegionFollowTheTerminalFieldsAndDeliverySeqComesLast() throws Exception
    {
        final byte[] envelope = envelope();
        final ByteBuf in = Unpooled.wrappedBuffer(new byte[5], envelope);
        assertTrue(header.wrap(in, 5, envelope.length));
        final ByteBuf frame = DeliveryFrames.peerDelivery(ByteBufAllocator.DEFAULT, INDEX, in, 5, envelope.length, JOURNALED,
            header, TerminalKind.GROUND_VALUE, "520102001001");
        final ByteBuf terminal = DeliveryFrames.delivery(ByteBufAllocator.DEFAULT, INDEX, in, 5, envelope.length, JOURNALED, 0,
            header);
        try
        {
            final List<Field> fields = fields(frame);
            assertEquals(List.of(1, 2, 3, 6, 7), numbers(fields));
            assertEquals(INDEX, fields.get(0).value());
            assertArrayEquals(envelope, (byte[])fields.get(1).value());
            assertEquals(JOURNALED, fields.get(2).value());
            assertEquals((long)TerminalKind.GROUND_VALUE, fields.get(3).value());
            assertArrayEquals("520102001001".getBytes(StandardCharsets.US_ASCII), (byte[])fields.get(4).value());
            assertEquals(DeliveryFrames.facts(terminal), DeliveryFrames.facts(frame), "the drain reads the same facts");
            assertEquals(INDEX, DeliveryFrames.index(frame));
            assertTrue(DeliveryFrames.wrapEnvelope(frame, header), "the envelope is found as in a terminal's frame");
            assertEquals("hh-9", header.origin());

            final ByteBuf numbered = DeliveryFrames.numbered(frame, 7, ByteBufAllocator.DEFAULT);
            final List<Field> sent = fields(numbered);
            assertEquals(List.of(1, 2, 3, 6, 7, 5), numbers(sent), "delivery_seq stays last");
            assertEquals(7L, sent.get(5).value());
            numbered.release();
        }
        finally
        {
            terminal.release();
        }
    }

    @Test
    void anOriginWithoutKindOrRegionLeavesTheFieldsOut() throws Exception
    {
        final byte[] envelope = envelope();
        final ByteBuf in = Unpooled.wrappedBuffer(envelope);
        assertTrue(header.wrap(in, 0, envelope.length));
        final ByteBuf frame = DeliveryFrames.peerDelivery(ByteBufAllocator.DEFAULT, 3, in, 0, envelope.length, JOURNALED, header,
            TerminalKind.COMMAND_POST_VALUE, "");
        try
        {
            assertEquals(List.of(1, 2, 3, 6), numbers(fields(frame)), "an empty region is absent, as protobuf writes it");
        }
        finally
        {
            frame.release();
        }
    }

    @Test
    void aCatchUpFrameFromTheJournalIsByteForByteTheLiveOne() throws Exception
    {
        final byte[] envelope = envelope();
        final ByteBuf in = Unpooled.wrappedBuffer(envelope);
        assertTrue(header.wrap(in, 0, envelope.length));
        try (ChronicleJournal journal = new ChronicleJournal(dir.resolve("journal")))
        {
            final long index = journal.append(in, 0, envelope.length, JOURNALED, TerminalKind.AIR_VALUE, "520102", "county-r");
            final ByteBuf live = DeliveryFrames.peerDelivery(ByteBufAllocator.DEFAULT, index, in, 0, envelope.length, JOURNALED,
                header, TerminalKind.AIR_VALUE, "520102");
            final JournalEntry entry = new JournalEntry();
            try (JournalReader reader = journal.newReader())
            {
                reader.toStart();
                assertTrue(reader.next(entry));
            }
            assertTrue(header.wrap(entry.envelope(), 0, entry.envelopeLength()));
            final ByteBuf caughtUp = DeliveryFrames.peerDelivery(ByteBufAllocator.DEFAULT, entry, header);
            try
            {
                assertArrayEquals(ByteBufUtil.getBytes(live), ByteBufUtil.getBytes(caughtUp));
                assertEquals(DeliveryFrames.facts(live), DeliveryFrames.facts(caughtUp));
                assertEquals(index, DeliveryFrames.index(caughtUp));
            }
            finally
            {
                live.release();
                caughtUp.release();
            }
        }
    }
}
