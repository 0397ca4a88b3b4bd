package io.emcomm.bench;

import io.emcomm.bench.report.Environment;
import io.emcomm.bench.report.LatencyPlot;
import io.emcomm.bench.report.ResultTable;
import io.emcomm.bench.report.Summary;
import io.emcomm.bench.scenario.BenchSettings;
import io.emcomm.bench.scenario.Comparison;
import io.emcomm.bench.scenario.Results;
import io.emcomm.bench.scenario.Scenarios;
import io.emcomm.bench.sut.JvmFlags;
import io.emcomm.bench.sut.Peers;
import io.emcomm.bench.sut.Systems;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bench command line.
 *
 * <pre>
 *   compare [--duration SECONDS] [--json FILE] [--out DIR] [--scenarios NAME|GROUP...] [--systems NAME...]
 *           [--search-trials N] [--slo-p99-ms MS] [--connections N] [--smoke]
 *   jmh [JMH options]          e.g. jmh -prof gc FrameCodec
 *   soak --duration DURATION [--terminals N] [--interval SECONDS] [--out DIR]
 * </pre>
 */
public final class BenchMain
{
    private BenchMain()
    {
    }

    /**
     * Dispatches {@code compare}, {@code jmh} or {@code soak} (synopsis above; method in bench/RESULTS.md) and exits
     * the JVM with the command's code: 0 done (soak: PASS), 1 soak FAIL, 2 usage error; no arguments or {@code help}
     * prints the usage and returns.
     *
     * @throws IllegalArgumentException when an option lacks its value or names an unknown scenario or system.
     * @throws Exception                from a trial's I/O or from JMH.
     */
    public static void main(final String[] args) throws Exception
    {
        System.setProperty("java.awt.headless", "true");
        if (args.length == 0 || "-h".equals(args[0]) || "--help".equals(args[0]) || "help".equals(args[0]))
        {
            usage(System.out);
            return;
        }
        final String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0])
        {
            case "compare" -> System.exit(compare(rest, System.out, System.err));
            case "jmh" -> jmh(rest);
            case "soak" -> System.exit(io.emcomm.bench.soak.SoakMain.run(rest, System.out, System.err).exitCode());
            default ->
            {
                System.err.println("unknown command '" + args[0] + "'");
                usage(System.err);
                System.exit(2);
            }
        }
    }

    private static void usage(final PrintStream out)
    {
        out.println("usage: bench compare [--duration SECONDS] [--json FILE] [--out DIR] [--scenarios NAME...]");
        out.println("                     [--systems NAME...] [--search-trials N] [--slo-p99-ms MS] [--connections N] [--smoke]");
        out.println("  --duration      measured seconds of each trial (default 5; a warm-up of up to 3 s precedes it)");
        out.println("  --slo-p99-ms    a rate counts as sustained only if p99 stays under this (default 100; 0 = off)");
        out.println("  --connections   idle terminals of the connections scenario (default 100000), 25000 per loopback address");
        out.println("       bench jmh [JMH options]     (e.g. jmh -prof gc -f 1 FrameCodec)");
        out.println("       bench soak --duration DURATION [--terminals N] [--interval SECONDS] [--out DIR]");
        out.println("scenarios: " + String.join(" ", Scenarios.NAMES));
        out.println("           (without --scenarios: all but " + String.join(" ", Scenarios.CLUSTER) + ")");
        Scenarios.GROUPS.forEach((group, names) -> out.println("groups:    " + group + " = " + String.join(" ", names)));
        out.println("systems:   " + String.join(" ", Systems.NAMES));
    }

    /** Runs the comparison; returns the process exit code. */
    static int compare(final String[] args, final PrintStream out, final PrintStream err) throws Exception
    {
        Duration duration = Duration.ofSeconds(5);
        Path json = null;
        // Inside the build's target folder when run from the repository root (the launcher does), so results
        // never land in the source tree by accident.
        Path outDir = java.nio.file.Files.isDirectory(Path.of("bench", "target")) ? Path.of("bench", "target", "results")
            : Path.of("bench-results");
        List<String> scenarios = Scenarios.DEFAULT;
        List<String> systems = Systems.NAMES;
        Integer searchTrials = null;
        Long sloMillis = null;
        Integer connections = null;
        boolean smoke = false;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--duration" -> duration = Duration.ofMillis(Math.round(Double.parseDouble(value(args, ++i)) * 1000));
                case "--json" -> json = Path.of(value(args, ++i));
                case "--out" -> outDir = Path.of(value(args, ++i));
                case "--search-trials" -> searchTrials = Integer.parseInt(value(args, ++i));
                case "--smoke" -> smoke = true;
                case "--connections" -> connections = Integer.parseInt(value(args, ++i));
                case "--slo-p99-ms" -> sloMillis = Long.parseLong(value(args, ++i));
                case "--scenarios", "--systems" ->
                {
                    final String flag = args[i];
                    final List<String> names = new ArrayList<>();
                    while (i + 1 < args.length && !args[i + 1].startsWith("--"))
                    {
                        names.addAll(Arrays.stream(args[++i].split(",")).filter(s -> !s.isBlank()).toList());
                    }
                    if (names.isEmpty())
                    {
                        throw new IllegalArgumentException(flag + " needs at least one name");
                    }
                    if (flag.equals("--scenarios"))
                    {
                        scenarios = names;
                    }
                    else
                    {
                        systems = names;
                    }
                }
                default ->
                {
                    err.println("unknown option '" + args[i] + "'");
                    usage(err);
                    return 2;
                }
            }
        }
        for (final String system : systems)
        {
            Systems.create(system); // fail fast on a typo
        }
        BenchSettings settings = smoke ? BenchSettings.smoke(outDir, err) : BenchSettings.full(duration, outDir, err);
        settings = settings.with(searchTrials != null ? searchTrials : settings.searchTrials(),
            sloMillis != null ? Duration.ofMillis(sloMillis) : settings.sloP99());
        if (connections != null)
        {
            settings = settings.withConnections(connections, settings.connectionsPerAddress());
        }
        Peers.allowInstall(!smoke);
        final Results results = new Comparison(settings, err).run(systems, scenarios);
        ResultTable.print(results, out);
        final Map<String, Object> summary = Summary.toMap(Environment.describe(), results, describe(settings));
        final Path summaryFile = json != null ? json : outDir.resolve("summary.json");
        Summary.write(summaryFile, summary);
        out.println();
        out.println("JSON summary: " + summaryFile.toAbsolutePath());
        for (final Path plot : LatencyPlot.writeAll(results, outDir.resolve("plots")))
        {
            out.println("latency plot: " + plot.toAbsolutePath());
        }
        out.println("hlog files:   " + outDir.resolve("hlog").toAbsolutePath());
        return 0;
    }

    private static Map<String, Object> describe(final BenchSettings s)
    {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("duration_s", s.duration().toMillis() / 1000.0);
        m.put("warmup_s", s.warmup().toMillis() / 1000.0);
        m.put("search_trials", s.searchTrials());
        m.put("payload_bytes", io.emcomm.bench.load.Payload.SIZE);
        m.put("fanout", s.fanout());
        m.put("up_chain_terminals", s.upChainTerminals());
        m.put("idle_connections", s.idleConnections());
        m.put("connections_per_source_address", s.connectionsPerAddress());
        m.put("replay_messages", s.replayMessages());
        m.put("flash_rate", s.flashRate());
        m.put("slo_p99_ms", s.sloP99().toMillis());
        return m;
    }

    private static String value(final String[] args, final int i)
    {
        if (i >= args.length)
        {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    /** Runs JMH; forks get the Chronicle flags appended, since they do not inherit the manifest's. */
    private static void jmh(final String[] args) throws Exception
    {
        final CommandLineOptions cli = new CommandLineOptions(args);
        final List<String> append = new ArrayList<>(JvmFlags.base());
        if (cli.getJvmArgsAppend().hasValue())
        {
            append.addAll(cli.getJvmArgsAppend().get());
        }
        final ChainedOptionsBuilder options = new OptionsBuilder().parent(cli).jvmArgsAppend(append.toArray(new String[0]));
        new Runner(options.build()).run();
    }
}
