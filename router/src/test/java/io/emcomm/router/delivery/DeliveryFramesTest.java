package io.emcomm.router.delivery;

import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.PositionReport;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.Text;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeliveryFramesTest
{
    private static final long INDEX = (20_418L << 32) | 77;
    private static final long JOURNALED = 1_767_225_600_123_456L;

    private final EnvelopeHeader header = new EnvelopeHeader();

    @Test
    void theFactsInFrontOfAFrameMatchItsEnvelopeAndAreNeverSent() throws Exception
    {
        final byte[] envelope = Envelope.newBuilder().setOrigin("uav-7").setOriginSequence(3).addTo("channel:ops")
            .setPrecedence(Precedence.FLASH).setExpiresAtMicros(1_767_229_200_000_000L).setWantReceipts(true)
            .setPosition(PositionReport.newBuilder().setLat(26.58).setLon(106.71))
            .build().toByteArray();
        final ByteBuf in = Unpooled.wrappedBuffer(new byte[3], envelope);
        assertTrue(header.wrap(in, 3, envelope.length), header.problem());

        final ByteBuf frame = DeliveryFrames.delivery(ByteBufAllocator.DEFAULT, INDEX, in, 3, envelope.length, JOURNALED, 0, header);
        try
        {
            final long facts = DeliveryFrames.facts(frame);
            assertEquals(INDEX, DeliveryFrames.index(frame));
            assertEquals(Precedence.FLASH_VALUE, DeliveryFrames.precedenceNumber(facts));
            assertEquals(1_767_229_200_000_000L, DeliveryFrames.expiresAtMicros(facts));
            assertFalse(DeliveryFrames.isExpiredAt(facts, 1_767_229_199_999_999L));
            assertTrue(DeliveryFrames.isExpiredAt(facts, 1_767_229_200_000_000L));
            assertTrue(DeliveryFrames.wantReceipts(facts));
            assertTrue(DeliveryFrames.isPosition(facts));

            // the readable bytes are exactly one DELIVERY frame around the envelope, as it was published
            final Delivery delivery = readDelivery(frame);
            assertEquals(INDEX, delivery.getJournalIndex());
            assertEquals(JOURNALED, delivery.getJournaledAtMicros());
            assertArrayEquals(envelope, delivery.getEnvelope().toByteArray());

            // a fan-out duplicate carries the same facts
            final ByteBuf share = frame.retainedDuplicate();
            assertEquals(INDEX, DeliveryFrames.index(share));
            assertEquals(facts, DeliveryFrames.facts(share));
            share.release();

            assertTrue(DeliveryFrames.wrapEnvelope(frame, header));
            assertEquals("uav-7", header.origin());
        }
        finally
        {
            frame.release();
        }
    }

    @Test
    void aPlainEnvelopeReadsAsRoutineWithoutExpiryAndAFrameWithoutAHeaderLikewise() throws Exception
    {
        final byte[] envelope = Envelope.newBuilder().setOrigin("cp-5201").setOriginSequence(1).addTo("region:5201")
            .setText(Text.newBuilder().setText("water level rising")).build().toByteArray();
        assertTrue(header.wrap(envelope, 0, envelope.length));
        for (final EnvelopeHeader h : new EnvelopeHeader[] {header, null})
        {
            final ByteBuf frame = DeliveryFrames.delivery(ByteBufAllocator.DEFAULT, 9, envelope, envelope.length, JOURNALED, 42, h);
            try
            {
                final long facts = DeliveryFrames.facts(frame);
                assertEquals(9, DeliveryFrames.index(frame));
                assertEquals(Precedence.ROUTINE_VALUE, DeliveryFrames.precedenceNumber(facts));
                assertEquals(0, DeliveryFrames.expiresAtMicros(facts));
                assertFalse(DeliveryFrames.isExpiredAt(facts, Long.MAX_VALUE));
                assertFalse(DeliveryFrames.wantReceipts(facts));
                assertFalse(DeliveryFrames.isPosition(facts));
                assertEquals(FrameType.REPLAY_ITEM_VALUE, frame.getUnsignedByte(frame.readerIndex() + Frames.LENGTH_FIELD_BYTES));
                assertEquals(42, readDelivery(frame).getReplayRequestId());
            }
            finally
            {
                frame.release();
            }
        }
    }

    private static Delivery readDelivery(final ByteBuf frame) throws Exception
    {
        final byte[] bytes = ByteBufUtil.getBytes(frame);
        final ByteBuf wire = Unpooled.wrappedBuffer(bytes);
        assertEquals(bytes.length - Frames.LENGTH_FIELD_BYTES, wire.readInt(), "length prefix");
        wire.readByte(); // type
        return Delivery.parseFrom(wire.nioBuffer());
    }

    @Test
    void aFrameNumberedInPlaceOrCopiedWhileSharedCarriesItsDeliverySeqLastAndKeepsItsFacts() throws Exception
    {
        final byte[] envelope = Envelope.newBuilder().setOrigin("cp-5201").setOriginSequence(1).addTo("region:5201")
            .setPrecedence(Precedence.PRIORITY).setText(Text.newBuilder().setText("water level rising")).build().toByteArray();
        assertTrue(header.wrap(envelope, 0, envelope.length));
        final ByteBuf frame = DeliveryFrames.delivery(ByteBufAllocator.DEFAULT, INDEX, envelope, envelope.length, JOURNALED, 0, header);
        final byte[] unnumbered = ByteBufUtil.getBytes(frame);
        final long facts = DeliveryFrames.facts(frame);

        // a fan-out: another session still holds the bytes, so this one gets a numbered copy and the bytes stay
        final ByteBuf shared = frame.retainedDuplicate();
        final ByteBuf copy = DeliveryFrames.numbered(shared, 300, ByteBufAllocator.DEFAULT);
        assertFalse(copy == shared);
        assertEquals(1, frame.refCnt(), "the shared reference was let go");
        assertArrayEquals(unnumbered, ByteBufUtil.getBytes(frame), "the other session's bytes are untouched");
        assertEquals(INDEX, DeliveryFrames.index(copy));
        assertEquals(facts, DeliveryFrames.facts(copy));
        final Delivery copied = readDelivery(copy);
        assertEquals(300, copied.getDeliverySeq());
        assertEquals(INDEX, copied.getJournalIndex());
        assertEquals(JOURNALED, copied.getJournaledAtMicros());
        assertArrayEquals(envelope, copied.getEnvelope().toByteArray());
        assertTrue(DeliveryFrames.wrapEnvelope(copy, header));
        copy.release();

        // the last holder numbers it in place, with room for the largest number
        final ByteBuf numbered = DeliveryFrames.numbered(frame, Long.MAX_VALUE, ByteBufAllocator.DEFAULT);
        assertTrue(numbered == frame, "no copy");
        try
        {
            assertEquals(INDEX, DeliveryFrames.index(numbered));
            assertEquals(facts, DeliveryFrames.facts(numbered));
            final Delivery delivery = readDelivery(numbered);
            assertEquals(Long.MAX_VALUE, delivery.getDeliverySeq());
            assertEquals(INDEX, delivery.getJournalIndex());
            assertArrayEquals(envelope, delivery.getEnvelope().toByteArray());
            final byte[] bytes = ByteBufUtil.getBytes(numbered);
            final byte[] prefix = java.util.Arrays.copyOfRange(bytes, Frames.LENGTH_FIELD_BYTES, unnumbered.length);
            assertArrayEquals(java.util.Arrays.copyOfRange(unnumbered, Frames.LENGTH_FIELD_BYTES, unnumbered.length), prefix,
                "the fields a version 1 client reads come first, as before");
        }
        finally
        {
            numbered.release();
        }
    }
}
