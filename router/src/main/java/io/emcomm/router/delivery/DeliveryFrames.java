package io.emcomm.router.delivery;

import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.frame.ProtoWriter;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.router.journal.JournalEntry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;

/**
 * Composes DELIVERY / REPLAY_ITEM and PUBLISH_ACK frames by hand around bytes the router already has:
 * the envelope goes out exactly as it was journaled, never re-serialised. Field numbers follow
 * {@code Delivery} and {@code PublishAck} in emcomm.proto.
 */
public final class DeliveryFrames
{
    private DeliveryFrames()
    {
    }

    /**
     * Bytes in front of every delivery frame, before its reader index, so never sent: the journal index and a
     * word of facts about the envelope (expiry, precedence, receipts wanted, a position report). The drain
     * reads them instead of scanning each envelope header again on the subscriber's loop.
     */
    static final int FACTS_BYTES = 16;
    private static final long EXPIRY_MASK = (1L << 56) - 1;
    private static final int PRECEDENCE_SHIFT = 56;
    private static final long PRECEDENCE_MASK = 7;
    private static final long WANT_RECEIPTS = 1L << 59;
    private static final long POSITION = 1L << 60;

    /** Field 5 of {@code Delivery} ({@code delivery_seq}, varint), its tag as one byte. */
    private static final int DELIVERY_SEQ_TAG = 5 << 3;
    /** The most a {@code delivery_seq} field takes: its tag and a ten-byte varint. */
    static final int DELIVERY_SEQ_ROOM = 1 + 10;

    private static int deliveryPayloadSize(final long index, final int envelopeLength, final long journaledAtMicros,
        final long replayRequestId)
    {
        int size = ProtoWriter.varintFieldSize(1, index)
            + ProtoWriter.lenFieldSize(2, envelopeLength)
            + ProtoWriter.varintFieldSize(3, journaledAtMicros);
        if (replayRequestId != 0)
        {
            size += ProtoWriter.varintFieldSize(4, replayRequestId);
        }
        return size;
    }

    /**
     * A whole DELIVERY (or REPLAY_ITEM when replayRequestId != 0) frame in a new pooled buffer. {@code header}
     * (wrapped on this envelope) supplies the facts a delivery feed's drain needs; it may be null for a frame
     * that is written straight to a channel.
     */
    public static ByteBuf delivery(final ByteBufAllocator alloc, final long index, final ByteBuf envelope,
        final int envelopeOffset, final int envelopeLength, final long journaledAtMicros, final long replayRequestId,
        final EnvelopeHeader header)
    {
        final ByteBuf buf = start(alloc, index, envelopeLength, journaledAtMicros, replayRequestId, header);
        // the source reads into the frame (memory to memory); the frame writing from a ByteBuf source would go
        // through an NIO view of its chunk: a DirectByteBuffer allocated per message (seen in the 1to1 profile)
        final int at = buf.writerIndex();
        envelope.getBytes(envelopeOffset, buf, at, envelopeLength);
        buf.writerIndex(at + envelopeLength);
        return finish(buf, journaledAtMicros, replayRequestId);
    }

    /** As {@link #delivery} for an envelope held in a byte array (read back from the journal). */
    public static ByteBuf delivery(final ByteBufAllocator alloc, final long index, final byte[] envelope,
        final int envelopeLength, final long journaledAtMicros, final long replayRequestId, final EnvelopeHeader header)
    {
        final ByteBuf buf = start(alloc, index, envelopeLength, journaledAtMicros, replayRequestId, header);
        buf.writeBytes(envelope, 0, envelopeLength);
        return finish(buf, journaledAtMicros, replayRequestId);
    }

