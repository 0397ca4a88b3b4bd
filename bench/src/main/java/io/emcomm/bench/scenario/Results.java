package io.emcomm.bench.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The results of a comparison run so far, in the order they were produced. */
public final class Results
{
    private final List<ScenarioResult> all = new ArrayList<>();
    private final Map<String, String> skipped = new LinkedHashMap<>();

    public synchronized void add(final ScenarioResult result)
    {
        all.add(result);
    }

    /** Records that a system was skipped, and why (one line). */
    public synchronized void skipped(final String system, final String why)
    {
        skipped.put(system, why);
    }

    public synchronized List<ScenarioResult> all()
    {
        return List.copyOf(all);
    }

    /** Skipped systems and why. */
    public synchronized Map<String, String> skipped()
    {
        return Map.copyOf(skipped);
    }

    public synchronized Optional<ScenarioResult> find(final String scenario, final String system)
    {
        return all.stream().filter(r -> r.scenario().equals(scenario) && r.system().equals(system)).findFirst();
    }
}
