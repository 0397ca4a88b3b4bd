package io.emcomm.bench.soak;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emcomm.bench.report.ReportJson;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code bench soak --duration DURATION [--terminals N] [--interval SECONDS] [--out DIR]}: a long mixed load
 * against a router in a child JVM that fails when the router leaks (heap after GC trending upward, Netty
 * {@code LEAK:} lines, file descriptors growing) or loses acknowledged deliveries. See {@link Verdict} for
 * the rules. Writes {@code soak-samples.csv} and {@code soak.json} to the out folder.
 */
public final class SoakMain
{
    private SoakMain()
    {
    }

    /** Result of {@link #run}: the exit code (0 pass, 1 fail, 2 usage) and the verdict when one was reached. */
    public record Result(int exitCode, boolean pass, int samples, long minHeapAfterGc, long minOpenFds, long maxP99Micros,
        long published, long delivered)
    {
    }

    /** Prints the soak synopsis and its pass/fail rules (bench/RESULTS.md "Soak") to {@code out}. */
    public static void usage(final PrintStream out)
    {
        out.println("usage: bench soak --duration DURATION [--terminals N] [--interval SECONDS] [--out DIR]");
        out.println("  --duration   e.g. 90s, 30m, 8h (a plain number is seconds)");
        out.println("  --terminals  field terminals (default 2000) besides 28 command posts of Guizhou");
        out.println("  --interval   seconds between samples (default 5; each sample runs two full GCs in the router)");
        out.println("  fails (exit 1) when, after the first 20% of the run, heap after GC rises > 1 MiB/min and by");
        out.println("  > 16 MiB, open descriptors rise by > max(64, 5%), a LEAK: line appears in the router log,");
        out.println("  an acknowledged publish misses a command post, or a publish is never acknowledged");
    }

