package io.emcomm.cli.format;

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

    /** One JSON object, no line break. */
    public static String json(final Delivery d)
    {
        final Envelope e = d.envelope();
        final StringBuilder json = new StringBuilder(256).append('{');
        field(json, "index").append(d.journalIndex()).append(',');
        field(json, "id").append(quote(d.messageId())).append(',');
        field(json, "origin").append(quote(d.origin())).append(',');
        field(json, "sequence").append(d.originSequence()).append(',');
        field(json, "precedence").append(quote(d.precedence().name().toLowerCase(Locale.ROOT))).append(',');
        field(json, "to").append('[');
        for (int i = 0; i < d.destinations().size(); i++)
        {
            json.append(i == 0 ? "" : ",").append(quote(d.destinations().get(i)));
        }
        json.append("],");
        field(json, "journaled_at").append(quote(instant(d.journaledAtMicros()).toString())).append(',');
        if (e.getCreatedAtMicros() != 0)
        {
            field(json, "created_at").append(quote(instant(e.getCreatedAtMicros()).toString())).append(',');
        }
        if (e.getExpiresAtMicros() != 0)
        {
            field(json, "expires_at").append(quote(instant(e.getExpiresAtMicros()).toString())).append(',');
        }
        field(json, "body").append(quote(e.getBodyCase().name().toLowerCase(Locale.ROOT)));
        body(json, e);
        return json.append('}').toString();
    }

    private static void body(final StringBuilder json, final Envelope e)
    {
        switch (e.getBodyCase())
        {
            case TEXT -> field(json.append(','), "text").append(quote(e.getText().getText()));
            case POSITION ->
            {
                final PositionReport p = e.getPosition();
                field(json.append(','), "lat").append(p.getLat());
                field(json.append(','), "lon").append(p.getLon());
                field(json.append(','), "altitude_m").append(p.getAltitudeM());
            }
            case ALERT ->
            {
                final Alert a = e.getAlert();
                field(json.append(','), "event").append(quote(a.getEvent()));
                field(json.append(','), "severity").append(quote(a.getSeverity().name().toLowerCase(Locale.ROOT)));
                field(json.append(','), "headline").append(quote(a.getHeadline()));
                field(json.append(','), "instruction").append(quote(a.getInstruction()));
            }
            case INCIDENT ->
            {
                final IncidentReport i = e.getIncident();
                field(json.append(','), "incident_type").append(quote(i.getType()));
                field(json.append(','), "region").append(quote(i.getRegionCode()));
                field(json.append(','), "description").append(quote(i.getDescription()));
            }
            case TASK ->
            {
                final Task t = e.getTask();
                field(json.append(','), "task_id").append(quote(t.getTaskId()));
                field(json.append(','), "title").append(quote(t.getTitle()));
                field(json.append(','), "instruction").append(quote(t.getInstruction()));
            }
            case RECEIPT ->
            {
                final Receipt r = e.getReceipt();
                field(json.append(','), "receipt_for").append(
                    quote(r.getMessageOrigin() + "/" + r.getMessageOriginSequence()));
                field(json.append(','), "status").append(quote(r.getStatus().name().toLowerCase(Locale.ROOT)));
                field(json.append(','), "terminal").append(quote(r.getTerminalId()));
            }
            case BODY_NOT_SET ->
            {
                // nothing more to say
            }
        }
    }

    private static StringBuilder field(final StringBuilder json, final String name)
    {
        return json.append('"').append(name).append("\":");
    }

    public static Instant instant(final long micros)
    {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    /** A JSON string literal. */
    public static String quote(final String s)
    {
        final StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            switch (c)
            {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default ->
                {
                    if (c < 0x20)
                    {
                        out.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
