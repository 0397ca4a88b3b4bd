package io.emcomm.bench.report;

import io.emcomm.bench.load.TrialResult;
import io.emcomm.bench.scenario.Results;
import io.emcomm.bench.scenario.ScenarioResult;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Latency by percentile, one line per system, in the HdrHistogram style: the x axis counts nines
 * (0%, 90%, 99%, 99.9%, ...), the y axis is microseconds on a log scale so that systems an order of
 * magnitude apart stay readable. One PNG per scenario, drawn with Java2D.
 */
public final class LatencyPlot
{
    private static final int WIDTH = 960;
    private static final int HEIGHT = 600;
    private static final int LEFT = 90;
    private static final int RIGHT = 200;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final double MAX_NINES = 5; // 99.999%
    private static final Color[] COLORS = {
        new Color(0xD62728), new Color(0x1F77B4), new Color(0x2CA02C), new Color(0xFF7F0E),
        new Color(0x9467BD), new Color(0x8C564B), new Color(0x17BECF)};

    private LatencyPlot()
    {
    }

    /** Writes one plot per scenario that has latency rows; returns the files written. */
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
        final BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        final Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);

        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (final ScenarioResult r : rows)
        {
            lo = Math.min(lo, Math.max(1, r.latency().histogram().getMinValue() / 1000.0));
            hi = Math.max(hi, r.latency().histogram().getMaxValue() / 1000.0);
        }
        final double logLo = Math.floor(Math.log10(Math.max(1, lo)));
        final double logHi = Math.max(logLo + 1, Math.ceil(Math.log10(Math.max(hi, 10))));
        final int plotW = WIDTH - LEFT - RIGHT;
        final int plotH = HEIGHT - TOP - BOTTOM;

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int nines = 0; nines <= MAX_NINES; nines++)
        {
            final int x = LEFT + (int)(plotW * nines / MAX_NINES);
            g.setColor(new Color(0xE0E0E0));
            g.drawLine(x, TOP, x, TOP + plotH);
            g.setColor(Color.DARK_GRAY);
            final String label = nines == 0 ? "0%" : percentLabel(nines);
            g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, TOP + plotH + 18);
        }
        for (int decade = (int)logLo; decade <= (int)logHi; decade++)
        {
            final int y = TOP + plotH - (int)(plotH * (decade - logLo) / (logHi - logLo));
            g.setColor(new Color(0xE0E0E0));
            g.drawLine(LEFT, y, LEFT + plotW, y);
            g.setColor(Color.DARK_GRAY);
            final String label = micros(Math.pow(10, decade));
            g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, plotW, plotH);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        final TrialResult first = rows.get(0).latency();
        g.drawString(String.format(Locale.ROOT, "%s: latency by percentile at %,.0f msgs/s offered", scenario,
            first.offeredRate()), LEFT, TOP - 18);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString("percentile (from intended send time, no coordinated omission)", LEFT + plotW / 2 - 170, HEIGHT - 20);
        g.rotate(-Math.PI / 2);
        g.drawString("latency (log scale)", -(TOP + plotH / 2 + 50), 20);
        g.rotate(Math.PI / 2);

        for (int i = 0; i < rows.size(); i++)
        {
            final ScenarioResult r = rows.get(i);
            final Color color = COLORS[i % COLORS.length];
            final Path2D line = new Path2D.Double();
            for (int step = 0; step <= 250; step++)
            {
                final double nines = MAX_NINES * step / 250.0;
                final double percentile = 100.0 * (1 - Math.pow(10, -nines));
                final double us = Math.max(Math.pow(10, logLo),
                    r.latency().histogram().getValueAtPercentile(percentile) / 1000.0);
                final double x = LEFT + plotW * nines / MAX_NINES;
                final double y = TOP + plotH - plotH * (Math.log10(us) - logLo) / (logHi - logLo);
                if (step == 0)
                {
                    line.moveTo(x, y);
                }
                else
                {
                    line.lineTo(x, y);
                }
            }
            g.setColor(color);
            g.setStroke(new BasicStroke(2.2f));
            g.draw(line);
            final int ly = TOP + 20 + i * 22;
            g.drawLine(LEFT + plotW + 15, ly - 4, LEFT + plotW + 40, ly - 4);
            g.setColor(Color.BLACK);
            final String legend = r.system() + (r.latency().passed() ? "" : " (rate not kept)");
            g.drawString(legend, LEFT + plotW + 46, ly);
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static String percentLabel(final int nines)
    {
        final StringBuilder s = new StringBuilder("99");
        if (nines == 1)
        {
            return "90%";
        }
        if (nines > 2)
        {
            s.append('.');
            s.append("9".repeat(nines - 2));
        }
        return s.append('%').toString();
    }

    private static String micros(final double us)
    {
        if (us >= 1_000_000)
        {
            return String.format(Locale.ROOT, "%.0f s", us / 1_000_000);
        }
        if (us >= 1000)
        {
            return String.format(Locale.ROOT, "%.0f ms", us / 1000);
        }
        return String.format(Locale.ROOT, "%.0f us", us);
    }
}