    /** Runs a soak; returns its result. Output goes to {@code out}. */
    public static Result run(final String[] args, final PrintStream out, final PrintStream err) throws Exception
    {
        Duration duration = null;
        int terminals = 2000;
        Duration interval = Duration.ofSeconds(5);
        Path outDir = Files.isDirectory(Path.of("bench", "target")) ? Path.of("bench", "target", "soak") : Path.of("soak-results");
        for (int i = 0; i < args.length; i++)
        {
            final String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--duration" -> duration = parseDuration(value);
                case "--terminals" -> terminals = Integer.parseInt(value);
                case "--interval" -> interval = Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
                case "--out" -> outDir = Path.of(value);
                default ->
                {
                    err.println("unknown option '" + args[i] + "'");
                    usage(err);
                    return new Result(2, false, 0, 0, 0, 0, 0, 0);
                }
            }
            i++;
        }
        if (duration == null || terminals < 1)
        {
            usage(err);
            return new Result(2, false, 0, 0, 0, 0, 0, 0);
        }
        final SoakSettings settings = SoakSettings.of(duration, terminals, outDir).withInterval(interval);
        final SoakRun.Outcome outcome = new SoakRun(settings, out).run();
        final Verdict v = outcome.verdict();
        write(settings, outcome);
        out.printf(Locale.ROOT, "published %,d, delivered %,d, lost %d, unacked %d; overall p99 %.2f ms, max %.2f ms%n",
            outcome.published(), outcome.delivered(), outcome.lost(), outcome.unacked(), outcome.p99Micros() / 1000.0,
            outcome.maxMicros() / 1000.0);
        out.printf(Locale.ROOT, "heap after GC: slope %.2f MiB/min, %+.1f MiB after warm-up; fds: %+d (%.1f/min)%n",
            v.heapSlopeMiBPerMin(), v.heapGrowthMiB(), v.fdGrowth(), v.fdSlopePerMin());
        outcome.leaks().forEach(l -> out.println("  " + l));
        out.println("samples: " + settings.outDir().resolve("soak-samples.csv").toAbsolutePath());
        out.println("VERDICT: " + (v.pass() ? "PASS" : "FAIL"));
        v.reasons().forEach(r -> out.println("  - " + r));
        final List<Sample> s = outcome.samples();
        return new Result(v.pass() ? 0 : 1, v.pass(), s.size(),
            s.stream().mapToLong(Sample::heapAfterGcBytes).min().orElse(0),
            s.stream().mapToLong(Sample::openFds).min().orElse(0),
            s.stream().mapToLong(Sample::p99Micros).max().orElse(0), outcome.published(), outcome.delivered());
    }

    static Duration parseDuration(final String text)
    {
        if (text == null || text.isBlank())
        {
            throw new IllegalArgumentException("--duration needs a value, e.g. 3m");
        }
        final String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("pt"))
        {
            return Duration.parse(t);
        }
        final char unit = t.charAt(t.length() - 1);
        final String number = Character.isDigit(unit) ? t : t.substring(0, t.length() - 1);
        final double value = Double.parseDouble(number);
        final double seconds = switch (unit)
        {
            case 'h' -> value * 3600;
            case 'm' -> value * 60;
            case 's' -> value;
            default ->
            {
                if (!Character.isDigit(unit))
                {
                    throw new IllegalArgumentException("unknown duration unit in '" + text + "' (use s, m or h)");
                }
                yield value;
            }
        };
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    private static void write(final SoakSettings settings, final SoakRun.Outcome outcome) throws IOException
    {
        final List<String> csv = new ArrayList<>();
        csv.add(Sample.CSV_HEADER);
        outcome.samples().forEach(s -> csv.add(s.csv()));
        Files.write(settings.outDir().resolve("soak-samples.csv"), csv);
        ReportJson.write(settings.outDir().resolve("soak.json"), json(settings, outcome));
    }

    /**
     * soak.json: the run, the verdict with its reasons, the totals and every sample. Decimals are fixed per
     * field (seconds and rates 1, heap slope 3, growth and descriptor slope 2), as operators' scripts read them.
     */
    static ObjectNode json(final SoakSettings settings, final SoakRun.Outcome outcome)
    {
        final Verdict v = outcome.verdict();
        final ObjectNode json = ReportJson.object();
        json.put("duration_s", ReportJson.decimals(settings.duration().toMillis() / 1000.0, 1));
        json.put("terminals", settings.terminals());
        json.put("command_posts", Regions.commandPostRegions().size());
        json.put("verdict", v.pass() ? "PASS" : "FAIL");
        final ArrayNode reasons = json.putArray("reasons");
        v.reasons().forEach(reasons::add);
        json.put("heap_slope_mib_per_min", ReportJson.decimals(v.heapSlopeMiBPerMin(), 3));
        json.put("heap_growth_mib", ReportJson.decimals(v.heapGrowthMiB(), 2));
        json.put("fd_slope_per_min", ReportJson.decimals(v.fdSlopePerMin(), 2));
        json.put("fd_growth", v.fdGrowth());
        json.put("published", outcome.published());
        json.put("delivered", outcome.delivered());
        json.put("lost", outcome.lost());
        json.put("unacked", outcome.unacked());
        json.put("p99_us", outcome.p99Micros());
        json.put("max_us", outcome.maxMicros());
        final ArrayNode samples = json.putArray("samples");
        for (final Sample s : outcome.samples())
        {
            samples.addObject()
                .put("elapsed_s", ReportJson.decimals(s.elapsedSeconds(), 1))
                .put("in_per_s", ReportJson.decimals(s.inPerSecond(), 1))
                .put("out_per_s", ReportJson.decimals(s.outPerSecond(), 1))
                .put("p99_us", s.p99Micros())
                .put("max_us", s.maxMicros())
                .put("heap_after_gc_bytes", s.heapAfterGcBytes())
                .put("rss_bytes", s.rssBytes())
                .put("open_fds", s.openFds())
                .put("leak_lines", s.leakLines());
        }
        return json;
    }
}
