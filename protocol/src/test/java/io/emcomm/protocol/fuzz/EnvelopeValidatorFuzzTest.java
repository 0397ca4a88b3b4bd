package io.emcomm.protocol.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.emcomm.protocol.envelope.EnvelopeValidator;
import io.emcomm.protocol.wire.Envelope;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Fuzzes {@link EnvelopeValidator} with protobuf's own parser as the oracle: the validator finds no problem exactly
 * when {@code Envelope.parseFrom} accepts the bytes, read from an array and from a direct buffer at an offset
 * between guard bytes (an invalid tag, so reading past either end would refuse a valid envelope).
 */
final class EnvelopeValidatorFuzzTest
{
    private static final byte[] GUARD = {0x00, (byte)0xFF};
    /** Not leak-tracked: the fuzz loop would otherwise record a stack trace per access. */
    private static final UnpooledByteBufAllocator UNTRACKED = new UnpooledByteBufAllocator(true, true);

    private final EnvelopeValidator validator = new EnvelopeValidator(64);

    @FuzzTest(maxDuration = "2m")
    @Timeout(10)
    void validatorAgreesWithProtobuf(final byte[] envelope)
    {
        final boolean parses = parses(envelope);
        final String fromArray = validator.problem(envelope, 0, envelope.length);
        assertEquals(parses, fromArray == null, () -> "protobuf " + (parses ? "accepts" : "refuses") + ", validator says " + fromArray);

        final ByteBuf direct = UNTRACKED.directBuffer(envelope.length + GUARD.length * 2);
        try
        {
            direct.writeBytes(GUARD).writeBytes(envelope).writeBytes(GUARD);
            assertEquals(fromArray, validator.problem(direct, GUARD.length, envelope.length), "direct buffer at an offset");
        }
        finally
        {
            direct.release();
        }
    }

    private static boolean parses(final byte[] envelope)
    {
        try
        {
            Envelope.parseFrom(envelope);
            return true;
        }
        catch (final InvalidProtocolBufferException ex)
        {
            return false;
        }
    }
}
