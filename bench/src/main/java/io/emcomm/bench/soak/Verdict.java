package io.emcomm.bench.soak;

import java.util.ArrayList;
import java.util.List;

/**
 * Pass or fail of a soak run, and why. The rules (documented in the usage text and bench/RESULTS.md):
 * <ul>
 *   <li><b>heap</b>: over the samples after the first 20% of the run (warm-up: JIT, caches, the journal's
 *       first file), the least-squares slope of heap-after-GC exceeds {@value #HEAP_SLOPE_MIB_PER_MIN} MiB/min
 *       <i>and</i> the last sample exceeds the first of that window by more than {@value #HEAP_GROWTH_MIB} MiB
 *       (both: a slope alone is noisy over a short run, growth alone may be a step that then stays flat);</li>
 *   <li><b>LEAK</b>: any {@code LEAK:} line in the router log (Netty's detector, level advanced);</li>
 *   <li><b>file descriptors</b>: over the same window the count rises by more than
 *       max({@value #FD_GROWTH}, 5%) with a positive slope (the set of connections is fixed, so descriptors
 *       must stay flat apart from the journal's roll files);</li>
 *   <li><b>loss</b>: an acknowledged publish whose recipients (connected command posts) did not all receive it
 *       within the drain, a publish never acknowledged, or a connection the router closed.</li>
 * </ul>
 */
record Verdict(boolean pass, List<String> reasons, double heapSlopeMiBPerMin, double heapGrowthMiB,
    double fdSlopePerMin, long fdGrowth)
{
    static final double HEAP_SLOPE_MIB_PER_MIN = 1.0;
    static final long HEAP_GROWTH_MIB = 16;
    static final long FD_GROWTH = 64;
    static final double WARMUP_FRACTION = 0.2;
    private static final double MIB = 1024.0 * 1024.0;

    static Verdict judge(final List<Sample> samples, final double durationSeconds, final long leakLines,
        final long lost, final long unacked, final long errors)
    {
        final List<String> reasons = new ArrayList<>();
        final List<Sample> window = samples.stream()
            .filter(s -> s.elapsedSeconds() >= WARMUP_FRACTION * durationSeconds && s.heapAfterGcBytes() > 0).toList();
        double heapSlope = 0;
        double heapGrowth = 0;
        double fdSlope = 0;
        long fdGrowth = 0;
        if (window.size() < 3)
        {
            reasons.add("too few samples after warm-up (" + window.size() + ") to judge heap and descriptors");
        }
        else
        {
            heapSlope = slopePerMinute(window, s -> s.heapAfterGcBytes() / MIB);
            heapGrowth = (window.get(window.size() - 1).heapAfterGcBytes() - window.get(0).heapAfterGcBytes()) / MIB;
            if (heapSlope > HEAP_SLOPE_MIB_PER_MIN && heapGrowth > HEAP_GROWTH_MIB)
            {
                reasons.add(String.format(java.util.Locale.ROOT,
                    "heap after GC trends upward: %.2f MiB/min, +%.1f MiB over the window", heapSlope, heapGrowth));
            }
            fdSlope = slopePerMinute(window, s -> (double)s.openFds());
            final long firstFds = window.get(0).openFds();
            fdGrowth = window.get(window.size() - 1).openFds() - firstFds;
            if (fdSlope > 0 && fdGrowth > Math.max(FD_GROWTH, firstFds / 20))
            {
                reasons.add(String.format(java.util.Locale.ROOT,
                    "file descriptors grow: +%d over the window (%.1f/min)", fdGrowth, fdSlope));
            }
        }
        if (leakLines > 0)
        {
            reasons.add(leakLines + " LEAK: line(s) in the router log");
        }
        if (lost > 0)
        {
            reasons.add(lost + " acknowledged publish(es) did not reach every connected command post");
        }
        if (unacked > 0)
        {
            reasons.add(unacked + " publish(es) never acknowledged");
        }
        if (errors > 0)
        {
            reasons.add(errors + " connection error(s) (router error frames or closed connections)");
        }
        return new Verdict(reasons.isEmpty(), reasons, heapSlope, heapGrowth, fdSlope, fdGrowth);
    }

    /** Least-squares slope of {@code y} against elapsed time, per minute. */
    static double slopePerMinute(final List<Sample> samples, final java.util.function.ToDoubleFunction<Sample> y)
    {
        final int n = samples.size();
        double sx = 0;
        double sy = 0;
        for (final Sample s : samples)
        {
            sx += s.elapsedSeconds() / 60.0;
            sy += y.applyAsDouble(s);
        }
        final double mx = sx / n;
        final double my = sy / n;
        double sxy = 0;
        double sxx = 0;
        for (final Sample s : samples)
        {
            final double dx = s.elapsedSeconds() / 60.0 - mx;
            sxy += dx * (y.applyAsDouble(s) - my);
            sxx += dx * dx;
        }
        return sxx == 0 ? 0 : sxy / sxx;
    }
}
