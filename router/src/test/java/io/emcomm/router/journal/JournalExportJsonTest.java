package io.emcomm.router.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.PositionReport;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Text;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One line of {@code emcomm journal export} (JSON lines), byte for byte as before Jackson wrote it: field names,
 * their order, times, nulls, escapes and the envelope in base64. After-action tools read these lines.
 */
class JournalExportJsonTest
{
    @Test
    void textWithTimesAndEscapes() throws Exception
    {
        final Envelope e = Envelope.newBuilder().setOrigin("uav-1").setOriginSequence(4).setPrecedence(Precedence.FLASH)
            .addTo("region:5201").addTo("channel:ops").setCreatedAtMicros(1777622400000000L)
            .setExpiresAtMicros(1777626000123456L)
            .setText(Text.newBuilder().setText("say \"hi\"\\ \n\t\u0001\u001f\b\f é")).build();
        final JournalEntry entry = entry(1234567890123L, 1777622401234567L, TerminalKind.AIR, "520102", e);

        final String line = JournalExport.json(entry, e);

        assertEquals("{\"index\":1234567890123,\"journaled_at\":\"2026-05-01T08:00:01.234567Z\",\"origin\":\"uav-1\","
            + "\"origin_sequence\":4,\"origin_kind\":\"air\",\"origin_region\":\"520102\",\"precedence\":\"flash\","
            + "\"to\":[\"region:5201\",\"channel:ops\"],\"created_at\":\"2026-05-01T08:00:00Z\","
            + "\"expires_at\":\"2026-05-01T09:00:00.123456Z\",\"body\":\"text\","
            + "\"summary\":\"say \\\"hi\\\"\\\\ \\n\\t\\u0001\\u001f\\u0008\\u000c é\","
            + "\"envelope_base64\":\"" + Base64.getEncoder().encodeToString(e.toByteArray()) + "\"}", line);
    }

    @Test
    void positionWithoutTimesHasNulls() throws Exception
    {
        final Envelope e = Envelope.newBuilder().setOrigin("veh-2").setOriginSequence(9).addTo("channel:positions.5201")
            .setPosition(PositionReport.newBuilder().setLat(26.5).setLon(106.7125).setAltitudeM(1071)).build();
        final JournalEntry entry = entry(7, 1777622401000000L, TerminalKind.GROUND, "520111", e);

        final String line = JournalExport.json(entry, e);

        assertEquals("{\"index\":7,\"journaled_at\":\"2026-05-01T08:00:01Z\",\"origin\":\"veh-2\",\"origin_sequence\":9,"
            + "\"origin_kind\":\"ground\",\"origin_region\":\"520111\",\"precedence\":\"routine\","
            + "\"to\":[\"channel:positions.5201\"],\"created_at\":null,\"expires_at\":null,\"body\":\"position\","
            + "\"summary\":\"26.500000,106.712500 alt 1071 m\",\"envelope_base64\":\""
            + Base64.getEncoder().encodeToString(e.toByteArray()) + "\"}", line);
        final JsonNode parsed = new ObjectMapper().readTree(line);
        final List<String> names = new ArrayList<>();
        parsed.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("index", "journaled_at", "origin", "origin_sequence", "origin_kind", "origin_region",
            "precedence", "to", "created_at", "expires_at", "body", "summary", "envelope_base64"), names);
        assertArrayEquals(e.toByteArray(), parsed.get("envelope_base64").binaryValue(), "nothing is lost");
    }

    private static JournalEntry entry(final long index, final long journaledAtMicros, final TerminalKind kind,
        final String region, final Envelope e)
    {
        final JournalEntry entry = new JournalEntry();
        entry.index = index;
        entry.journaledAtMicros = journaledAtMicros;
        entry.originKind = kind.getNumber();
        final byte[] code = region.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(code, 0, entry.region, 0, code.length);
        entry.regionLength = code.length;
        final byte[] bytes = e.toByteArray();
        entry.ensureEnvelopeCapacity(bytes.length);
        System.arraycopy(bytes, 0, entry.envelope, 0, bytes.length);
        entry.envelopeLength = bytes.length;
        return entry;
    }
}
