package io.emcomm.bench.report;

import io.emcomm.bench.load.TrialResult;
import io.emcomm.bench.scenario.Results;
import io.emcomm.bench.scenario.ScenarioResult;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The latency plots are PNG files named {@code <scenario>_latency.png}, drawn by XChart without a display. */
class LatencyPlotTest
{
    private static final byte[] PNG_SIGNATURE = {(byte)0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    @TempDir
    Path dir;

    @Test
    void onePngPerScenarioWithLatency() throws Exception
    {
        final Results results = new Results();
        results.add(row("1to1", "emcomm", 120, true));
        results.add(row("1to1", "nats", 80, false));
        results.add(new ScenarioResult("connections", "emcomm")); // no latency trial: no plot

        final Path plots = dir.resolve("plots");
        final List<Path> written = LatencyPlot.writeAll(results, plots);

        assertEquals(List.of(plots.resolve("1to1_latency.png")), written);
        final byte[] bytes = Files.readAllBytes(written.get(0));
        assertTrue(bytes.length > 10_000, "a drawn chart, not an empty image: " + bytes.length + " bytes");
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(bytes, PNG_SIGNATURE.length));
        final BufferedImage image = ImageIO.read(written.get(0).toFile());
        assertNotNull(image, "decodes as an image");
        assertEquals(LatencyPlot.WIDTH, image.getWidth());
        assertEquals(LatencyPlot.HEIGHT, image.getHeight());
        assertTrue(distinctColours(image) > 8, "lines, text and grid were drawn");
    }

    @Test
    void axisLabels()
    {
        assertEquals("0%", LatencyPlot.percentLabel(0));
        assertEquals("90%", LatencyPlot.percentLabel(1));
        assertEquals("99%", LatencyPlot.percentLabel(2));
        assertEquals("99.999%", LatencyPlot.percentLabel(5));
        assertEquals("", LatencyPlot.percentLabel(2.5));
    }

    private static ScenarioResult row(final String scenario, final String system, final long baseMicros,
        final boolean kept)
    {
        final Histogram histogram = new Histogram(3);
        for (int i = 1; i <= 10_000; i++)
        {
            histogram.recordValue((baseMicros + i % 500) * 1000L);
        }
        histogram.recordValue(baseMicros * 50_000L);
        final ScenarioResult r = new ScenarioResult(scenario, system);
        r.latency(new TrialResult(5000, 10_001, 10_001, 10_001, 10_001, 5000, histogram, kept, kept ? null : "lost"));
        return r;
    }

    private static long distinctColours(final BufferedImage image)
    {
        final java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3)
        {
            for (int x = 0; x < image.getWidth(); x += 3)
            {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }
}