    /**
     * The DELIVERY of a peer link (federation, issue 16; protocol.md section 14): as {@link #delivery} with, after
     * field 3, {@code origin_kind} (field 6, varint, absent when 0) and {@code origin_region} (field 7, ASCII, absent
     * when empty): the origin as it logged in where the message entered, which the receiving router journals with
     * the envelope and checks its authority by. {@code delivery_seq} (field 5) is still appended last by
     * {@link #numbered}. Publishing event loop (live route), only when a recipient is a peer.
     *
     * @param originKind   the origin's {@code TerminalKind} number as journaled
     * @param originRegion the origin's region code as journaled, "" for none (ASCII digits)
     */
    public static ByteBuf peerDelivery(final ByteBufAllocator alloc, final long index, final ByteBuf envelope,
        final int envelopeOffset, final int envelopeLength, final long journaledAtMicros, final EnvelopeHeader header,
        final int originKind, final String originRegion)
    {
        final int origin = originSize(originKind, originRegion.length());
        final ByteBuf buf = start(alloc, index, envelopeLength, journaledAtMicros, 0, header, origin);
        final int at = buf.writerIndex();
        envelope.getBytes(envelopeOffset, buf, at, envelopeLength);
        buf.writerIndex(at + envelopeLength);
        finish(buf, journaledAtMicros, 0);
        writeOriginKind(buf, originKind);
        if (!originRegion.isEmpty())
        {
            ProtoWriter.writeLenPrefix(buf, ORIGIN_REGION_FIELD, originRegion.length());
            buf.writeCharSequence(originRegion, StandardCharsets.US_ASCII);
        }
        return buf;
    }

    /**
     * The peer variant of DELIVERY ({@link #peerDelivery(ByteBufAllocator, long, ByteBuf, int, int, long,
     * EnvelopeHeader, int, String)}) for a journal entry read back (a peer link's catch-up), origin kind and region
     * taken from the entry. Allocation-free apart from the frame.
     */
    public static ByteBuf peerDelivery(final ByteBufAllocator alloc, final JournalEntry entry, final EnvelopeHeader header)
    {
        final int regionLength = entry.originRegionLength();
        final int origin = originSize(entry.originKind(), regionLength);
        final ByteBuf buf = start(alloc, entry.index(), entry.envelopeLength(), entry.journaledAtMicros(), 0, header, origin);
        buf.writeBytes(entry.envelope(), 0, entry.envelopeLength());
        finish(buf, entry.journaledAtMicros(), 0);
        writeOriginKind(buf, entry.originKind());
        if (regionLength > 0)
        {
            ProtoWriter.writeLenPrefix(buf, ORIGIN_REGION_FIELD, regionLength);
            entry.writeOriginRegion(buf);
        }
        return buf;
    }

    /** {@code Delivery.origin_kind}: on peer links only. */
    private static final int ORIGIN_KIND_FIELD = 6;
    /** {@code Delivery.origin_region}: on peer links only. */
    private static final int ORIGIN_REGION_FIELD = 7;

    private static int originSize(final int originKind, final int regionLength)
    {
        return (originKind == 0 ? 0 : ProtoWriter.varintFieldSize(ORIGIN_KIND_FIELD, originKind))
            + (regionLength == 0 ? 0 : ProtoWriter.lenFieldSize(ORIGIN_REGION_FIELD, regionLength));
    }

    private static void writeOriginKind(final ByteBuf buf, final int originKind)
    {
        if (originKind != 0)
        {
            ProtoWriter.writeVarintField(buf, ORIGIN_KIND_FIELD, originKind);
        }
    }

    private static ByteBuf start(final ByteBufAllocator alloc, final long index, final int envelopeLength,
        final long journaledAtMicros, final long replayRequestId, final EnvelopeHeader header)
    {
        return start(alloc, index, envelopeLength, journaledAtMicros, replayRequestId, header, 0);
    }

    /** {@code extra}: the bytes of fields the caller writes after field 3 (a peer link's origin fields). */
    private static ByteBuf start(final ByteBufAllocator alloc, final long index, final int envelopeLength,
        final long journaledAtMicros, final long replayRequestId, final EnvelopeHeader header, final int extra)
    {
        final int payload = deliveryPayloadSize(index, envelopeLength, journaledAtMicros, replayRequestId) + extra;
        // a DELIVERY keeps room behind it for its delivery_seq, stamped when a session writes it (numbered)
        final int room = replayRequestId == 0 ? DELIVERY_SEQ_ROOM : 0;
        final ByteBuf buf = alloc.directBuffer(FACTS_BYTES + Frames.HEADER_BYTES + payload + room);
        buf.writeLong(index).writeLong(header == null ? 0 : facts(header));
        buf.readerIndex(FACTS_BYTES);
        Frames.writeHeader(buf, replayRequestId == 0 ? FrameType.DELIVERY : FrameType.REPLAY_ITEM, payload);
        ProtoWriter.writeVarintField(buf, 1, index);
        ProtoWriter.writeLenPrefix(buf, 2, envelopeLength);
        return buf;
    }

