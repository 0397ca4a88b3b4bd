package io.emcomm.cli;

import io.emcomm.cli.format.DeliveryFormat;
import io.emcomm.client.ClientOptions;
import io.emcomm.client.Delivery;
import io.emcomm.client.EmcommClient;
import io.emcomm.client.EmcommException;
import io.emcomm.client.ReplayResult;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.ReplayRequest;
import io.emcomm.protocol.wire.TerminalKind;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/** {@code emcomm replay}: print journal entries, from a running router or straight from a journal folder. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
        "Print journaled messages in journal order, filtered by time, origin, region and precedence.",
        "Reads from a running router (--router) or from a journal folder on this machine (--data).",
        "Times are ISO-8601 in UTC (2026-05-01T08:00:01.234Z); journal indexes are decimal. With --data, a "
            + "damaged entry is named on stderr (index and reason), the replay carries on past it and exits 1 at "
            + "the end."},
    footer = {"", "Examples:",
        "  emcomm replay --router 127.0.0.1:7400 --from 15m --precedence immediate --json",
        "  emcomm replay --data ./emcomm-data --origin uav-07"})
final class ReplayCommand implements Callable<Integer>
{
    /** The id a replay logs in with: fixed, so that replays leave at most one idle terminal on the router. */
    static final String REPLAY_TERMINAL_ID = "emcomm-replay";
    /** No province has code 99 (GB/T 2260), so the replay session receives no region or chain traffic. */
    static final String REPLAY_TERMINAL_REGION = "99";

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Source source = new Source();

    static final class Source
    {
        @Option(names = "--router", paramLabel = "HOST:PORT", converter = Converters.HostPortConverter.class,
            description = "Ask a running router (default: 127.0.0.1:7400).")
        Converters.HostPort router;

        @Option(names = "--data", paramLabel = "DIR", description = "Read the journal in DIR directly.")
        Path data;
    }

    @Option(names = "--from", paramLabel = "TIME", converter = Converters.TimeConverter.class,
        description = "Journaled at or after TIME: 2026-05-01T08:00:00Z, 2026-05-01T08:00, 2026-05-01, or 15m (ago).")
    Instant from;

    @Option(names = "--to", paramLabel = "TIME", converter = Converters.TimeConverter.class,
        description = "Journaled at or before TIME (same forms as --from).")
    Instant to;

    @Option(names = "--origin", paramLabel = "ID", description = "Only messages from this terminal.")
    String origin;

    @Option(names = "--region", paramLabel = "CODE", converter = Converters.RegionConverter.class,
        description = "Only messages from, or addressed to, this region's subtree.")
    String region;

    @Option(names = "--precedence", paramLabel = "P", converter = Converters.PrecedenceConverter.class,
        description = "Only messages at this precedence or higher: flash, immediate, priority, routine.")
    Precedence precedence;

    @Option(names = "--limit", paramLabel = "N", description = "At most N messages.")
    int limit;

    @Option(names = "--json", description = "One JSON object per line (index, id, origin, precedence, to, text, ...).")
    boolean json;

    @Option(names = "--pace", paramLabel = "PACE", defaultValue = "fast",
        description = "fast (default) or original: keep the gaps the messages originally had, in printing and with --into.")
    String pace;

    @Option(names = "--into", paramLabel = "HOST:PORT", converter = Converters.HostPortConverter.class,
        description = "Re-publish the messages (from --data) into this router, for after-action review or exercises. "
            + "Each origin logs in as ORIGIN plus --origin-suffix, with the kind and region it had.")
    Converters.HostPort into;

    @Option(names = "--origin-suffix", paramLabel = "TEXT", defaultValue = ".replay",
        description = "Appended to each origin id when re-publishing with --into (default: ${DEFAULT-VALUE}; may be empty).")
    String originSuffix;

    @Option(names = "--id", paramLabel = "ID", defaultValue = REPLAY_TERMINAL_ID,
        description = "Terminal id to log in with when using --router (default: ${DEFAULT-VALUE}; "
            + "an authenticating router must list it as: ID ground " + REPLAY_TERMINAL_REGION + ").")
    String id;

    /** TLS and credential for --router and --into (with --into, every re-published origin uses them). */
    @Mixin
    RouterAccessOptions access;

    @Override
    public Integer call() throws InterruptedException
    {
        if (limit < 0)
        {
            throw new ParameterException(spec.commandLine(), "--limit must not be negative");
        }
        if (from != null && to != null && to.isBefore(from))
        {
            throw new ParameterException(spec.commandLine(), "--to is before --from");
        }
        if (!pace.equals("fast") && !pace.equals("original"))
        {
            throw new ParameterException(spec.commandLine(), "--pace must be fast or original, not '" + pace + "'");
        }
        if (into != null && source.data == null)
        {
            throw new ParameterException(spec.commandLine(), "--into re-publishes from a journal folder: give --data DIR");
        }
        final ReplayRequest request = request();
        final PrintWriter out = spec.commandLine().getOut();
        final Consumer<Delivery> printer = d ->
        {
            out.println(json ? DeliveryFormat.json(d) : DeliveryFormat.line(d));
            out.flush();
        };
        if (into != null)
        {
            final PrintWriter err = spec.commandLine().getErr();
            final DamageReport damage = new DamageReport(spec.qualifiedName(), err);
            final JournalPlayback.Result played = new JournalPlayback(JournalCommand.journalDir(source.data), into, access, originSuffix,
                pace.equals("original")).run(request.getRequestId() != 0 ? request : request.toBuilder().setRequestId(1).build(), printer,
                damage);
            err.println("re-published " + played.published() + " message" + (played.published() == 1 ? "" : "s") + " into "
                + into.host() + ":" + into.port() + " as " + played.terminals() + " terminal" + (played.terminals() == 1 ? "" : "s")
                + (played.skipped() > 0 ? " (" + played.skipped() + " router-originated skipped)" : "") + damage.summary());
            err.flush();
            return damage.count() == 0 ? Main.EXIT_OK : Main.EXIT_FAILURE;
        }
        final Consumer<Delivery> paced = pace.equals("original") ? new PacedPrinter(printer) : printer;
        final PrintWriter err = spec.commandLine().getErr();
        final DamageReport damage = new DamageReport(spec.qualifiedName(), err);
        final ReplayResult result = source.data != null ?
            JournalReplay.replay(source.data, request, paced, damage) :
            replayFromRouter(request, paced);
        damage.skippedByRouter(result.damaged());
        err.println("replayed " + result.count() + " message" + (result.count() == 1 ? "" : "s") +
            (result.count() > 0 ? " (last index " + result.lastIndex() + ")" : "") + damage.summary());
        err.flush();
        return damage.count() == 0 ? Main.EXIT_OK : Main.EXIT_FAILURE;
    }

    /** Prints each message after the gap it originally had after the previous one. */
    private static final class PacedPrinter implements Consumer<Delivery>
    {
        private final Consumer<Delivery> printer;
        private long firstAtMicros = Long.MIN_VALUE;
        private long startNanos;

        PacedPrinter(final Consumer<Delivery> printer)
        {
            this.printer = printer;
        }

        @Override
        public void accept(final Delivery d)
        {
            if (firstAtMicros == Long.MIN_VALUE)
            {
                firstAtMicros = d.journaledAtMicros();
                startNanos = System.nanoTime();
            }
            final long waitNanos = startNanos + (d.journaledAtMicros() - firstAtMicros) * 1000 - System.nanoTime();
            if (waitNanos > 0)
            {
                java.util.concurrent.locks.LockSupport.parkNanos(waitNanos); // pacing for people, not synchronisation
            }
            printer.accept(d);
        }
    }

    ReplayRequest request()
    {
        final ReplayRequest.Builder r = ReplayRequest.newBuilder();
        if (from != null)
        {
            r.setFromMicros(ChronoUnit.MICROS.between(Instant.EPOCH, from));
        }
        if (to != null)
        {
            r.setToMicros(ChronoUnit.MICROS.between(Instant.EPOCH, to));
        }
        if (origin != null)
        {
            r.setOrigin(origin);
        }
        if (region != null)
        {
            r.setRegionCode(region);
        }
        if (precedence != null)
        {
            r.setMinPrecedence(precedence);
        }
        return r.setLimit(limit).build();
    }

    private ReplayResult replayFromRouter(final ReplayRequest request, final Consumer<Delivery> printer)
        throws InterruptedException
    {
        final Converters.HostPort router = source.router != null ? source.router : Converters.HostPort.parse("127.0.0.1:7400");
        final ClientOptions options;
        try
        {
            options = access.apply(ClientOptions.builder()
                .router(router.host(), router.port())
                .terminal(id, TerminalKind.GROUND, REPLAY_TERMINAL_REGION)
                .clientName("emcomm-cli/0.1 replay")
                .autoAck(false)) // a replay shows replay items; anything delivered to its id stays unacked
                .build();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ParameterException(spec.commandLine(), ex.getMessage());
        }
        try (EmcommClient client = EmcommClient.connect(options))
        {
            return client.replay(request, printer::accept).get();
        }
        catch (final ExecutionException ex)
        {
            throw new CliFailure("replay failed: " + ex.getCause().getMessage());
        }
        catch (final EmcommException ex)
        {
            throw new CliFailure(ex.getMessage());
        }
    }
}
