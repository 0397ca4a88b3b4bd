package io.emcomm.bench.scenario;

import io.emcomm.bench.sut.ClientLoops;
import io.emcomm.bench.sut.ServerLimits;
import io.emcomm.bench.sut.SystemUnderTest;
import io.emcomm.bench.sut.Systems;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs the selected scenarios against the selected systems, one system at a time (never two servers
 * competing for the two cores), starting each server and always stopping it. A system that cannot be had
 * is skipped with one message; a scenario that throws is recorded as an error row and the run goes on.
 */
public final class Comparison
{
    private final BenchSettings settings;
    private final PrintStream log;

    /**
     * @param settings what each scenario runs with.
     * @param log      one line per skipped system and per failed scenario.
     */
    public Comparison(final BenchSettings settings, final PrintStream log)
    {
        this.settings = settings;
        this.log = log;
    }

    /**
     * Runs every applicable scenario of {@code scenarioNames} on every system of {@code systemNames}, on the calling
     * thread; a fresh server per scenario when {@link BenchSettings#freshServerPerScenario} is set, else one per
     * system. Shuts the shared client event loops down at the end.
     *
     * @return one row per scenario and system that ran (failed ones with their error), and the skipped systems.
     * @throws IllegalArgumentException when a name is not a known scenario or system.
     */
    public Results run(final List<String> systemNames, final List<String> scenarioNames) throws Exception
    {
        final Results results = new Results();
        final List<Scenario> scenarios = Scenarios.select(scenarioNames, settings);
        scenarios.forEach(s -> s.prepare(settings, log));
        try
        {
            if (settings.freshServerPerScenario())
            {
                for (final Scenario scenario : scenarios)
                {
                    for (final String systemName : systemNames)
                    {
                        if (!results.skipped().containsKey(systemName))
                        {
                            runOne(systemName, List.of(scenario), results, scenario.name());
                        }
                    }
                }
            }
            else
            {
                for (final String systemName : systemNames)
                {
                    runOne(systemName, scenarios, results, "all");
                }
            }
        }
        finally
        {
            ClientLoops.shutdown();
        }
        return results;
    }

    private void runOne(final String systemName, final List<Scenario> scenarios, final Results results, final String folder)
    {
        final SystemUnderTest system = Systems.create(systemName);
        final List<Scenario> applicable = scenarios.stream().filter(s -> system.capabilities().contains(s.needs())).toList();
        if (applicable.isEmpty())
        {
            return;
        }
        Path workDir = null;
        try
        {
            workDir = Files.createDirectories(settings.outDir().resolve("servers").resolve(folder).resolve(systemName));
            final String heap = applicable.stream().map(Scenario::serverHeap).filter(h -> h != null).findFirst().orElse(null);
            try (AutoCloseable scope = ServerLimits.heap(heap))
            {
                system.start(workDir);
            }
        }
        catch (final SystemUnderTest.Unavailable ex)
        {
            log.println("skipping " + systemName + ": " + ex.getMessage());
            results.skipped(systemName, ex.getMessage());
            system.close();
            return;
        }
        catch (final Exception ex)
        {
            log.println("skipping " + systemName + ": could not start it: " + ex);
            results.skipped(systemName, "could not start it: " + ex);
            system.close();
            return;
        }
        try
        {
            for (final Scenario scenario : applicable)
            {
                try
                {
                    results.add(scenario.run(system, settings, results));
                }
                catch (final Exception | AssertionError ex)
                {
                    final ScenarioResult failed = new ScenarioResult(scenario.name(), systemName);
                    failed.error(ex.toString());
                    results.add(failed);
                    log.println(scenario.name() + " on " + systemName + " failed: " + ex);
                }
            }
        }
        finally
        {
            system.close();
            discardStorage(system, workDir);
        }
    }

    /** Deletes what the server stored, unless -Demcomm.bench.keepData=true (to inspect a journal after a run). */
    private void discardStorage(final SystemUnderTest system, final Path workDir)
    {
        if (Boolean.getBoolean("emcomm.bench.keepData"))
        {
            return;
        }
        for (final String folder : system.storageFolders())
        {
            final Path dir = workDir.resolve(folder);
            if (!Files.isDirectory(dir))
            {
                continue;
            }
            try (Stream<Path> tree = Files.walk(dir))
            {
                for (final Path p : tree.sorted(Comparator.reverseOrder()).toList())
                {
                    Files.delete(p);
                }
            }
            catch (final IOException | UncheckedIOException ex)
            {
                log.println("could not delete " + dir + ": " + ex);
            }
        }
    }
}
