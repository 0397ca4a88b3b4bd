package io.emcomm.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emcomm.bench.load.TrialResult;
import io.emcomm.bench.scenario.Results;
import io.emcomm.bench.scenario.ScenarioResult;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * summary.json through Jackson keeps the layout and number format the hand-written writer had (scripts read
 * it), and its field names.
 */
class ReportJsonTest
{
    @TempDir
    Path dir;

    @Test
    void layoutAndNumbersAreTheSummarysOwn()
    {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("whole", 1200.0);
        m.put("frac", 12.345);
        m.put("neg", -3.75);
        m.put("long", 7L);
        m.put("str", "a\"b\\c\nd\u0001\u001f\b\f");
        m.put("nul", null);
        m.put("empty_list", List.of());
        m.put("empty_map", Map.of());
        m.put("list", Arrays.asList(1, "two", null, true));
        final Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("nan", Double.NaN);
        nested.put("big", 1e20);
        m.put("nested", nested);

        assertEquals("""
            {
              "whole": 1200,
              "frac": 12.3,
              "neg": -3.8,
              "long": 7,
              "str": "a\\"b\\\\c\\nd\\u0001\\u001f\\u0008\\u000c",
              "nul": null,
              "empty_list": [],
              "empty_map": {},
              "list": [
                1,
                "two",
                null,
                true
              ],
              "nested": {
                "nan": null,
                "big": 100000000000000000000.0
              }
            }
            """, ReportJson.write(m));
    }

    @Test
    void decimalsRoundAsStringFormatDoes()
    {
        assertEquals("0.125", ReportJson.decimals(0.125, 3).toPlainString());
        assertEquals("0.13", ReportJson.decimals(0.125, 2).toPlainString());
        assertEquals("16.0", ReportJson.decimals(16, 1).toPlainString());
        assertEquals(null, ReportJson.decimals(Double.NaN, 1));
    }

    @Test
    void summaryKeepsItsFieldNames() throws Exception
    {
        final Histogram histogram = new Histogram(3);
        histogram.recordValue(150_000); // 150 us
        histogram.recordValue(2_000_000);
        final ScenarioResult kept = new ScenarioResult("1to1", "emcomm");
        kept.maxMsgsPerSecond(51234.6);
        kept.latency(new TrialResult(1000, 1000, 1000, 1000, 1000, 999.7, histogram, true, null));
        kept.extras().put("flash_p99_idle_us", 150.5);
        kept.notes().add("a note");
        final ScenarioResult failed = new ScenarioResult("1to1", "nats");
        failed.latency(new TrialResult(1000, 1000, 900, 900, 800, 800, histogram, false, "lost 100"));
        failed.error("refused");
        final Results results = new Results();
        results.add(kept);
        results.add(failed);
        results.skipped("mosquitto", "not installed");

        final Path file = dir.resolve("out/summary.json");
        Summary.write(file, Summary.toMap(Map.of("cores", 2), results, Map.of("duration_s", 1.0)));
        final String text = Files.readString(file);
        assertTrue(text.contains("\"scenario\": \"1to1\""), text);
        final JsonNode root = new ObjectMapper().readTree(text);
        assertEquals(List.of("environment", "settings", "results", "skipped"), names(root));
        final JsonNode row = root.get("results").get(0);
        assertEquals(List.of("scenario", "system", "max_msgs_per_s", "latency_us", "flash_p99_idle_us", "notes"), names(row));
        assertEquals(51235, row.get("max_msgs_per_s").asLong());
        assertTrue(row.get("max_msgs_per_s").isIntegralNumber(), "whole numbers print without a fraction");
        assertEquals(List.of("rate", "p50", "p90", "p99", "p999", "p9999", "max", "achieved_msgs_per_s", "kept_rate"),
            names(row.get("latency_us")));
        assertTrue(text.contains("\"flash_p99_idle_us\": 150.5,"), text);
        assertTrue(text.contains("\"achieved_msgs_per_s\": 1000,"), text);
        final JsonNode bad = root.get("results").get(1);
        assertEquals(List.of("scenario", "system", "max_msgs_per_s", "latency_us", "error"), names(bad));
        assertTrue(bad.get("max_msgs_per_s").isNull());
        assertEquals("lost 100", bad.get("latency_us").get("failure").asText());
        assertEquals(false, bad.get("latency_us").get("kept_rate").asBoolean());
        assertEquals("not installed", root.get("skipped").get("mosquitto").asText());
        assertTrue(text.endsWith("}\n"), "a line break at the end");
    }

    private static List<String> names(final JsonNode node)
    {
        final List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
