package io.emcomm.bench.report;

import io.emcomm.bench.load.TrialResult;
import io.emcomm.bench.scenario.Results;
import io.emcomm.bench.scenario.ScenarioResult;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON summary: {@code environment} and {@code results}, one object per scenario and system with
 * {@code scenario}, {@code system}, {@code max_msgs_per_s} and {@code latency_us} ({@code rate}, {@code p50},
 * {@code p99}, {@code p999}, {@code max}, plus p90, p99.99 and whether the rate was kept), and the
 * scenario's own numbers (e.g. {@code flash_p99_idle_us}, {@code flash_p99_loaded_us}).
 */
public final class Summary
{
    private Summary()
    {
    }

    /**
     * The summary as ordered maps and lists, ready for {@link #write}: {@code environment}, {@code settings},
     * {@code results} (one row per scenario and system) and {@code skipped} (system to reason) when any was.
     */
    public static Map<String, Object> toMap(final Map<String, Object> environment, final Results results,
        final Map<String, Object> settings)
    {
        final Map<String, Object> root = new LinkedHashMap<>();
        root.put("environment", environment);
        root.put("settings", settings);
        final List<Object> rows = new ArrayList<>();
        for (final ScenarioResult result : results.all())
        {
            rows.add(row(result));
        }
        root.put("results", rows);
        if (!results.skipped().isEmpty())
        {
            root.put("skipped", new LinkedHashMap<>(results.skipped()));
        }
        return root;
    }

    static Map<String, Object> row(final ScenarioResult result)
    {
        final Map<String, Object> row = new LinkedHashMap<>();
        row.put("scenario", result.scenario());
        row.put("system", result.system());
        row.put("max_msgs_per_s", result.maxMsgsPerSecond() == null ? null : (double)Math.round(result.maxMsgsPerSecond()));
        row.put("latency_us", latency(result.latency()));
        row.putAll(result.extras());
        if (!result.notes().isEmpty())
        {
            row.put("notes", result.notes());
        }
        if (result.error() != null)
        {
            row.put("error", result.error());
        }
        return row;
    }

    private static Map<String, Object> latency(final TrialResult trial)
    {
        if (trial == null)
        {
            return null;
        }
        final Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("rate", Math.round(trial.offeredRate()));
        latency.put("p50", trial.percentileMicros(50));
        latency.put("p90", trial.percentileMicros(90));
        latency.put("p99", trial.percentileMicros(99));
        latency.put("p999", trial.percentileMicros(99.9));
        latency.put("p9999", trial.percentileMicros(99.99));
        latency.put("max", trial.maxMicros());
        latency.put("achieved_msgs_per_s", (double)Math.round(trial.achievedRate()));
        latency.put("kept_rate", trial.passed());
        if (!trial.passed())
        {
            latency.put("failure", trial.failure());
        }
        return latency;
    }

    /** Writes the summary to {@code file} (creating its folder) as {@link ReportJson} lays it out. */
    public static void write(final Path file, final Map<String, Object> summary) throws IOException
    {
        ReportJson.write(file, summary);
    }
}
