package io.emcomm.bench.jmh;

import io.emcomm.protocol.wire.Alert;
import io.emcomm.protocol.wire.Area;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.Point;
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

    /** A FLASH CAP flood alert from a county command post with one polygon area, Chinese text: ~600 bytes. */
    static Envelope alert()
    {
        final Area.Builder area = Area.newBuilder().setDescription("南明区沿河低洼地带 riverside low ground")
            .addRegionCodes("520102").addRegionCodes("520103");
        for (int i = 0; i < 8; i++)
        {
            area.addPolygon(Point.newBuilder().setLat(26.56 + i * 0.01).setLon(106.71 + (i % 3) * 0.01));
        }
        return Envelope.newBuilder()
            .setOrigin("command-post-520102")
            .setOriginSequence(42)
            .addTo("region:520102")
            .addTo("channel:alerts.5201")
            .setPrecedence(Precedence.FLASH)
            .setCreatedAtMicros(1_760_000_000_000_000L)
            .setAlert(Alert.newBuilder().setIdentifier("CN-520102-2026-0042").setEvent("Flood")
                .setStatus(Alert.Status.ACTUAL).setMsgType(Alert.MsgType.ALERT).setScope(Alert.Scope.PUBLIC)
                .setUrgency(Alert.Urgency.URGENCY_IMMEDIATE).setSeverity(Alert.Severity.SEVERE)
                .setCertainty(Alert.Certainty.OBSERVED).setExpiresAtMicros(1_760_086_400_000_000L)
                .setHeadline("洪水红色预警 Red flood warning for Nanming district")
                .setDescription("南明河水位超过警戒线1.2米，预计未来6小时继续上涨。River 1.2 m above warning level, rising.")
                .setInstruction("立即撤离至高处。Evacuate to high ground now; avoid bridges and underpasses.")
                .addAreas(area))
            .build();
    }
}
