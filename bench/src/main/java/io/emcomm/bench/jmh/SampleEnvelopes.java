package io.emcomm.bench.jmh;

import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.Text;

/** Envelopes shaped like real traffic, shared by the micro-benchmarks. */
final class SampleEnvelopes
{
    private SampleEnvelopes()
    {
    }

    /** A ROUTINE text report from a village terminal to an ops channel and up the chain: ~330 bytes. */
    static Envelope report()
    {
        return Envelope.newBuilder()
            .setOrigin("ground-520102001001-17")
            .setOriginSequence(123_456)
            .addTo("channel:ops.5201.flood")
            .addTo("up:520102001001")
            .setPrecedence(Precedence.ROUTINE)
            .setCreatedAtMicros(1_760_000_000_000_000L)
            .setText(Text.newBuilder().setText("x".repeat(256)))
            .build();
    }
}