    private static ByteBuf finish(final ByteBuf buf, final long journaledAtMicros, final long replayRequestId)
    {
        ProtoWriter.writeVarintField(buf, 3, journaledAtMicros);
        if (replayRequestId != 0)
        {
            ProtoWriter.writeVarintField(buf, 4, replayRequestId);
        }
        return buf;
    }

    /**
     * Numbers a DELIVERY frame made by {@link #delivery} for the connection about to write it: appends
     * {@code delivery_seq} (field 5, protocol.md section 7.3) as the payload's last field and grows the frame's
     * length to match. Fields may come in any order in protobuf; putting this one last leaves the layout a
     * client that scans for field 1 first (or knows nothing of field 5) has always read.
     *
     * <p>When the caller holds the only reference to the frame's bytes (1to1, the last of a fan-out's recipients
     * to write it, a catch-up read, a resend) the field is written in place into the room {@link #delivery} left
     * behind the frame: no copy, no allocation. A frame whose bytes other sessions of a fan-out still hold
     * (a retained duplicate) cannot be changed, as each connection numbers it differently: it is copied, facts
     * included, into a new buffer from {@code alloc} (pooled: no garbage), and the shared one is released.
     *
     * <p>Hot path, on the writing session's event loop. Takes ownership of {@code frame}.
     *
     * @param deliverySeq 1 or more.
     * @return the frame to write: {@code frame} itself, or its numbered copy.
     */
    public static ByteBuf numbered(final ByteBuf frame, final long deliverySeq, final ByteBufAllocator alloc)
    {
        final int start = frame.readerIndex();
        // refCnt 1: the other holders have written their copies and let go, so nobody reads these bytes any more
        if (frame.refCnt() == 1 && frame.writableBytes() >= DELIVERY_SEQ_ROOM)
        {
            final int end = frame.writerIndex();
            frame.writeByte(DELIVERY_SEQ_TAG);
            ProtoWriter.writeVarint(frame, deliverySeq);
            frame.setInt(start, frame.getInt(start) + frame.writerIndex() - end);
            return frame;
        }
        final int length = frame.readableBytes();
        final int field = ProtoWriter.varintFieldSize(5, deliverySeq);
        final ByteBuf copy = alloc.directBuffer(FACTS_BYTES + length + field);
        // read from the shared frame into the copy (memory to memory), not the copy writing from a derived
        // buffer, which goes through a ByteBuffer view: garbage per frame
        frame.getBytes(start - FACTS_BYTES, copy, 0, FACTS_BYTES + length);
        copy.writerIndex(FACTS_BYTES + length).readerIndex(FACTS_BYTES);
        copy.setInt(FACTS_BYTES, frame.getInt(start) + field);
        copy.writeByte(DELIVERY_SEQ_TAG);
        ProtoWriter.writeVarint(copy, deliverySeq);
        frame.release();
        return copy;
    }

    private static long facts(final EnvelopeHeader header)
    {
        // an expiry past 2^56 us (year 4253) reads as never rather than as a wrong time
        final long expires = header.expiresAtMicros();
        long facts = expires < 0 || expires > EXPIRY_MASK ? 0 : expires;
        facts |= (long)header.precedenceNumber() << PRECEDENCE_SHIFT;
        if (header.wantReceipts())
        {
            facts |= WANT_RECEIPTS;
        }
        if (header.bodyField() == EnvelopeBodies.POSITION)
        {
            facts |= POSITION;
        }
        return facts;
    }

    /** The journal index of a frame made by {@link #delivery}. */
    public static long index(final ByteBuf frame)
    {
        return frame.getLong(frame.readerIndex() - FACTS_BYTES);
    }

