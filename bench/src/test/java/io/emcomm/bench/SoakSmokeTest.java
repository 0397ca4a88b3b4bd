package io.emcomm.bench;

import io.emcomm.bench.soak.SoakMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A short soak (16 s, 200 terminals and the 28 command posts) so the soak harness cannot rot: the router must
 * pass (no leak, no loss, no growth), and every sample must carry a heap, descriptors and a latency.
 */
class SoakSmokeTest
{
    @TempDir
    Path out;

    @Test
    @Timeout(90)
    void shortSoakPassesAndSamples() throws Exception
    {
        final ByteArrayOutputStream text = new ByteArrayOutputStream();
        final PrintStream print = new PrintStream(text, true, StandardCharsets.UTF_8);
        final SoakMain.Result result = SoakMain.run(
            new String[] {"--duration", "16s", "--terminals", "200", "--interval", "2", "--out", out.toString()},
            print, System.err);
        final String report = text.toString(StandardCharsets.UTF_8);
        System.out.print(report);

        assertEquals(0, result.exitCode(), report);
        assertTrue(result.pass(), report);
        assertTrue(report.contains("VERDICT: PASS"), report);
        assertTrue(result.samples() >= 5, "samples: " + result.samples());
        assertTrue(result.minHeapAfterGc() > 0, "heap after GC sampled");
        assertTrue(result.minOpenFds() > 200, "router descriptors include the 228 connections");
        assertTrue(result.maxP99Micros() > 0, "latency sampled");
        assertTrue(result.delivered() > result.published(), "positions go to several posts each");
        assertTrue(Files.readAllLines(out.resolve("soak-samples.csv")).size() == result.samples() + 1);
        assertTrue(Files.readString(out.resolve("soak.json")).contains("\"verdict\": \"PASS\""));
    }
}
