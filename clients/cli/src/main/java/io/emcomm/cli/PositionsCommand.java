package io.emcomm.cli;

import io.emcomm.cli.format.DeliveryFormat;
import io.emcomm.client.Delivery;
import io.emcomm.client.EmcommClient;
import io.emcomm.client.EmcommException;
import io.emcomm.client.ReplayResult;
import io.emcomm.protocol.wire.PositionReport;
import io.emcomm.protocol.wire.TerminalKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@code emcomm positions}: the latest position of every terminal in a region (LATEST_POSITIONS_REQUEST, protocol.md §8.2). */
@Command(
    name = "positions",
    mixinStandardHelpOptions = true,
    description = {
        "Print the latest known position of every terminal registered in a region's subtree, one per line.",
        "Without --id it asks as an anonymous terminal that receives no traffic; a router that authenticates "
            + "answers only a command post, for its own region: give that post's --id, --kind, --region and "
            + "--credential."},
    footer = {"", "Examples:",
        "  emcomm positions --within 5201",
        "  emcomm positions --id cp-5201 --kind command-post --region 5201 --credential TOKEN --json"})
final class PositionsCommand implements Callable<Integer>
{
    /** The id an anonymous query logs in with: fixed, so that queries leave at most one idle terminal on the router. */
    static final String POSITIONS_TERMINAL_ID = "emcomm-positions";

    @Spec
    CommandSpec spec;

    @Mixin
    TerminalOptions terminal;

    @Option(names = "--within", paramLabel = "CODE", converter = Converters.RegionConverter.class,
        description = "The region subtree to list (default: --region).")
    String within;

    @Option(names = "--json", description = "One JSON object per line (as listen --json: origin, lat, lon, altitude_m, journaled_at, ...).")
    boolean json;

    @Override
    public Integer call() throws InterruptedException
    {
        final String subtree = within != null ? within : terminal.region;
        if (subtree == null)
        {
            throw new ParameterException(spec.commandLine(), "give --within CODE, the region whose terminals to list");
        }
        // Anonymous: a ground terminal in region 99, which no province has (GB/T 2260), so it is sent nothing.
        final var options = terminal.id != null ? terminal.required() :
            terminal.orDefault(POSITIONS_TERMINAL_ID, ReplayCommand.REPLAY_TERMINAL_REGION)
                .terminal(POSITIONS_TERMINAL_ID, TerminalKind.GROUND, ReplayCommand.REPLAY_TERMINAL_REGION);
        final List<Delivery> reports = new ArrayList<>();
        try (EmcommClient client = EmcommClient.connect(options.autoAck(false).build()))
        {
            final ReplayResult result = client.latestPositions(subtree).get(30, TimeUnit.SECONDS);
            reports.addAll(result.items());
        }
        catch (final ExecutionException ex)
        {
            throw new CliFailure("the router refused: " + ex.getCause().getMessage());
        }
        catch (final TimeoutException ex)
        {
            throw new CliFailure("no answer from the router within 30 s");
        }
        catch (final EmcommException ex)
        {
            throw new CliFailure(ex.getMessage());
        }
        reports.sort(Comparator.comparing(Delivery::origin));
        final PrintWriter out = spec.commandLine().getOut();
        for (final Delivery d : reports)
        {
            out.println(json ? DeliveryFormat.json(d) : line(d));
        }
        out.flush();
        final PrintWriter err = spec.commandLine().getErr();
        err.println(reports.size() + " terminal" + (reports.size() == 1 ? "" : "s") + " with a position in " + subtree);
        err.flush();
        return Main.EXIT_OK;
    }

    /** {@code uav-07 26.450000,106.630000 alt 1200 m at 2026-05-01T08:00:01.234Z (#4294967302)}. */
    static String line(final Delivery d)
    {
        final PositionReport p = d.envelope().getPosition();
        return String.format(Locale.ROOT, "%s %.6f,%.6f alt %.0f m at %s (#%d)", d.origin(), p.getLat(), p.getLon(),
            p.getAltitudeM(), DeliveryFormat.time(d.journaledAtMicros()), d.journalIndex());
    }
}
