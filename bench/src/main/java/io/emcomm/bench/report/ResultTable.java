package io.emcomm.bench.report;

import io.emcomm.bench.load.TrialResult;
import io.emcomm.bench.scenario.Results;
import io.emcomm.bench.scenario.ScenarioResult;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The comparison table: per scenario, each system's maximum sustainable throughput, its ratio to EmComm's,
 * and latency percentiles (microseconds, from intended send) at the scenario's fixed rate.
 */
public final class ResultTable
{
    private ResultTable()
    {
    }

    /**
     * Prints one table per scenario (in run order) to {@code out}: max msgs/s, ratio to emcomm, the latency trial's
     * offered rate and its p50 to p99.99 and max in microseconds, and notes (errors, rate not kept, extras); then
     * one line per skipped system.
     */
    public static void print(final Results results, final PrintStream out)
    {
        final Map<String, List<ScenarioResult>> byScenario = results.all().stream()
            .collect(Collectors.groupingBy(ScenarioResult::scenario, LinkedHashMap::new, Collectors.toList()));
        for (final Map.Entry<String, List<ScenarioResult>> entry : byScenario.entrySet())
        {
            out.println();
            out.println("== " + entry.getKey() + " " + unit(entry.getKey()));
            out.printf(Locale.ROOT, "%-15s %13s %8s %9s %9s %9s %9s %9s %9s %10s  %s%n", "system", "max msgs/s",
                "vs emcomm", "at rate/s", "p50 us", "p90 us", "p99 us", "p99.9 us", "p99.99 us", "max us", "notes");
            final Double emcomm = entry.getValue().stream().filter(r -> r.system().equals("emcomm"))
                .map(ScenarioResult::maxMsgsPerSecond).filter(v -> v != null).findFirst().orElse(null);
            for (final ScenarioResult r : entry.getValue())
            {
                final TrialResult l = r.latency();
                final String ratio = r.maxMsgsPerSecond() == null || emcomm == null || emcomm == 0 ? "-"
                    : String.format(Locale.ROOT, "%.2fx", r.maxMsgsPerSecond() / emcomm);
                out.printf(Locale.ROOT, "%-15s %13s %8s %9s %9s %9s %9s %9s %9s %10s  %s%n",
                    r.system(),
                    r.maxMsgsPerSecond() == null ? "-" : String.format(Locale.ROOT, "%,.0f", r.maxMsgsPerSecond()),
                    ratio,
                    l == null ? "-" : String.format(Locale.ROOT, "%,.0f", l.offeredRate()),
                    micros(l, 50), micros(l, 90), micros(l, 99), micros(l, 99.9), micros(l, 99.99),
                    l == null ? "-" : String.format(Locale.ROOT, "%,.0f", l.maxMicros()),
                    notes(r));
            }
        }
        if (!results.skipped().isEmpty())
        {
            out.println();
            results.skipped().forEach((system, why) -> out.println("skipped " + system + ": " + why));
        }
    }

    private static String unit(final String scenario)
    {
        return switch (scenario)
        {
            case "fanout16" -> "(max = deliveries/s to all subscribers; rate = publishes/s)";
            case "persisted" -> "(max = acknowledged publishes/s; latency = publish to acknowledgement)";
            case "request_reply" -> "(latency = round trip)";
            case "flash_under_load" -> "(latency = FLASH while ROUTINE saturates the same subscriber)";
            case "replay" -> "(max = messages read back from the store per second)";
            case "connections" -> "(memory per idle connected terminal)";
            case "hop1", "hop2" -> "(publisher at the bottom router, subscriber at the top; journaled at every router)";
            case "hop1_vsat", "hop2_vsat" ->
                "(max = ROUTINE/s across the saturated vsat links; latency = FLASH while ROUTINE saturates them)";
            default -> "";
        };
    }

    private static String micros(final TrialResult trial, final double percentile)
    {
        return trial == null ? "-" : String.format(Locale.ROOT, "%,.1f", trial.percentileMicros(percentile));
    }

    private static String notes(final ScenarioResult r)
    {
        final StringBuilder notes = new StringBuilder();
        if (r.error() != null)
        {
            notes.append("ERROR ").append(r.error()).append(' ');
        }
        if (r.latency() != null && !r.latency().passed())
        {
            notes.append("[rate not kept: ").append(r.latency().failure()).append("] ");
        }
        r.extras().forEach((k, v) -> notes.append(k).append('=').append(format(v)).append(' '));
        r.notes().forEach(n -> notes.append(n).append("; "));
        return notes.toString().trim();
    }

    private static String format(final Object value)
    {
        if (value instanceof Double d)
        {
            return String.format(Locale.ROOT, "%,.1f", d);
        }
        if (value instanceof Long || value instanceof Integer)
        {
            return String.format(Locale.ROOT, "%,d", ((Number)value).longValue());
        }
        return String.valueOf(value);
    }
}