    /** The facts word of a frame made by {@link #delivery}; read it with the static accessors below. */
    public static long facts(final ByteBuf frame)
    {
        return frame.getLong(frame.readerIndex() - FACTS_BYTES + Long.BYTES);
    }

    /** The envelope's expires_at in microseconds, 0 for none. */
    public static long expiresAtMicros(final long facts)
    {
        return facts & EXPIRY_MASK;
    }

    /**
     * True when a delivery with these packed facts (see {@link #expiresAtMicros(long)}) has an expiry and it is at or
     * before {@code nowMicros}.
     */
    public static boolean isExpiredAt(final long facts, final long nowMicros)
    {
        final long expires = facts & EXPIRY_MASK;
        return expires > 0 && nowMicros >= expires;
    }

    /** Precedence number as {@link EnvelopeHeader#precedenceNumber()} read it (ROUTINE for a frame without facts). */
    public static int precedenceNumber(final long facts)
    {
        final int precedence = (int)((facts >>> PRECEDENCE_SHIFT) & PRECEDENCE_MASK);
        return precedence == 0 ? Precedence.ROUTINE_VALUE : precedence;
    }

    public static boolean wantReceipts(final long facts)
    {
        return (facts & WANT_RECEIPTS) != 0;
    }

    public static boolean isPosition(final long facts)
    {
        return (facts & POSITION) != 0;
    }

    /** Appends a PUBLISH_ACK frame without {@code delivered_now} or {@code unknown_terminals} (benchmarks). */
    public static void writePublishAck(final ByteBuf buf, final byte[] origin, final long sequence, final long index,
        final boolean duplicate)
    {
        writePublishAck(buf, origin, sequence, index, duplicate, 0, null, 0);
    }

    /**
     * Appends a PUBLISH_ACK frame to {@code buf} (acks of a read batch share one buffer), with
     * {@code delivered_now} (field 5, absent when 0) and the first
     * {@code unknownCount} entries of {@code unknownTerminals} (field 6, ASCII strings). Allocates nothing.
     */
    public static void writePublishAck(final ByteBuf buf, final byte[] origin, final long sequence, final long index,
        final boolean duplicate, final int deliveredNow, final String[] unknownTerminals, final int unknownCount)
    {
        int payload = ProtoWriter.lenFieldSize(1, origin.length)
            + ProtoWriter.varintFieldSize(2, sequence)
            + ProtoWriter.varintFieldSize(3, index);
        if (duplicate)
        {
            payload += ProtoWriter.varintFieldSize(4, 1);
        }
        if (deliveredNow != 0)
        {
            payload += ProtoWriter.varintFieldSize(5, deliveredNow);
        }
        for (int i = 0; i < unknownCount; i++)
        {
            payload += ProtoWriter.lenFieldSize(6, unknownTerminals[i].length());
        }
        Frames.writeHeader(buf, FrameType.PUBLISH_ACK, payload);
        ProtoWriter.writeLenPrefix(buf, 1, origin.length);
        buf.writeBytes(origin);
        ProtoWriter.writeVarintField(buf, 2, sequence);
        ProtoWriter.writeVarintField(buf, 3, index);
        if (duplicate)
        {
            ProtoWriter.writeVarintField(buf, 4, 1);
        }
        if (deliveredNow != 0)
        {
            ProtoWriter.writeVarintField(buf, 5, deliveredNow);
        }
        for (int i = 0; i < unknownCount; i++)
        {
            ProtoWriter.writeLenPrefix(buf, 6, unknownTerminals[i].length());
            buf.writeCharSequence(unknownTerminals[i], StandardCharsets.US_ASCII);
        }
    }

    /** Points {@code header} at the envelope inside a frame made by {@link #delivery}. */
    public static boolean wrapEnvelope(final ByteBuf frame, final EnvelopeHeader header)
    {
        int p = frame.readerIndex() + Frames.HEADER_BYTES + 1;
        while (frame.getByte(p++) < 0)
        {
            // skip the index varint
        }
        p++; // tag of field 2
        int length = 0;
        int shift = 0;
        byte b;
        do
        {
            b = frame.getByte(p++);
            length |= (b & 0x7F) << shift;
            shift += 7;
        }
        while (b < 0);
        return header.wrap(frame, p, length);
    }
}
