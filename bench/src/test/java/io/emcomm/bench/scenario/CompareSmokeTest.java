package io.emcomm.bench.scenario;

import io.emcomm.bench.load.TrialResult;
import io.emcomm.bench.report.Environment;
import io.emcomm.bench.report.LatencyPlot;
import io.emcomm.bench.report.Summary;
import io.emcomm.bench.sut.Systems;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every scenario, end to end, against every system on this machine (EmComm and the Netty baseline always;
 * nats-server and mosquitto when installed), with the smoke settings: a few hundred milliseconds a trial,
 * so the harness cannot rot. It asserts that traffic flowed and every report was produced, not how fast:
 * timing depends on the machine.
 */
class CompareSmokeTest
{
    /**
     * Relative, as {@code ./emcomm bench}'s default out folder is: a server started in its work folder once resolved
     * a relative data path twice and kept 40 GB of journals that were never deleted. An absolute folder hides that.
     */
    private final Path out = Path.of("target", "compare-smoke-" + System.nanoTime());

    @AfterEach
    void deleteOut() throws Exception
    {
        if (Files.exists(out))
        {
            try (Stream<Path> tree = Files.walk(out))
            {
                for (final Path p : tree.sorted(java.util.Comparator.reverseOrder()).toList())
                {
                    Files.delete(p);
                }
            }
        }
    }

    @Test
    @Timeout(180)
    void everyScenarioRunsOnEverySystemAvailableHere() throws Exception
    {
        final List<String> systems = Systems.NAMES.stream().filter(Systems::installed).toList();
        final BenchSettings settings = BenchSettings.smoke(out, System.out);
        // the federation scenarios start routers of their own: their own test below; the cluster ones: ClusterScenariosTest
        final List<String> names = Scenarios.DEFAULT.stream().filter(n -> !Scenarios.FEDERATION.contains(n)).toList();
        final Results results = new Comparison(settings, System.out).run(systems, names);

        assertTrue(results.skipped().isEmpty(), "no installed system may be skipped: " + results.skipped());
        final List<Scenario> scenarios = Scenarios.select(names, settings);
        for (final String system : systems)
        {
            for (final Scenario scenario : scenarios)
            {
                if (!Systems.create(system).capabilities().contains(scenario.needs()))
                {
                    continue;
                }
                final ScenarioResult row = results.find(scenario.name(), system)
                    .orElseThrow(() -> new AssertionError("no row for " + scenario.name() + " on " + system));
                assertNull(row.error(), scenario.name() + " on " + system);
                checkRow(row, settings);
            }
        }

        final Path json = out.resolve("summary.json");
        Summary.write(json, Summary.toMap(Environment.describe(), results, Map.of()));
        final String text = Files.readString(json);
        assertTrue(text.contains("\"environment\""));
        assertTrue(text.contains("\"scenario\": \"1to1\""));
        assertTrue(text.contains("\"system\": \"emcomm\""));
        assertTrue(text.contains("\"flash_p99_loaded_us\""));
        assertFalse(LatencyPlot.writeAll(results, out.resolve("plots")).isEmpty());
        try (Stream<Path> hlogs = Files.list(out.resolve("hlog")))
        {
            assertTrue(hlogs.anyMatch(p -> p.getFileName().toString().startsWith("1to1_emcomm")));
        }
        // the servers' logs stay, what they stored does not (a full run would leave ~20 GB of journals)
        try (Stream<Path> tree = Files.walk(out.resolve("servers")))
        {
            final List<Path> files = tree.filter(Files::isRegularFile).toList();
            assertTrue(files.stream().anyMatch(p -> p.getFileName().toString().equals("emcomm.log")), "router logs kept: " + files);
            assertTrue(files.stream().noneMatch(p -> p.toString().contains("/data/") || p.toString().contains("/jetstream/jetstream/")),
                "stored messages left behind: " + files.stream().filter(p -> p.toString().contains("/data/") || p.toString().contains("/jetstream/jetstream/")).limit(3).toList());
        }
    }

