package io.emcomm.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emcomm.client.Delivery;
import io.emcomm.protocol.wire.Alert;
import io.emcomm.protocol.wire.Area;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.IncidentReport;
import io.emcomm.protocol.wire.Point;
import io.emcomm.protocol.wire.PositionReport;
import io.emcomm.protocol.wire.Receipt;
import io.emcomm.protocol.wire.Task;

import java.util.Locale;

/**
 * Turns a delivered envelope into the JSON the page reads: the routing header, then the body under its own
 * name ({@code text}, {@code alert}, {@code task}, {@code incident}, {@code position}, {@code receipt}).
 * Times are milliseconds since the Unix epoch (what JavaScript's {@code Date} takes); 0 = not set. CAP enum
 * values are written as CAP 1.2 spells them ({@code Immediate}, {@code Extreme}, {@code Observed}).
 * Stateless and thread-safe.
 */
final class EnvelopeJson
{
    private final ObjectMapper json;

    EnvelopeJson(final ObjectMapper json)
    {
        this.json = json;
    }

    /** The delivery's header and body; the caller adds what the console knows about it (copies, acked). */
    ObjectNode delivery(final Delivery d)
    {
        final Envelope e = d.envelope();
        final ObjectNode n = json.createObjectNode();
        n.put("index", d.journalIndex());
        n.put("journaledAt", d.journaledAtMicros() / 1000);
        n.put("origin", e.getOrigin());
        n.put("seq", e.getOriginSequence());
        n.put("id", d.messageId());
        n.put("precedence", d.precedence().name());
        final ArrayNode to = n.putArray("to");
        e.getToList().forEach(to::add);
        n.put("createdAt", e.getCreatedAtMicros() / 1000);
        n.put("expiresAt", e.getExpiresAtMicros() / 1000);
        n.put("body", bodyName(e));
        switch (e.getBodyCase())
        {
            case TEXT -> n.put("text", e.getText().getText());
            case ALERT -> n.set("alert", alert(e.getAlert()));
            case TASK -> n.set("task", task(e.getTask()));
            case INCIDENT -> n.set("incident", incident(e.getIncident()));
            case POSITION -> n.set("position", position(e.getPosition()));
            case RECEIPT -> n.set("receipt", receipt(e.getReceipt()));
            default -> { }
        }
        return n;
    }

    static String bodyName(final Envelope e)
    {
        return e.getBodyCase() == Envelope.BodyCase.BODY_NOT_SET ? "empty" : e.getBodyCase().name().toLowerCase(Locale.ROOT);
    }

    ObjectNode alert(final Alert a)
    {
        final ObjectNode n = json.createObjectNode();
        n.put("identifier", a.getIdentifier());
        n.put("event", a.getEvent());
        n.put("status", cap(a.getStatus().name(), "STATUS_"));
        n.put("msgType", cap(a.getMsgType().name(), "MSG_TYPE_"));
        n.put("scope", cap(a.getScope().name(), "SCOPE_"));
        n.put("urgency", cap(a.getUrgency().name(), "URGENCY_"));
        n.put("severity", cap(a.getSeverity().name(), "SEVERITY_"));
        n.put("certainty", cap(a.getCertainty().name(), "CERTAINTY_"));
        n.put("expires", a.getExpiresAtMicros() / 1000);
        n.put("headline", a.getHeadline());
        n.put("description", a.getDescription());
        n.put("instruction", a.getInstruction());
        final ArrayNode areas = n.putArray("areas");
        for (final Area area : a.getAreasList())
        {
            final ObjectNode an = areas.addObject();
            an.put("description", area.getDescription());
            final ArrayNode polygon = an.putArray("polygon");
            for (final Point p : area.getPolygonList())
            {
                polygon.addArray().add(p.getLat()).add(p.getLon());
            }
            if (area.hasCircle())
            {
                an.putObject("circle")
                    .put("lat", area.getCircle().getCentre().getLat())
                    .put("lon", area.getCircle().getCentre().getLon())
                    .put("radiusKm", area.getCircle().getRadiusKm());
            }
            final ArrayNode codes = an.putArray("regionCodes");
            area.getRegionCodesList().forEach(codes::add);
        }
        final ArrayNode refs = n.putArray("references");
        a.getReferencesList().forEach(refs::add);
        return n;
    }

    /**
     * A CAP enum constant as CAP writes it: {@code URGENCY_IMMEDIATE} -> {@code Immediate},
     * {@code MSG_TYPE_UNSPECIFIED} -> "" (not given).
     */
    static String cap(final String constant, final String prefix)
    {
        String s = constant.startsWith(prefix) ? constant.substring(prefix.length()) : constant;
        if (s.endsWith("UNSPECIFIED") || s.equals("UNRECOGNIZED"))
        {
            return "";
        }
        s = s.toLowerCase(Locale.ROOT);
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private ObjectNode task(final Task t)
    {
        final ObjectNode n = json.createObjectNode();
        n.put("taskId", t.getTaskId());
        n.put("title", t.getTitle());
        n.put("instruction", t.getInstruction());
        if (t.hasLocation())
        {
            n.putObject("location").put("lat", t.getLocation().getLat()).put("lon", t.getLocation().getLon());
        }
        n.put("dueAt", t.getDueAtMicros() / 1000);
        return n;
    }

    private ObjectNode incident(final IncidentReport i)
    {
        final ObjectNode n = json.createObjectNode();
        n.put("type", i.getType());
        n.put("regionCode", i.getRegionCode());
        if (i.hasLocation())
        {
            n.putObject("location").put("lat", i.getLocation().getLat()).put("lon", i.getLocation().getLon());
        }
        n.put("casualties", i.getCasualties());
        n.put("injured", i.getInjured());
        n.put("missing", i.getMissing());
        n.put("trapped", i.getTrapped());
        final ArrayNode needs = n.putArray("needs");
        i.getNeedsList().forEach(needs::add);
        n.put("description", i.getDescription());
        return n;
    }

    ObjectNode position(final PositionReport p)
    {
        return json.createObjectNode()
            .put("lat", p.getLat())
            .put("lon", p.getLon())
            .put("altitudeM", p.getAltitudeM())
            .put("speedMps", p.getSpeedMps())
            .put("headingDeg", p.getHeadingDeg());
    }

    ObjectNode receipt(final Receipt r)
    {
        return json.createObjectNode()
            .put("messageId", r.getMessageOrigin() + "/" + r.getMessageOriginSequence())
            .put("terminal", r.getTerminalId())
            .put("status", r.getStatus().name())
            .put("at", r.getAtMicros() / 1000);
    }
}
