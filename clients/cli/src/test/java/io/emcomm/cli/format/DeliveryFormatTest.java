package io.emcomm.cli.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emcomm.client.Delivery;
import io.emcomm.protocol.wire.Alert;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.IncidentReport;
import io.emcomm.protocol.wire.PositionReport;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.Receipt;
import io.emcomm.protocol.wire.Task;
import io.emcomm.protocol.wire.Text;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JSON line of listen, replay and positions ({@code --json}), byte for byte as it was before Jackson wrote
 * it: field names, their order, number and time formats, string escapes. Operators' scripts read these lines.
 */
class DeliveryFormatTest
{
    /** text: quotes, backslash, line breaks and control characters escaped as before (lower-case hex, six-character escapes for backspace and form feed). */
    @Test
    void textWithControlCharacters()
    {
        final Delivery d = d(42, 1777622401234567L, Envelope.newBuilder().setOrigin("cp-52").setOriginSequence(3).setPrecedence(Precedence.FLASH)
            .addTo("region:5201").addTo("channel:ops").setCreatedAtMicros(1777622400000000L)
            .setText(Text.newBuilder().setText("line1\n\"q\" \\ tab\t ctl\u0001 \u001f \b \f \u007f é /")).build());
        assertEquals("{\"index\":42,\"id\":\"cp-52/3\",\"origin\":\"cp-52\",\"sequence\":3,\"precedence\":\"flash\",\"to\":[\"region:5201\",\"channel:ops\"],\"journaled_at\":\"2026-05-01T08:00:01.234567Z\",\"created_at\":\"2026-05-01T08:00:00Z\",\"body\":\"text\",\"text\":\"line1\\n\\\"q\\\" \\\\ tab\\t ctl\\u0001 \\u001f \\u0008 \\u000c \u007f \u00e9 /\"}",
            DeliveryFormat.json(d));
    }

    /** position: numbers as Java prints doubles. */
    @Test
    void position()
    {
        final Delivery d = d(7, 1777622401000000L, Envelope.newBuilder().setOrigin("veh-2").setOriginSequence(9).addTo("channel:positions.5201")
            .setPosition(PositionReport.newBuilder().setLat(26.5).setLon(106.7125).setAltitudeM(1071.0)).build());
        assertEquals("{\"index\":7,\"id\":\"veh-2/9\",\"origin\":\"veh-2\",\"sequence\":9,\"precedence\":\"routine\",\"to\":[\"channel:positions.5201\"],\"journaled_at\":\"2026-05-01T08:00:01Z\",\"body\":\"position\",\"lat\":26.5,\"lon\":106.7125,\"altitude_m\":1071.0}",
            DeliveryFormat.json(d));
    }

    /** alert: severity in lower case, expires_at when set. */
    @Test
    void alert()
    {
        final Delivery d = d(8, 1777622401000001L, Envelope.newBuilder().setOrigin("cp-5201").setOriginSequence(1).setPrecedence(Precedence.IMMEDIATE).addTo("region:52")
            .setExpiresAtMicros(1777626000000000L)
            .setAlert(Alert.newBuilder().setEvent("Flood").setSeverity(Alert.Severity.EXTREME).setHeadline("Water rising").setInstruction("Move")).build());
        assertEquals("{\"index\":8,\"id\":\"cp-5201/1\",\"origin\":\"cp-5201\",\"sequence\":1,\"precedence\":\"immediate\",\"to\":[\"region:52\"],\"journaled_at\":\"2026-05-01T08:00:01.000001Z\",\"expires_at\":\"2026-05-01T09:00:00Z\",\"body\":\"alert\",\"event\":\"Flood\",\"severity\":\"extreme\",\"headline\":\"Water rising\",\"instruction\":\"Move\"}",
            DeliveryFormat.json(d));
    }

