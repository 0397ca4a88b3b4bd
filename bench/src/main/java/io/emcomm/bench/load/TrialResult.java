package io.emcomm.bench.load;

import org.HdrHistogram.Histogram;

/**
 * One measured run at a fixed offered rate.
 *
 * @param offeredRate          messages per second the schedule asked for.
 * @param scheduled            messages the schedule held for the run's duration.
 * @param sent                 messages the sender got out before the run ended.
 * @param expectedDeliveries   sent times deliveries per message.
 * @param delivered            deliveries (or acknowledgements) received.
 * @param achievedRate         delivered messages per second, from the first intended send to the last receipt.
 * @param histogram            latency in nanoseconds from intended send to receipt.
 * @param passed               the system kept the offered rate (see {@link #failure}).
 * @param failure              why not, or null.
 */
public record TrialResult(
    double offeredRate,
    long scheduled,
    long sent,
    long expectedDeliveries,
    long delivered,
    double achievedRate,
    Histogram histogram,
    boolean passed,
    String failure)
{
    /** Percentile in microseconds. */
    public double percentileMicros(final double percentile)
    {
        return histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    public double maxMicros()
    {
        return histogram.getMaxValue() / 1000.0;
    }
}
