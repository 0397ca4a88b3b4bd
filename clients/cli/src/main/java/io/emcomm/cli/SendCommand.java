package io.emcomm.cli;

import io.emcomm.client.EmcommClient;
import io.emcomm.client.EmcommException;
import io.emcomm.client.Message;
import io.emcomm.client.PublishRejectedException;
import io.emcomm.client.PublishResult;
import io.emcomm.protocol.wire.Alert;
import io.emcomm.protocol.wire.Area;
import io.emcomm.protocol.wire.Precedence;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code emcomm send}: publish one message and print its journal index. It shows no deliveries, so it
 * acknowledges none: it connects with auto-ack off, and whatever the router delivers to {@code --id} meanwhile
 * (a message queued while the terminal was away, a receipt) stays queued for the terminal's next listener.
 */
@Command(
    name = "send",
    mixinStandardHelpOptions = true,
    description = {
        "Publish one message and print the journal index from the router's acknowledgement.",
        "On stderr: how many connected terminals it reached at once, and a warning for each terminal: address "
            + "naming an id the router has never seen. Exits 1 with the router's reason when the message is "
            + "rejected.",
        "Acknowledges nothing: messages waiting for --id stay queued for its next 'emcomm listen'. It logs in "
            + "as --id, so a running 'emcomm listen' with the same id is replaced (last login wins): send from an "
            + "id of its own."},
    footer = {"", "Examples:",
        "  emcomm send --id cp-5201 --kind command-post --region 5201 --to region:5201 --precedence flash \\",
        "      --alert Flood --severity extreme --headline 'Nanming river over warning level'",
        "  emcomm send --id uav-07 --kind air --region 520111 --to channel:positions.air --position 26.45,106.63,1200"})
