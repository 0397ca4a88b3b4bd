package io.emcomm.protocol.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.Text;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the {@link EnvelopeHeader} flyweight with arbitrary bytes, and uses protobuf's own parser as the
 * oracle: {@code wrap} never throws; when it accepts, every string it points at lies inside the envelope;
 * and when {@code Envelope.parseFrom} accepts the same bytes, the two agree on every header field the router
 * routes by. A disagreement matters: the router checks the origin and routes on the header, while
 * subscribers read the very same bytes with protobuf.
 *
 * <p>The envelope is placed between guard bytes that themselves look like envelope fields (a destination),
 * so a scan that runs past either end shows up as a string outside the envelope. The flyweight is reused,
 * as on an event loop, and wrapped over a full envelope first, so state left from a previous message would
 * show up too.
 */
final class EnvelopeHeaderFuzzTest
{
    /** Field 3 (to), length 1, "X": a destination, should the scan ever read it. */
    private static final byte[] GUARD = {0x1A, 0x01, 'X'};
    private static final byte[] PREVIOUS = Envelope.newBuilder()
        .setOrigin("previous").setOriginSequence(99).setPrecedence(Precedence.FLASH)
        .setCreatedAtMicros(5).setExpiresAtMicros(7).setWantReceipts(true)
        .addTo("terminal:stale").addTo("channel:stale")
        .setText(Text.newBuilder().setText("stale"))
        .build().toByteArray();

    private final EnvelopeHeader header = new EnvelopeHeader();

    @FuzzTest(maxDuration = "2m")
    @Timeout(10)
    void headerAgreesWithProtobuf(final byte[] envelope)
    {
        assertTrue(header.wrap(Unpooled.wrappedBuffer(PREVIOUS), 0, PREVIOUS.length), header.problem());

        final ByteBuf buf = Unpooled.buffer(GUARD.length * 2 + envelope.length)
            .writeBytes(GUARD).writeBytes(envelope).writeBytes(GUARD);
        final int start = GUARD.length;
        final int end = start + envelope.length;
        if (!header.wrap(buf, start, envelope.length))
        {
            assertNotNull(header.problem(), "a refusal names its reason");
            return;
        }

        if (header.hasOrigin())
        {
            assertTrue(header.origin().length() <= envelope.length, "origin longer than the envelope");
        }
        assertTrue(header.destinationCount() >= 0 && header.destinationCount() <= EnvelopeHeader.MAX_DESTINATIONS);
        for (int i = 0; i < header.destinationCount(); i++)
        {
            final int off = header.destinationOffset(i);
            final int len = header.destinationLength(i);
            assertTrue(off >= start && len >= 0 && off + len <= end,
                "destination " + i + " at [" + off + ", " + (off + len) + ") lies outside [" + start + ", " + end + ")");
        }

        final Envelope parsed;
        try
        {
            parsed = Envelope.parseFrom(envelope);
        }
        catch (final InvalidProtocolBufferException ex)
        {
            return; // protobuf is stricter (UTF-8, nested bodies); a refusal there is the receiver's to handle
        }
        assertEquals(parsed.getOrigin(), header.origin(), "origin");
        assertEquals(parsed.getOriginSequence(), header.originSequence(), "origin_sequence");
        assertEquals(routedPrecedence(parsed.getPrecedenceValue()), header.precedenceNumber(), "precedence");
        assertEquals(parsed.getCreatedAtMicros(), header.createdAtMicros(), "created_at_micros");
        assertEquals(parsed.getExpiresAtMicros(), header.expiresAtMicros(), "expires_at_micros");
        assertEquals(parsed.getWantReceipts(), header.wantReceipts(), "want_receipts");
        assertEquals(parsed.getToCount(), header.destinationCount(), "number of destinations");
        for (int i = 0; i < parsed.getToCount(); i++)
        {
            assertEquals(parsed.getTo(i), header.destination(i), "destination " + i);
        }
        // The router coalesces positions by the body field, so a known body must read the same both ways.
        final int body = header.bodyField();
        if (body >= Envelope.POSITION_FIELD_NUMBER && body <= Envelope.RECEIPT_FIELD_NUMBER)
        {
            assertEquals(parsed.getBodyCase().getNumber(), body, "body field");
        }
    }

    /** The header reads unknown and unspecified precedence numbers as ROUTINE; so must the oracle. */
    private static int routedPrecedence(final int wire)
    {
        return wire >= Precedence.ROUTINE_VALUE && wire <= Precedence.FLASH_VALUE ? wire : Precedence.ROUTINE_VALUE;
    }
}
