package io.emcomm.bench.report;

import io.emcomm.bench.load.TrialResult;
import io.emcomm.bench.scenario.Results;
import io.emcomm.bench.scenario.ScenarioResult;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Latency by percentile, one line per system, in the HdrHistogram style: the x axis counts nines
 * (0%, 90%, 99%, 99.9%, ...), the y axis is microseconds on a log scale so that systems an order of
 * magnitude apart stay readable. One PNG per scenario ({@code <scenario>_latency.png}, 960 x 600), drawn with
 * XChart without a display ({@code java.awt.headless} is set to true unless the caller chose otherwise).
 * Called once at the end of a benchmark run, from one thread.
 */
public final class LatencyPlot
{
    static final int WIDTH = 960;
    static final int HEIGHT = 600;
    private static final double MAX_NINES = 5; // 99.999%
    private static final int STEPS = 250;
    private static final Color[] COLORS = {
        new Color(0xD62728), new Color(0x1F77B4), new Color(0x2CA02C), new Color(0xFF7F0E),
        new Color(0x9467BD), new Color(0x8C564B), new Color(0x17BECF)};

    static
    {
        // a benchmark host has no display; without this AWT may look for one before drawing off-screen
        if (System.getProperty("java.awt.headless") == null)
        {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private LatencyPlot()
    {
    }

    /**
     * Writes one plot per scenario that has latency rows into {@code dir} (created when needed), replacing a
     * plot of the same name; returns the files written, in the order the scenarios first appear.
     *
     * @throws IOException if a file cannot be written
     */
    public static List<Path> writeAll(final Results results, final Path dir) throws IOException
    {
        final List<Path> written = new ArrayList<>();
        final List<String> scenarios = results.all().stream().map(ScenarioResult::scenario).distinct().toList();
        for (final String scenario : scenarios)
        {
            final List<ScenarioResult> rows = results.all().stream()
                .filter(r -> r.scenario().equals(scenario) && r.latency() != null
                    && r.latency().histogram().getTotalCount() > 0)
                .toList();
            if (!rows.isEmpty())
            {
                Files.createDirectories(dir);
                final Path file = dir.resolve(scenario + "_latency.png");
                write(scenario, rows, file);
                written.add(file);
            }
        }
        return written;
    }

    static void write(final String scenario, final List<ScenarioResult> rows, final Path file) throws IOException
    {
        final XYChart chart = chart(scenario, rows);
        try (OutputStream out = Files.newOutputStream(file))
        {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }

    /** The chart of one scenario's rows (each with a non-empty latency histogram). */
    static XYChart chart(final String scenario, final List<ScenarioResult> rows)
    {
        final TrialResult first = rows.get(0).latency();
        final XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
            .title(String.format(Locale.ROOT, "%s: latency by percentile at %,.0f msgs/s offered", scenario,
                first.offeredRate()))
            .xAxisTitle("percentile (from intended send time, no coordinated omission)")
            .yAxisTitle("latency (microseconds, log scale)")
            .build();
        style(chart);

        // the lowest value drawn is the decade at or below the fastest sample: a log axis cannot show 0
        double lo = Double.MAX_VALUE;
        for (final ScenarioResult r : rows)
        {
            lo = Math.min(lo, Math.max(1, r.latency().histogram().getMinValue() / 1000.0));
        }
        final double floor = Math.pow(10, Math.floor(Math.log10(Math.max(1, lo))));
        for (final ScenarioResult r : rows)
        {
            final double[] nines = new double[STEPS + 1];
            final double[] micros = new double[STEPS + 1];
            for (int step = 0; step <= STEPS; step++)
            {
                nines[step] = MAX_NINES * step / STEPS;
                final double percentile = 100.0 * (1 - Math.pow(10, -nines[step]));
                micros[step] = Math.max(floor, r.latency().histogram().getValueAtPercentile(percentile) / 1000.0);
            }
            final String name = r.system() + (r.latency().passed() ? "" : " (rate not kept)");
            final XYSeries series = chart.addSeries(name, nines, micros);
            series.setMarker(SeriesMarkers.NONE);
            series.setLineWidth(2.2f);
        }
        return chart;
    }

    private static void style(final XYChart chart)
    {
        final XYStyler s = chart.getStyler();
        s.setXAxisMin(0.0);
        s.setXAxisMax(MAX_NINES);
        s.setYAxisLogarithmic(true);
        // one tick per nine: 0%, 90%, 99%, ... (the plot is 960 px wide, ~120 px per nine)
        s.setXAxisTickMarkSpacingHint(100);
        s.setxAxisTickLabelsFormattingFunction(LatencyPlot::percentLabel);
        // a tick label function would switch XChart to linear ticks on the log axis; a pattern keeps decades
        s.setYAxisLogarithmicDecadeOnly(true);
        s.setYAxisDecimalPattern("#,##0' us'");
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setSeriesColors(COLORS);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderColor(Color.BLACK);
        s.setPlotGridLinesColor(new Color(0xE0E0E0));
        s.setLegendBorderColor(Color.WHITE);
        s.setChartTitleBoxVisible(false);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setAntiAlias(true);
    }

    /** {@code 0%}, {@code 90%}, {@code 99%}, {@code 99.9%}, ... for 0, 1, 2, 3 nines; empty between whole nines. */
    static String percentLabel(final double nines)
    {
        if (nines != Math.rint(nines) || nines < 0)
        {
            return "";
        }
        final int n = (int)nines;
        if (n == 0)
        {
            return "0%";
        }
        if (n == 1)
        {
            return "90%";
        }
        return n == 2 ? "99%" : "99." + "9".repeat(n - 2) + "%";
    }
}