final class SendCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Mixin
    TerminalOptions terminal;

    @Option(names = "--to", required = true, split = ",", paramLabel = "ADDRESS",
        converter = Converters.AddressConverter.class,
        description = "Destinations, comma-separated: terminal:ID, channel:NAME, region:CODE[/KIND+KIND], up:CODE.")
    List<String> to;

    @Option(names = "--precedence", paramLabel = "P", defaultValue = "routine",
        converter = Converters.PrecedenceConverter.class,
        description = "flash, immediate, priority or routine (default: ${DEFAULT-VALUE}).")
    Precedence precedence;

    @Option(names = "--ttl", paramLabel = "DURATION", converter = Converters.PositiveDurationConverter.class,
        description = "Not delivered after this long, e.g. 30m (default: never expires).")
    Duration ttl;

    @Option(names = "--receipts", description = "Ask each destination terminal for a delivery receipt.")
    boolean receipts;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s",
        converter = Converters.PositiveDurationConverter.class,
        description = "How long to wait for the acknowledgement (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "%nThe body (exactly one):%n")
    Body body;

    static final class Body
    {
        @Option(names = "--text", paramLabel = "TEXT", description = "Free text.")
        String text;

        @Option(names = "--position", paramLabel = "LAT,LON[,ALT]", description = "A position report (WGS84 degrees, metres).")
        String position;

        @Option(names = "--alert", paramLabel = "EVENT",
            description = "A CAP alert for EVENT (Flood, Landslide, ...); see --headline, --severity, --instruction, --area.")
        String alertEvent;

        @Option(names = "--incident", paramLabel = "TYPE",
            description = "An incident report of TYPE (flood, landslide, ...); see --description, --incident-region.")
        String incidentType;

        @Option(names = "--task", paramLabel = "TITLE", description = "A task; see --task-id, --instruction.")
        String taskTitle;
    }

    @Option(names = "--headline", paramLabel = "TEXT", description = "Alert headline.")
    String headline = "";

    @Option(names = "--severity", paramLabel = "S", defaultValue = "severe",
        description = "Alert severity: extreme, severe, moderate, minor, unknown (default: ${DEFAULT-VALUE}).")
    String severity;

    @Option(names = "--instruction", paramLabel = "TEXT", description = "Alert or task instruction.")
    String instruction = "";

    @Option(names = "--area", split = ",", paramLabel = "CODE", converter = Converters.RegionConverter.class,
        description = "Alert area as region codes (default: the destinations' regions).")
    List<String> area;

    @Option(names = "--description", paramLabel = "TEXT", description = "Incident description.")
    String description = "";

    @Option(names = "--incident-region", paramLabel = "CODE", converter = Converters.RegionConverter.class,
        description = "Where the incident is (default: --region).")
    String incidentRegion;

    @Option(names = "--task-id", paramLabel = "ID", description = "Task id (default: derived from the sender and time).")
    String taskId;

    @Override
    public Integer call()
    {
        final Message message = message().to(to).precedence(precedence).ttl(ttl).wantReceipts(receipts);
        // Auto-ack off and no listener: nothing the router delivers to this terminal is acknowledged unseen.
        try (EmcommClient client = EmcommClient.connect(terminal.required().autoAck(false).build()))
        {
            final PublishResult result = client.publish(message).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            spec.commandLine().getOut().println(result.journalIndex());
            spec.commandLine().getOut().flush();
            final PrintWriter err = spec.commandLine().getErr();
            report(result).forEach(err::println);
            err.flush();
            return Main.EXIT_OK;
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof PublishRejectedException rejected)
            {
                throw new CliFailure("rejected by the router: " + rejected.getMessage());
            }
            throw new CliFailure(String.valueOf(ex.getCause().getMessage()));
        }
        catch (final TimeoutException ex)
        {
            throw new CliFailure("no acknowledgement from the router within " + timeout.toMillis() + " ms");
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new CliFailure("interrupted");
        }
        catch (final EmcommException ex)
        {
            throw new CliFailure(ex.getMessage());
        }
    }

    /**
     * What the acknowledgement says beyond the index, one line each: {@code delivered now to 2 connected
     * terminals}, or for a retry {@code already journaled (a retry): not routed again}, then {@code warning:
     * terminal:cp-9 names an id the router has never seen: it will not get this message}.
     */
    static List<String> report(final PublishResult result)
    {
        final List<String> lines = new ArrayList<>();
        if (result.duplicate())
        {
            lines.add("already journaled (a retry): not routed again");
        }
        else
        {
            lines.add("delivered now to " + result.deliveredNow() + " connected terminal" + (result.deliveredNow() == 1 ? "" : "s"));
        }
        for (final String unknown : result.unknownTerminals())
        {
            final String address = unknown.startsWith("terminal:") ? unknown : "terminal:" + unknown;
            lines.add("warning: " + address + " names an id the router has never seen: it will not get this message "
                + "(a new id receives only what is published after its first login)");
        }
        return lines;
    }

    private Message message()
    {
        if (body.text != null)
        {
            return Message.text(body.text);
        }
        if (body.position != null)
        {
            return position(body.position);
        }
        if (body.alertEvent != null)
        {
            final List<String> codes = area != null ? area : to.stream()
                .filter(a -> a.startsWith("region:") || a.startsWith("up:"))
                .map(a -> a.substring(a.indexOf(':') + 1).split("/")[0])
                .toList();
            final Alert.Builder cap = Alert.newBuilder()
                .setEvent(body.alertEvent)
                .setStatus(Alert.Status.ACTUAL)
                .setMsgType(Alert.MsgType.ALERT)
                .setScope(Alert.Scope.PUBLIC)
                .setUrgency(Alert.Urgency.URGENCY_IMMEDIATE)
                .setSeverity(severity(severity))
                .setCertainty(Alert.Certainty.OBSERVED)
                .setHeadline(headline)
                .setInstruction(instruction);
            if (!codes.isEmpty())
            {
                cap.addAreas(Area.newBuilder().addAllRegionCodes(codes));
            }
            return Message.alert(cap.build());
        }
        if (body.incidentType != null)
        {
            return Message.incident(body.incidentType,
                incidentRegion != null ? incidentRegion : terminal.region == null ? "" : terminal.region, description);
        }
        final String id = taskId != null ? taskId : (terminal.id + "-" + System.currentTimeMillis());
        return Message.task(id, body.taskTitle, instruction);
    }

    private Message position(final String text)
    {
        final String[] parts = text.split(",");
        try
        {
            if (parts.length < 2 || parts.length > 3)
            {
                throw new NumberFormatException();
            }
            final double lat = Double.parseDouble(parts[0].trim());
            final double lon = Double.parseDouble(parts[1].trim());
            final double alt = parts.length == 3 ? Double.parseDouble(parts[2].trim()) : 0;
            if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180)) // also refuses NaN
            {
                throw new ParameterException(spec.commandLine(), "--position " + text + " is outside WGS84 (lat ±90, lon ±180)");
            }
            if (!Double.isFinite(alt))
            {
                throw new ParameterException(spec.commandLine(), "--position " + text + " has no finite altitude");
            }
            return Message.position(lat, lon, alt, 0, 0);
        }
        catch (final NumberFormatException ex)
        {
            throw new ParameterException(spec.commandLine(), "--position must be LAT,LON or LAT,LON,ALT, not '" + text + "'");
        }
    }

    private Alert.Severity severity(final String text)
    {
        return switch (text.toLowerCase(Locale.ROOT))
        {
            case "extreme" -> Alert.Severity.EXTREME;
            case "severe" -> Alert.Severity.SEVERE;
            case "moderate" -> Alert.Severity.MODERATE;
            case "minor" -> Alert.Severity.MINOR;
            case "unknown" -> Alert.Severity.SEVERITY_UNKNOWN;
            default -> throw new ParameterException(spec.commandLine(),
                "unknown severity '" + text + "' (extreme, severe, moderate, minor, unknown)");
        };
    }
}