    /**
     * hop1, hop2 and their vsat variants (issue 16): each starts its chain of linked routers (2 or 3 child JVMs), and
     * traffic published at the bottom router reaches the subscriber at the top, unshaped and across vsat links. Only
     * emcomm takes part; every row has a result (not a number), the routers' logs stay and their journals do not.
     */
    @Test
    @Timeout(300)
    void federationScenariosRunAcrossLinkedRouters() throws Exception
    {
        final List<String> systems = Systems.NAMES.stream().filter(Systems::installed).toList();
        final BenchSettings settings = BenchSettings.smoke(out, System.out);
        final Results results = new Comparison(settings, System.out).run(systems, Scenarios.FEDERATION);

        assertTrue(results.skipped().isEmpty(), "no installed system may be skipped: " + results.skipped());
        for (final String scenario : Scenarios.FEDERATION)
        {
            final ScenarioResult row = results.find(scenario, "emcomm")
                .orElseThrow(() -> new AssertionError("no row for " + scenario + " on emcomm"));
            assertNull(row.error(), scenario);
            checkRow(row, settings);
        }
        assertTrue(results.all().stream().allMatch(r -> r.system().equals("emcomm")),
            "only emcomm has federation rows: " + results.all().stream().map(r -> r.scenario() + "/" + r.system()).toList());
        try (Stream<Path> tree = Files.walk(out.resolve("servers")))
        {
            final List<String> files = tree.filter(Files::isRegularFile).map(Path::toString).toList();
            for (final String router : List.of("hop2-r52.log", "hop2-r5201.log", "hop2-r520102.log"))
            {
                assertTrue(files.stream().anyMatch(f -> f.endsWith(router)), router + " kept: " + files);
            }
            assertTrue(files.stream().noneMatch(f -> f.contains("/data/")), "journals left behind: " + files);
        }
    }

    private static void checkRow(final ScenarioResult row, final BenchSettings settings)
    {
        final String what = row.scenario() + " on " + row.system();
        switch (row.scenario())
        {
            case "replay" ->
            {
                assertNotNull(row.maxMsgsPerSecond(), what);
                assertTrue(row.maxMsgsPerSecond() > 0, what);
                assertTrue(row.notes().isEmpty(), what + ": " + row.notes());
            }
            case "connections" ->
                assertEquals((long)settings.idleConnections(), row.extras().get("connections"), what);
            case "hop1_vsat", "hop2_vsat" ->
            {
                assertTrue(row.extras().containsKey("ceiling_msgs_per_s"), what);
                assertTrue(row.extras().containsKey("flash_p99_idle_us"), what);
                assertTrue(row.extras().containsKey("flash_p99_loaded_us"), what);
                assertEquals(3, row.trials().size(), what);
                assertDelivered(row.latency(), what);
            }
            case "hop1", "hop2" ->
            {
                assertTrue(row.extras().containsKey("flash_p99_idle_us"), what);
                assertTrue(row.extras().containsKey("flash_p99_loaded_us"), what);
                assertDelivered(row.latency(), what);
                assertDelivered(row.trials().get(row.trials().size() - 1), what + " (FLASH under load)");
            }
            case "flash_under_load" ->
            {
                assertTrue(row.extras().containsKey("flash_p99_idle_us"), what);
                assertTrue(row.extras().containsKey("flash_p99_loaded_us"), what);
                assertDelivered(row.latency(), what);
            }
            default ->
            {
                assertFalse(row.trials().isEmpty(), what);
                assertDelivered(row.latency(), what);
            }
        }
    }

    private static void assertDelivered(final TrialResult trial, final String what)
    {
        assertNotNull(trial, what);
        assertTrue(trial.delivered() > 0, what + ": nothing was delivered");
        assertEquals(trial.delivered(), trial.histogram().getTotalCount(), what);
    }
}