    /** receipt. */
    @Test
    void receipt()
    {
        final Delivery d = d(9, 1777622401000002L, Envelope.newBuilder().setOrigin("t-1").setOriginSequence(2).addTo("terminal:cp-52")
            .setReceipt(Receipt.newBuilder().setMessageOrigin("cp-52").setMessageOriginSequence(3).setTerminalId("t-1").setStatus(Receipt.Status.DELIVERED)).build());
        assertEquals("{\"index\":9,\"id\":\"t-1/2\",\"origin\":\"t-1\",\"sequence\":2,\"precedence\":\"routine\",\"to\":[\"terminal:cp-52\"],\"journaled_at\":\"2026-05-01T08:00:01.000002Z\",\"body\":\"receipt\",\"receipt_for\":\"cp-52/3\",\"status\":\"delivered\",\"terminal\":\"t-1\"}",
            DeliveryFormat.json(d));
    }

    /** incident. */
    @Test
    void incident()
    {
        final Delivery d = d(11, 1777622401000004L, Envelope.newBuilder().setOrigin("cp-5201").setOriginSequence(6).addTo("region:5201")
            .setIncident(IncidentReport.newBuilder().setType("landslide").setRegionCode("520102").setDescription("Road cut")).build());
        assertEquals("{\"index\":11,\"id\":\"cp-5201/6\",\"origin\":\"cp-5201\",\"sequence\":6,\"precedence\":\"routine\",\"to\":[\"region:5201\"],\"journaled_at\":\"2026-05-01T08:00:01.000004Z\",\"body\":\"incident\",\"incident_type\":\"landslide\",\"region\":\"520102\",\"description\":\"Road cut\"}",
            DeliveryFormat.json(d));
    }

    /** task. */
    @Test
    void task()
    {
        final Delivery d = d(12, 1777622401000005L, Envelope.newBuilder().setOrigin("cp-52").setOriginSequence(7).addTo("terminal:veh-2")
            .setTask(Task.newBuilder().setTaskId("T-9").setTitle("Check bridge").setInstruction("")).build());
        assertEquals("{\"index\":12,\"id\":\"cp-52/7\",\"origin\":\"cp-52\",\"sequence\":7,\"precedence\":\"routine\",\"to\":[\"terminal:veh-2\"],\"journaled_at\":\"2026-05-01T08:00:01.000005Z\",\"body\":\"task\",\"task_id\":\"T-9\",\"title\":\"Check bridge\",\"instruction\":\"\"}",
            DeliveryFormat.json(d));
    }

    /** no body: only the routing fields. */
    @Test
    void noBody()
    {
        final Delivery d = d(10, 1777622401000003L, Envelope.newBuilder().setOrigin("t-2").setOriginSequence(5).build());
        assertEquals("{\"index\":10,\"id\":\"t-2/5\",\"origin\":\"t-2\",\"sequence\":5,\"precedence\":\"routine\",\"to\":[],\"journaled_at\":\"2026-05-01T08:00:01.000003Z\",\"body\":\"body_not_set\"}",
            DeliveryFormat.json(d));
    }

    @Test
    void againIsTheLastField() throws Exception
    {
        final Delivery d = d(7, 1777622401000000L, Envelope.newBuilder().setOrigin("veh-2").setOriginSequence(9)
            .setText(Text.newBuilder().setText("hi")).build());
        final String line = DeliveryFormat.json(DeliveryFormat.object(d).put("again", true));
        assertTrue(line.startsWith(DeliveryFormat.json(d).substring(0, DeliveryFormat.json(d).length() - 1) + ","), line);
        assertTrue(line.endsWith(",\"again\":true}"), line);
        final JsonNode parsed = new ObjectMapper().readTree(line);
        final List<String> names = new ArrayList<>();
        parsed.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("index", "id", "origin", "sequence", "precedence", "to", "journaled_at", "body", "text", "again"),
            names);
    }

    private static Delivery d(final long index, final long journaledAtMicros, final Envelope e)
    {
        return Delivery.of(io.emcomm.protocol.wire.Delivery.newBuilder().setJournalIndex(index)
            .setJournaledAtMicros(journaledAtMicros).setEnvelope(e).build());
    }
}
