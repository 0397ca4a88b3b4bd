package io.emcomm.client;

import io.emcomm.protocol.wire.Alert;
import io.emcomm.protocol.wire.Area;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.IncidentReport;
import io.emcomm.protocol.wire.Point;
import io.emcomm.protocol.wire.PositionReport;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.Task;
import io.emcomm.protocol.wire.Text;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;

/**
 * A message to publish: a body, its destinations, a precedence and an optional time to live. The client
 * fills in the origin, the origin sequence and the creation time when it publishes.
 *
 * <pre>{@code
 * client.publish(Message.text("Water rising at the Nanming bridge")
 *     .to("up:520102")
 *     .precedence(Precedence.IMMEDIATE)
 *     .ttl(Duration.ofMinutes(30)));
 * }</pre>
 *
 * A builder: mutable and not thread-safe. {@link EmcommClient#publish(Message)} takes a snapshot, so the
 * same instance may be changed and published again.
 */
public final class Message
{
    private final Envelope.Builder envelope;
    private Duration ttl;

    private Message(final Envelope.Builder envelope)
    {
        this.envelope = envelope;
    }

    /** Free text. */
    public static Message text(final String text)
    {
        return new Message(Envelope.newBuilder().setText(Text.newBuilder().setText(text)));
    }

    /** A position report at WGS84 latitude and longitude. */
    public static Message position(final double lat, final double lon)
    {
        return position(PositionReport.newBuilder().setLat(lat).setLon(lon).build());
    }

    /** A position report with height, speed and heading. */
    public static Message position(
        final double lat, final double lon, final double altitudeM, final double speedMps, final double headingDeg)
    {
        return position(PositionReport.newBuilder().setLat(lat).setLon(lon).setAltitudeM(altitudeM)
            .setSpeedMps(speedMps).setHeadingDeg(headingDeg).build());
    }

    public static Message position(final PositionReport position)
    {
        return new Message(Envelope.newBuilder().setPosition(position));
    }

    /**
     * A CAP alert that is actual, public and immediate, with the given event, severity and headline, for the
     * given regions. An empty identifier is filled with the message id when published.
     */
    public static Message alert(
        final String event, final Alert.Severity severity, final String headline, final String... regionCodes)
    {
        final Alert.Builder alert = Alert.newBuilder()
            .setEvent(event)
            .setStatus(Alert.Status.ACTUAL)
            .setMsgType(Alert.MsgType.ALERT)
            .setScope(Alert.Scope.PUBLIC)
            .setUrgency(Alert.Urgency.URGENCY_IMMEDIATE)
            .setSeverity(severity)
            .setCertainty(Alert.Certainty.OBSERVED)
            .setHeadline(headline);
        if (regionCodes.length > 0)
        {
            alert.addAreas(Area.newBuilder().addAllRegionCodes(Arrays.asList(regionCodes)));
        }
        return alert(alert.build());
    }

    public static Message alert(final Alert alert)
    {
        return new Message(Envelope.newBuilder().setAlert(alert));
    }

    /** An incident report of a type ("flood", "landslide", ...) in a region. */
    public static Message incident(final String type, final String regionCode, final String description)
    {
        return incident(IncidentReport.newBuilder().setType(type).setRegionCode(regionCode)
            .setDescription(description).build());
    }

    public static Message incident(final IncidentReport incident)
    {
        return new Message(Envelope.newBuilder().setIncident(incident));
    }

    /** A task from a command post: an id, a short title and what to do. */
    public static Message task(final String taskId, final String title, final String instruction)
    {
        return task(Task.newBuilder().setTaskId(taskId).setTitle(title).setInstruction(instruction).build());
    }

    /** A task with a location to go to. */
    public static Message task(
        final String taskId, final String title, final String instruction, final double lat, final double lon)
    {
        return task(Task.newBuilder().setTaskId(taskId).setTitle(title).setInstruction(instruction)
            .setLocation(Point.newBuilder().setLat(lat).setLon(lon)).build());
    }

    public static Message task(final Task task)
    {
        return new Message(Envelope.newBuilder().setTask(task));
    }

    /** Starts from an envelope the caller built; its origin and sequence are overwritten on publish. */
    public static Message of(final Envelope.Builder envelope)
    {
        return new Message(envelope.clone());
    }

    /** Adds destination addresses ({@code terminal:}, {@code channel:}, {@code region:}, {@code up:}). */
    public Message to(final String... addresses)
    {
        for (final String address : addresses)
        {
            envelope.addTo(Objects.requireNonNull(address, "address"));
        }
        return this;
    }

    /**
     * Adds destination addresses ({@code terminal:}, {@code channel:}, {@code region:}, {@code up:}; protocol.md
     * section 5).
     */
    public Message to(final Collection<String> addresses)
    {
        envelope.addAllTo(addresses);
        return this;
    }

    /** The message's precedence (protocol.md 4.1): FLASH, IMMEDIATE, PRIORITY or ROUTINE (the default). */
    public Message precedence(final Precedence precedence)
    {
        envelope.setPrecedence(precedence);
        return this;
    }

    /** After this long from publication the router no longer delivers the message; null = forever. */
    public Message ttl(final Duration ttl)
    {
        if (ttl != null && (ttl.isNegative() || ttl.isZero()))
        {
            throw new IllegalArgumentException("ttl must be positive: " + ttl);
        }
        this.ttl = ttl;
        return this;
    }

    /** Ask each destination terminal for a delivery receipt. */
    public Message wantReceipts(final boolean wantReceipts)
    {
        envelope.setWantReceipts(wantReceipts);
        return this;
    }

    /** The envelope as it will go on the wire for this origin and sequence. */
    Envelope toEnvelope(final String origin, final long originSequence, final long nowMicros)
    {
        return stamp(envelope.clone(), ttl, origin, originSequence, nowMicros);
    }

    static Envelope stamp(
        final Envelope.Builder b, final Duration ttl, final String origin, final long originSequence, final long nowMicros)
    {
        b.setOrigin(origin).setOriginSequence(originSequence);
        if (b.getCreatedAtMicros() == 0)
        {
            b.setCreatedAtMicros(nowMicros);
        }
        if (ttl != null)
        {
            b.setExpiresAtMicros(nowMicros + ttl.toNanos() / 1000);
        }
        if (b.hasAlert() && b.getAlert().getIdentifier().isEmpty())
        {
            b.getAlertBuilder().setIdentifier(origin + "/" + originSequence);
        }
        return b.build();
    }
}
