package io.emcomm.kafka.journal;

import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.Text;
import io.netty.buffer.Unpooled;

/** Envelopes and journal record values for the tests. */
final class Records
{
    private Records()
    {
    }

    /** An envelope from {@code origin} with {@code sequence}, to terminal:dest, with a text of {@code padding} bytes. */
    static byte[] envelope(final String origin, final long sequence, final Precedence precedence, final int padding)
    {
        return Envelope.newBuilder().setOrigin(origin).setOriginSequence(sequence).addTo("terminal:dest")
            .setPrecedence(precedence).setCreatedAtMicros(1_000_000L * sequence)
            .setText(Text.newBuilder().setText("x".repeat(padding))).build().toByteArray();
    }

    /** A record value around {@code envelope}, as node {@code routerId} would produce it. */
    static byte[] value(final byte[] envelope, final String routerId, final long token)
    {
        final byte[] v = new byte[JournalRecord.encodedLength("R1.A", "", routerId, envelope.length)];
        JournalRecord.encode(v, 0, 42L, 3, "R1.A", "", routerId, token, Unpooled.wrappedBuffer(envelope), 0, envelope.length);
        return v;
    }

    /** A record value for (origin, sequence) from node {@code routerId}. */
    static byte[] value(final String origin, final long sequence, final String routerId, final long token)
    {
        return value(envelope(origin, sequence, Precedence.ROUTINE, 8), routerId, token);
    }
}
