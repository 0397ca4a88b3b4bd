package io.emcomm.client;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.Precedence;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * A flyweight over one DELIVERY frame (protocol.md §7), handed to a {@link DeliveryHandler}: the delivery's and its
 * envelope's scalar fields, and where the origin, the first destination and the body lie in {@link #buffer()}
 * (absolute indexes; the buffer's reader and writer indexes are not to be moved). Reading it allocates nothing
 * except in the convenience methods that say so.
 *
 * <p>Valid only during {@link DeliveryHandler#onDelivery}; the client reuses it for the next frame. Network thread.
 */
public final class DeliveryView
{
    private static final int DELIVERY_JOURNAL_INDEX = 1;
    private static final int DELIVERY_ENVELOPE = 2;
    private static final int DELIVERY_JOURNALED_AT = 3;
    private static final int DELIVERY_SEQ = 5;
    private static final int ENVELOPE_ORIGIN = 1;
    private static final int ENVELOPE_SEQUENCE = 2;
    private static final int ENVELOPE_TO = 3;
    private static final int ENVELOPE_PRECEDENCE = 4;
    private static final int ENVELOPE_CREATED = 5;
    private static final int ENVELOPE_EXPIRES = 6;
    private static final int ENVELOPE_WANT_RECEIPTS = 7;
    private static final int FIRST_BODY_FIELD = 20;
    private static final int LAST_BODY_FIELD = 25;
    private static final int TEXT_FIELD = 1;

    private ByteBuf buffer;
    private long journalIndex;
    private long deliverySeq;
    private long journaledAtMicros;
    private int envelopeOffset;
    private int envelopeLength;
    private int originOffset;
    private int originLength;
    private int firstToOffset;
    private int firstToLength;
    private long originSequence;
    private int precedence;
    private long createdAtMicros;
    private long expiresAtMicros;
    private boolean wantReceipts;
    private int bodyField;
    private int bodyOffset;
    private int bodyLength;

    /**
     * Points this view at the Delivery message in [offset, offset + length) of {@code frame}; false when it is
     * malformed (then the view must not be used).
     */
    boolean wrap(final ByteBuf frame, final int offset, final int length)
    {
        buffer = frame;
        journalIndex = 0;
        deliverySeq = 0;
        journaledAtMicros = 0;
        envelopeOffset = 0;
        envelopeLength = 0;
        final int end = offset + length;
        int pos = offset;
        while (pos < end)
        {
            final long tag = WireScan.varint(frame, pos, end);
            pos = WireScan.skipVarint(frame, pos, end);
            if (tag < 0 || pos < 0)
            {
                return false;
            }
            final int field = (int)(tag >>> 3);
            final int wire = (int)(tag & 7);
            final int next = WireScan.skipValue(frame, pos, end, wire);
            if (next < 0)
            {
                return false;
            }
            if (wire == WireScan.WIRE_VARINT)
            {
                final long value = WireScan.varint(frame, pos, end);
                switch (field)
                {
                    case DELIVERY_JOURNAL_INDEX -> journalIndex = value;
                    case DELIVERY_JOURNALED_AT -> journaledAtMicros = value;
                    case DELIVERY_SEQ -> deliverySeq = value;
                    default ->
                    {
                        // replay_request_id and fields of newer routers: not for a live delivery
                    }
                }
            }
            else if (wire == WireScan.WIRE_LEN && field == DELIVERY_ENVELOPE)
            {
                envelopeOffset = WireScan.contentStart(frame, pos, end);
                envelopeLength = next - envelopeOffset;
            }
            pos = next;
        }
        return wrapEnvelope(frame, envelopeOffset, envelopeOffset + envelopeLength);
    }

    private boolean wrapEnvelope(final ByteBuf frame, final int offset, final int end)
    {
        originOffset = offset;
        originLength = 0;
        firstToOffset = offset;
        firstToLength = 0;
        originSequence = 0;
        precedence = 0;
        createdAtMicros = 0;
        expiresAtMicros = 0;
        wantReceipts = false;
        bodyField = 0;
        bodyOffset = offset;
        bodyLength = 0;
        int pos = offset;
        while (pos < end)
        {
            final long tag = WireScan.varint(frame, pos, end);
            pos = WireScan.skipVarint(frame, pos, end);
            if (tag < 0 || pos < 0)
            {
                return false;
            }
            final int field = (int)(tag >>> 3);
            final int wire = (int)(tag & 7);
            final int next = WireScan.skipValue(frame, pos, end, wire);
            if (next < 0)
            {
                return false;
            }
            if (wire == WireScan.WIRE_VARINT)
            {
                final long value = WireScan.varint(frame, pos, end);
                switch (field)
                {
                    case ENVELOPE_SEQUENCE -> originSequence = value;
                    case ENVELOPE_PRECEDENCE -> precedence = (int)value;
                    case ENVELOPE_CREATED -> createdAtMicros = value;
                    case ENVELOPE_EXPIRES -> expiresAtMicros = value;
                    case ENVELOPE_WANT_RECEIPTS -> wantReceipts = value != 0;
                    default ->
                    {
                        // a newer router's field
                    }
                }
            }
            else if (wire == WireScan.WIRE_LEN)
            {
                final int content = WireScan.contentStart(frame, pos, end);
                if (field == ENVELOPE_ORIGIN)
                {
                    originOffset = content;
                    originLength = next - content;
                }
                else if (field == ENVELOPE_TO && firstToLength == 0)
                {
                    firstToOffset = content;
                    firstToLength = next - content;
                }
                else if (field >= FIRST_BODY_FIELD && field <= LAST_BODY_FIELD)
                {
                    bodyField = field;
                    bodyOffset = content;
                    bodyLength = next - content;
                }
            }
            pos = next;
        }
        return true;
    }

    /** The frame's buffer; every offset of this view is an absolute index into it. */
    public ByteBuf buffer()
    {
        return buffer;
    }

    /** The entry's index in the router's journal (what a manual {@link EmcommClient#ack} names). */
    public long journalIndex()
    {
        return journalIndex;
    }

    /**
     * The router's number of this DELIVERY on this connection (1, 2, 3, ...; protocol.md §7, cumulative
     * acknowledgement), or 0 from a router that does not number deliveries.
     */
    public long deliverySeq()
    {
        return deliverySeq;
    }

    /** When the router journaled the entry, microseconds since the Unix epoch on the router's clock. */
    public long journaledAtMicros()
    {
        return journaledAtMicros;
    }

    /** The message's precedence; {@code PRECEDENCE_UNSPECIFIED} when absent, {@code UNRECOGNIZED} from a newer router. */
    public Precedence precedence()
    {
        final Precedence p = Precedence.forNumber(precedence);
        return p == null ? Precedence.UNRECOGNIZED : p;
    }

    /** The sender's origin sequence. */
    public long originSequence()
    {
        return originSequence;
    }

    /** The sender's creation time, microseconds since the Unix epoch on the sender's clock. */
    public long createdAtMicros()
    {
        return createdAtMicros;
    }

    /** When the message stops being delivered, microseconds since the Unix epoch; 0 = never. */
    public long expiresAtMicros()
    {
        return expiresAtMicros;
    }

    /** True when the sender asked for a delivery receipt. */
    public boolean wantReceipts()
    {
        return wantReceipts;
    }

    /** Start of the envelope's encoded bytes in {@link #buffer()}. */
    public int envelopeOffset()
    {
        return envelopeOffset;
    }

    /** Length of the envelope's encoded bytes. */
    public int envelopeLength()
    {
        return envelopeLength;
    }

    /** Start of the origin terminal id's UTF-8 bytes. */
    public int originOffset()
    {
        return originOffset;
    }

    /** Length of the origin terminal id's UTF-8 bytes. */
    public int originLength()
    {
        return originLength;
    }

    /** Start of the first destination address's UTF-8 bytes (e.g. {@code channel:flood.5201}). */
    public int firstToOffset()
    {
        return firstToOffset;
    }

    /** Length of the first destination address's UTF-8 bytes; 0 when there is none. */
    public int firstToLength()
    {
        return firstToLength;
    }

    /** Which body the envelope carries ({@code TEXT}, {@code POSITION}, ...; {@code BODY_NOT_SET} for none). */
    public Envelope.BodyCase bodyCase()
    {
        return bodyField == 0 ? Envelope.BodyCase.BODY_NOT_SET : Envelope.BodyCase.forNumber(bodyField);
    }

    /** Start of the body message's encoded bytes (a {@code Text}, {@code PositionReport}, ...). */
    public int bodyOffset()
    {
        return bodyOffset;
    }

    /** Length of the body message's encoded bytes. */
    public int bodyLength()
    {
        return bodyLength;
    }

    /**
     * Start of a {@code Text} body's UTF-8 text, or -1 when the body is not text (or its text is empty). With
     * {@link #textLength()} this reads a text message without decoding a string.
     */
    public int textOffset()
    {
        final long found = textField();
        return found < 0 ? -1 : (int)(found >>> 32);
    }

    /** Length of a {@code Text} body's UTF-8 text; 0 when the body is not text. */
    public int textLength()
    {
        final long found = textField();
        return found < 0 ? 0 : (int)found;
    }

    private long textField()
    {
        if (bodyField != Envelope.BodyCase.TEXT.getNumber())
        {
            return -1;
        }
        final int end = bodyOffset + bodyLength;
        int pos = bodyOffset;
        while (pos < end)
        {
            final long tag = WireScan.varint(buffer, pos, end);
            pos = WireScan.skipVarint(buffer, pos, end);
            if (tag < 0 || pos < 0)
            {
                return -1;
            }
            final int wire = (int)(tag & 7);
            final int next = WireScan.skipValue(buffer, pos, end, wire);
            if (next < 0)
            {
                return -1;
            }
            if ((tag >>> 3) == TEXT_FIELD && wire == WireScan.WIRE_LEN)
            {
                final int content = WireScan.contentStart(buffer, pos, end);
                return ((long)content << 32) | (next - content);
            }
            pos = next;
        }
        return -1;
    }

    /** The origin terminal id as a string. Allocates. */
    public String origin()
    {
        return buffer.toString(originOffset, originLength, StandardCharsets.UTF_8);
    }

    /** The whole envelope, decoded. Allocates; for the occasional message that needs every field. */
    public Envelope envelope() throws InvalidProtocolBufferException
    {
        return Envelope.parseFrom(buffer.nioBuffer(envelopeOffset, envelopeLength));
    }

    @Override
    public String toString()
    {
        return "DeliveryView{journalIndex=" + journalIndex + ", deliverySeq=" + deliverySeq + ", originSequence=" +
            originSequence + ", precedence=" + precedence() + ", body=" + bodyCase() + "}";
    }
}
