package io.emcomm.console;

import io.emcomm.client.Message;
import io.emcomm.protocol.address.Address;
import io.emcomm.protocol.address.AddressException;
import io.emcomm.protocol.wire.Alert;
import io.emcomm.protocol.wire.Area;
import io.emcomm.protocol.wire.Circle;
import io.emcomm.protocol.wire.Point;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.Task;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What the officer composed in the page (the JSON body of {@code POST /api/send}), turned into a
 * {@link Message}. Bad input is refused with one line naming the problem ({@link IllegalArgumentException}).
 *
 * @param body        {@code text}, {@code task} or {@code alert}
 * @param to          destination addresses as the protocol writes them ({@code terminal:}, {@code channel:},
 *                    {@code region:<code>[/<kinds>]}, {@code up:}); docs/protocol.md section 5
 * @param precedence  {@code FLASH}, {@code IMMEDIATE}, {@code PRIORITY} or {@code ROUTINE}
 * @param ttlMinutes  the message's time to live; 0 or absent = no expiry
 * @param text        the text, the task's instruction, or the alert's description
 * @param title       the task's title or the alert's headline
 * @param alert       the CAP fields of an alert (null for text and task)
 */
record Compose(String body, List<String> to, String precedence, Integer ttlMinutes, String text, String title,
               AlertFields alert)
{
    /**
     * The CAP part of an alert. Enum fields take CAP's spelling, any case ({@code Extreme}, {@code Immediate}).
     *
     * @param polygon WGS84 [lat, lon] pairs; closed here when the last point is not the first
     * @param circle  [lat, lon, radius km]
     */
    record AlertFields(String event, String urgency, String severity, String certainty, String instruction,
                       List<String> regionCodes, List<double[]> polygon, double[] circle)
    {
    }

    /** The message to publish, asking for receipts so the page can show who got it. */
    Message toMessage(final long taskNumber)
    {
        if (to == null || to.isEmpty())
        {
            throw new IllegalArgumentException("no destination: add a terminal:, channel:, region: or up: address");
        }
        for (final String address : to)
        {
            try
            {
                Address.parse(address);
            }
            catch (final AddressException ex)
            {
                throw new IllegalArgumentException(ex.getMessage());
            }
        }
        final Message message = switch (body == null ? "" : body)
        {
            case "text" -> Message.text(required(text, "text"));
            case "task" -> Message.task(Task.newBuilder().setTaskId("T" + taskNumber)
                .setTitle(required(title, "task title")).setInstruction(text == null ? "" : text).build());
            case "alert" -> Message.alert(capAlert());
            default -> throw new IllegalArgumentException("unknown message body '" + body + "' (text, task, alert)");
        };
        message.to(to).precedence(precedenceValue()).wantReceipts(true);
        if (ttlMinutes != null && ttlMinutes > 0)
        {
            message.ttl(Duration.ofMinutes(ttlMinutes));
        }
        return message;
    }

    /** The precedence asked for; ROUTINE when none is given. */
    Precedence precedenceValue()
    {
        try
        {
            return Precedence.valueOf(precedence == null ? "ROUTINE" : precedence.toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("unknown precedence '" + precedence + "' (FLASH, IMMEDIATE, PRIORITY, ROUTINE)");
        }
    }

    /** The CAP alert of an {@code alert} body: actual, alert, public; absent enums default to immediate, severe, observed. */
    Alert capAlert()
    {
        if (alert == null)
        {
            throw new IllegalArgumentException("an alert needs its CAP fields");
        }
        final Alert.Builder a = Alert.newBuilder()
            .setEvent(required(alert.event(), "alert event"))
            .setStatus(Alert.Status.ACTUAL)
            .setMsgType(Alert.MsgType.ALERT)
            .setScope(Alert.Scope.PUBLIC)
            .setUrgency(capEnum(Alert.Urgency.class, "URGENCY_", alert.urgency(), Alert.Urgency.URGENCY_IMMEDIATE))
            .setSeverity(capEnum(Alert.Severity.class, "SEVERITY_", alert.severity(), Alert.Severity.SEVERE))
            .setCertainty(capEnum(Alert.Certainty.class, "CERTAINTY_", alert.certainty(), Alert.Certainty.OBSERVED))
            .setHeadline(title == null ? "" : title)
            .setDescription(text == null ? "" : text)
            .setInstruction(alert.instruction() == null ? "" : alert.instruction());
        if (ttlMinutes != null && ttlMinutes > 0)
        {
            a.setExpiresAtMicros((System.currentTimeMillis() + ttlMinutes * 60_000L) * 1000);
        }
        final Area.Builder area = Area.newBuilder();
        if (alert.regionCodes() != null)
        {
            area.addAllRegionCodes(alert.regionCodes());
        }
        if (alert.polygon() != null && !alert.polygon().isEmpty())
        {
            if (alert.polygon().size() < 3)
            {
                throw new IllegalArgumentException("an alert polygon needs at least 3 points");
            }
            alert.polygon().forEach(p -> area.addPolygon(point(p[0], p[1])));
            final double[] first = alert.polygon().get(0);
            final double[] last = alert.polygon().get(alert.polygon().size() - 1);
            if (first[0] != last[0] || first[1] != last[1])
            {
                area.addPolygon(point(first[0], first[1])); // CAP: a closed ring, first = last
            }
        }
        if (alert.circle() != null)
        {
            if (alert.circle().length != 3 || alert.circle()[2] <= 0)
            {
                throw new IllegalArgumentException("an alert circle is latitude, longitude and a positive radius in km");
            }
            area.setCircle(Circle.newBuilder().setCentre(point(alert.circle()[0], alert.circle()[1]))
                .setRadiusKm(alert.circle()[2]));
        }
        if (area.getRegionCodesCount() > 0 || area.getPolygonCount() > 0 || area.hasCircle())
        {
            a.addAreas(area);
        }
        return a.build();
    }

    private static Point point(final double lat, final double lon)
    {
        if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180))
        {
            throw new IllegalArgumentException("point " + lat + "," + lon + " is not a WGS84 latitude,longitude");
        }
        return Point.newBuilder().setLat(lat).setLon(lon).build();
    }

    private static <E extends Enum<E>> E capEnum(final Class<E> type, final String prefix, final String value, final E absent)
    {
        if (value == null || value.isBlank())
        {
            return absent;
        }
        final String name = value.trim().toUpperCase(Locale.ROOT);
        for (final E e : type.getEnumConstants())
        {
            if (e.name().equals(name) || e.name().equals(prefix + name))
            {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown CAP " + prefix.toLowerCase(Locale.ROOT).replace("_", "") + " '" + value + "'");
    }

    private static String required(final String value, final String what)
    {
        if (value == null || value.isBlank())
        {
            throw new IllegalArgumentException("the " + what + " is empty");
        }
        return value;
    }
}
