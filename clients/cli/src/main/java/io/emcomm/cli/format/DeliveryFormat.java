package io.emcomm.cli.format;

import io.emcomm.router.journal.JsonLines;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emcomm.client.Delivery;
import io.emcomm.protocol.wire.Alert;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.IncidentReport;
import io.emcomm.protocol.wire.PositionReport;
import io.emcomm.protocol.wire.Receipt;
import io.emcomm.protocol.wire.Task;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * How listen and replay print a message: one readable line, or one JSON object per line ({@code --json})
 * with {@code index, id, origin, sequence, precedence, to, journaled_at, body} and the body's fields
 * ({@code text} for text bodies; {@code event, severity, headline, instruction} for alerts). Journal indexes
 * are decimal; times are ISO-8601 in UTC with milliseconds ({@code 2026-05-01T08:00:01.234Z}), in the line
 * as in JSON, so that a line read a day later or in another zone still says when.
 */
public final class DeliveryFormat
{
    private static final DateTimeFormatter UTC_MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSX")
        .withZone(ZoneOffset.UTC);

    /**
     * Compact JSON, fields in insertion order, control characters escaped as six-character escapes in lower-case hex
     * (backslash, u, 001f; backspace and form feed too) as these lines have always been written. Thread-safe once built.
     */
    private static final ObjectMapper JSON = JsonLines.newMapper();

    private DeliveryFormat()
    {
    }

    /**
     * {@code 2026-05-01T08:00:01.234Z #42 FLASH cp-52/3 -> region:5201 alert Flood (EXTREME): Water rising;
     * instruction: Move to high ground}.
     */
    public static String line(final Delivery d)
    {
        return time(d.journaledAtMicros()) + " #" + d.journalIndex() + " " + d.precedence() + " " + d.messageId() +
            " -> " + String.join(",", d.destinations()) + " " + summary(d.envelope());
    }

    /** A journal time as {@code 2026-05-01T08:00:01.234Z}. */
    public static String time(final long micros)
    {
        return UTC_MILLIS.format(instant(micros));
    }

    /** The body in a few words. */
    public static String summary(final Envelope e)
    {
        return switch (e.getBodyCase())
        {
            case TEXT -> "text: " + e.getText().getText();
            case POSITION -> String.format(Locale.ROOT, "position %.5f,%.5f alt %.0f m", e.getPosition().getLat(),
                e.getPosition().getLon(), e.getPosition().getAltitudeM());
            case ALERT -> "alert " + e.getAlert().getEvent() + " (" + e.getAlert().getSeverity() + "): " +
                e.getAlert().getHeadline() + instruction(e.getAlert().getInstruction());
            case INCIDENT -> "incident " + e.getIncident().getType() + " in " + e.getIncident().getRegionCode() + ": " +
                e.getIncident().getDescription();
            case TASK -> "task " + e.getTask().getTaskId() + ": " + e.getTask().getTitle() +
                instruction(e.getTask().getInstruction());
            case RECEIPT -> "receipt " + e.getReceipt().getStatus() + " for " + e.getReceipt().getMessageOrigin() + "/" +
                e.getReceipt().getMessageOriginSequence() + " at " + e.getReceipt().getTerminalId();
            case BODY_NOT_SET -> "(no body)";
        };
    }

    private static String instruction(final String instruction)
    {
        return instruction.isEmpty() ? "" : "; instruction: " + instruction;
    }

    /** One JSON object, no line break (see the class comment for its fields). */
    public static String json(final Delivery d)
    {
        return json(object(d));
    }

    /**
     * The JSON object of {@link #json(Delivery)}, fields in their printed order, for a caller that adds one
     * (listen adds {@code "again": true} to a redelivery).
     */
    public static ObjectNode object(final Delivery d)
    {
        final Envelope e = d.envelope();
        final ObjectNode json = JSON.createObjectNode();
        json.put("index", d.journalIndex());
        json.put("id", d.messageId());
        json.put("origin", d.origin());
        json.put("sequence", d.originSequence());
        json.put("precedence", d.precedence().name().toLowerCase(Locale.ROOT));
        final ArrayNode to = json.putArray("to");
        d.destinations().forEach(to::add);
        json.put("journaled_at", instant(d.journaledAtMicros()).toString());
        if (e.getCreatedAtMicros() != 0)
        {
            json.put("created_at", instant(e.getCreatedAtMicros()).toString());
        }
        if (e.getExpiresAtMicros() != 0)
        {
            json.put("expires_at", instant(e.getExpiresAtMicros()).toString());
        }
        json.put("body", e.getBodyCase().name().toLowerCase(Locale.ROOT));
        body(json, e);
        return json;
    }

    /** {@code object} as one line of JSON. */
    public static String json(final ObjectNode object)
    {
        try
        {
            return JSON.writeValueAsString(object);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalStateException("a tree of strings and numbers always writes", ex);
        }
    }

    private static void body(final ObjectNode json, final Envelope e)
    {
        switch (e.getBodyCase())
        {
            case TEXT -> json.put("text", e.getText().getText());
            case POSITION ->
            {
                final PositionReport p = e.getPosition();
                json.put("lat", p.getLat()).put("lon", p.getLon()).put("altitude_m", p.getAltitudeM());
            }
            case ALERT ->
            {
                final Alert a = e.getAlert();
                json.put("event", a.getEvent())
                    .put("severity", a.getSeverity().name().toLowerCase(Locale.ROOT))
                    .put("headline", a.getHeadline())
                    .put("instruction", a.getInstruction());
            }
            case INCIDENT ->
            {
                final IncidentReport i = e.getIncident();
                json.put("incident_type", i.getType())
                    .put("region", i.getRegionCode())
                    .put("description", i.getDescription());
            }
            case TASK ->
            {
                final Task t = e.getTask();
                json.put("task_id", t.getTaskId())
                    .put("title", t.getTitle())
                    .put("instruction", t.getInstruction());
            }
            case RECEIPT ->
            {
                final Receipt r = e.getReceipt();
                json.put("receipt_for", r.getMessageOrigin() + "/" + r.getMessageOriginSequence())
                    .put("status", r.getStatus().name().toLowerCase(Locale.ROOT))
                    .put("terminal", r.getTerminalId());
            }
            case BODY_NOT_SET ->
            {
                // nothing more to say
            }
        }
    }

    /** A journal time in microseconds since the epoch as an instant. */
    public static Instant instant(final long micros)
    {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    /** A JSON string literal, quotes included. */
    public static String quote(final String s)
    {
        try
        {
            return JSON.writeValueAsString(s);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalStateException("a string always writes", ex);
        }
    }
}
