package io.emcomm.bench.soak;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters and latency shared by every soak connection. Delivery latency is receipt time minus the
 * envelope's created_at_micros, both read from {@link #nowMicros()} in this JVM, so no clock skew enters.
 */
final class Ledger
{
    private static final long EPOCH_MICROS_AT_START = System.currentTimeMillis() * 1000L;
    private static final long NANOS_AT_START = System.nanoTime();

    final LongAdder published = new LongAdder();
    final LongAdder acked = new LongAdder();
    final LongAdder nacked = new LongAdder();
    final LongAdder delivered = new LongAdder();
    /** Deliveries of a tracked message beyond the recipients expected (a duplicate or a misroute). */
    final LongAdder unexpected = new LongAdder();
    final LongAdder errors = new LongAdder();
    /** Latency in microseconds, interval by interval (many writers, one reader). */
    final Recorder latency = new Recorder(3_600_000_000L, 3);

    /** Microseconds since the epoch, monotonic within this run. */
    static long nowMicros()
    {
        return EPOCH_MICROS_AT_START + (System.nanoTime() - NANOS_AT_START) / 1000L;
    }

    void onDelivery(final long createdMicros)
    {
        delivered.increment();
        final long micros = nowMicros() - createdMicros;
        latency.recordValue(Math.max(1, Math.min(micros, 3_600_000_000L)));
    }

    Histogram interval(final Histogram recycle)
    {
        return latency.getIntervalHistogram(recycle);
    }
}
