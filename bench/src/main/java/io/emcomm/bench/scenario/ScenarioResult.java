package io.emcomm.bench.scenario;

import io.emcomm.bench.load.TrialResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one scenario on one system: the maximum sustainable throughput (messages delivered per
 * second, or acknowledged for persisted), the latency trial at the scenario's fixed rate, scenario-specific
 * numbers ({@link #extras}), and every trial run on the way.
 */
public final class ScenarioResult
{
    private final String scenario;
    private final String system;
    private Double maxMsgsPerSecond;
    private TrialResult latency;
    private final Map<String, Object> extras = new LinkedHashMap<>();
    private final List<TrialResult> trials = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private String error;

    /** An empty result of {@code scenario} on {@code system} (from {@link Scenarios#NAMES}, {@code Systems.NAMES}). */
    public ScenarioResult(final String scenario, final String system)
    {
        this.scenario = scenario;
        this.system = system;
    }

    public String scenario()
    {
        return scenario;
    }

    public String system()
    {
        return system;
    }

    public Double maxMsgsPerSecond()
    {
        return maxMsgsPerSecond;
    }

    public void maxMsgsPerSecond(final Double value)
    {
        this.maxMsgsPerSecond = value;
    }

    public TrialResult latency()
    {
        return latency;
    }

    public void latency(final TrialResult value)
    {
        this.latency = value;
    }

    public Map<String, Object> extras()
    {
        return extras;
    }

    public List<TrialResult> trials()
    {
        return trials;
    }

    public List<String> notes()
    {
        return notes;
    }

    public String error()
    {
        return error;
    }

    public void error(final String value)
    {
        this.error = value;
    }
}
