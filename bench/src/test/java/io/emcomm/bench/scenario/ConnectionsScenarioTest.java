package io.emcomm.bench.scenario;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The connections scenario at a small count against a real router child JVM over loopback: every terminal
 * connects from its share of the source addresses and completes the handshake, and the memory per terminal is
 * reported. No number is asserted beyond its presence and sign: memory and speed depend on the machine.
 */
class ConnectionsScenarioTest
{
    private final Path out = Path.of("target", "connections-" + System.nanoTime());

    @AfterEach
    void deleteOut() throws Exception
    {
        if (Files.exists(out))
        {
            try (Stream<Path> tree = Files.walk(out))
            {
                for (final Path p : tree.sorted(Comparator.reverseOrder()).toList())
                {
                    Files.delete(p);
                }
            }
        }
    }

    @Test
    @Timeout(120)
    void twoHundredTerminalsFromTwoSourceAddressesAreConnectedAndTheirMemoryReported() throws Exception
    {
        final BenchSettings settings = BenchSettings.smoke(out, System.out).withConnections(200, 100);
        final Results results = new Comparison(settings, System.out).run(List.of("emcomm"), List.of("connections"));

        assertTrue(results.skipped().isEmpty(), "emcomm must start: " + results.skipped());
        final ScenarioResult row = results.find("connections", "emcomm").orElseThrow();
        assertNull(row.error());
        assertTrue(row.notes().isEmpty(), "no terminal dropped, no limit in the way: " + row.notes());
        assertEquals(200L, row.extras().get("connections"));
        assertEquals(2L, row.extras().get("source_addresses"));
        assertTrue(row.extras().get("heap_bytes_per_conn") instanceof Long, "heap per terminal: " + row.extras());
        assertTrue((Long)row.extras().get("heap_used_bytes") > 0, row.extras()::toString);
        assertTrue(row.extras().get("rss_bytes_per_conn") instanceof Long, "RSS per terminal: " + row.extras());
        assertTrue((Long)row.extras().get("rss_bytes") > 0, row.extras()::toString);
        assertTrue(row.extras().containsKey("connect_s"), row.extras()::toString);
    }

    @Test
    void theServersOfThisScenarioGetTheLargerHeap()
    {
        final Scenario scenario = Scenarios.select(List.of("connections"), BenchSettings.smoke(out, null)).get(0);
        assertEquals("1g", scenario.serverHeap());
        assertNull(Scenarios.select(List.of("1to1"), BenchSettings.smoke(out, null)).get(0).serverHeap());
    }
}
