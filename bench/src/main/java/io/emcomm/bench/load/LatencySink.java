package io.emcomm.bench.load;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Records, for every message received, now minus the intended send time stamped in it, into an
 * HdrHistogram {@link Recorder} (wait-free for the receiving threads; read by one monitor thread).
 *
 * <p>Messages stamped before the current trial started are not counted: a warm-up or an earlier trial
 * that fell behind may still be draining, and must not pollute the next measurement.
 */
public final class LatencySink implements MessageListener
{
    /** An hour in nanoseconds: anything slower is recorded as an hour (and fails the run anyway). */
    static final long HIGHEST_NANOS = TimeUnit.HOURS.toNanos(1);

    private final Recorder recorder = new Recorder(HIGHEST_NANOS, 3);
    private final LongAdder received = new LongAdder();
    /** Stamps older than this are ignored; compared by subtraction, so it must stay near the clock's range. */
    private volatile long countFrom = System.nanoTime() - TimeUnit.HOURS.toNanos(1);

    /** When the last message of any trial arrived, counted or not (for {@link TrialRunner}'s quiet wait). */
    private volatile long lastArrivalNanos = System.nanoTime();

    @Override
    public void onMessage(final long stampNanos, final boolean flash)
    {
        final long now = System.nanoTime();
        lastArrivalNanos = now;
        if (stampNanos - countFrom < 0)
        {
            return;
        }
        final long latency = now - stampNanos;
        recorder.recordValue(Math.min(Math.max(latency, 0), HIGHEST_NANOS));
        received.increment();
    }

    /** Starts a new trial: only messages stamped at or after {@code fromNanos} count from now on. */
    void startTrial(final long fromNanos)
    {
        countFrom = fromNanos;
        received.reset();
        recorder.reset();
    }

    /** Stops counting anything (between trials). */
    void stop()
    {
        countFrom = System.nanoTime() + TimeUnit.DAYS.toNanos(365);
    }

    long lastArrivalNanos()
    {
        return lastArrivalNanos;
    }

    long received()
    {
        return received.sum();
    }

    /** Messages counted since the last trial started (or since creation, if none did). */
    public long receivedTotal()
    {
        return received.sum();
    }

    /** The histogram of values recorded since the last call; {@code recycle} may be reused. */
    Histogram interval(final Histogram recycle)
    {
        return recorder.getIntervalHistogram(recycle);
    }
}
