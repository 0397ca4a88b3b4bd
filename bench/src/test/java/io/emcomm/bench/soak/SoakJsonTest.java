package io.emcomm.bench.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emcomm.bench.report.ReportJson;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** soak.json keeps its field names and fixed decimals (scripts read them). */
class SoakJsonTest
{
    @Test
    void fieldNamesAndDecimals() throws Exception
    {
        final List<Sample> samples = List.of(
            new Sample(2.04, 1500.25, 4200, 310, 900, 50_000_000, 120_000_000, 250, 0),
            new Sample(4, 1499, 4198.96, 320, 950, 50_100_000, 121_000_000, 251, 0));
        final Verdict verdict = new Verdict(false, List.of("file descriptors grow: \"+70\""), 0.1254, 1.005, 3.5, 70);
        final SoakRun.Outcome outcome = new SoakRun.Outcome(verdict, samples, 1000, 4000, 1, 2, 310, 950, List.of());
        final String text = ReportJson.write(SoakMain.json(SoakSettings.of(Duration.ofSeconds(16), 200, Path.of("x")), outcome));

        assertTrue(text.contains("\"verdict\": \"FAIL\""), text);
        assertTrue(text.contains("\"duration_s\": 16.0,"), text);
        assertTrue(text.contains("\"heap_slope_mib_per_min\": 0.125,"), text);
        assertTrue(text.contains("\"heap_growth_mib\": 1.01,"), text); // 1.005 rounds half up, as %.2f did
        assertTrue(text.contains("\"fd_slope_per_min\": 3.50,"), text);
        assertTrue(text.contains("\"elapsed_s\": 2.0,"), text);
        assertTrue(text.contains("\"out_per_s\": 4199.0,"), text);
        final JsonNode root = new ObjectMapper().readTree(text);
        assertEquals(List.of("duration_s", "terminals", "command_posts", "verdict", "reasons", "heap_slope_mib_per_min",
            "heap_growth_mib", "fd_slope_per_min", "fd_growth", "published", "delivered", "lost", "unacked", "p99_us",
            "max_us", "samples"), names(root));
        assertEquals(28, root.get("command_posts").asInt());
        assertEquals("file descriptors grow: \"+70\"", root.get("reasons").get(0).asText());
        assertEquals(2, root.get("samples").size());
        assertEquals(List.of("elapsed_s", "in_per_s", "out_per_s", "p99_us", "max_us", "heap_after_gc_bytes", "rss_bytes",
            "open_fds", "leak_lines"), names(root.get("samples").get(1)));
        assertEquals(251, root.get("samples").get(1).get("open_fds").asLong());
    }

    private static List<String> names(final JsonNode node)
    {
        final List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
