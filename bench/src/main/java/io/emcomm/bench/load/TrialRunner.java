package io.emcomm.bench.load;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Runs trials: a discarded warm-up at the offered rate, then the measured run, then a bounded drain.
 * While it runs a monitor thread takes an interval histogram every second, writes it to the trial's
 * {@code .hlog} file and prints a progress line.
 *
 * <p>A trial passes when the sender sent at least 99% of its schedule, every message arrived, messages
 * arrived at no less than 95% of the offered rate (measured to the last receipt, so a backlog still
 * draining at the end counts against the system), and the p99 latency stayed within the objective.
 */
public final class TrialRunner
{
    static final double MIN_SENT_FRACTION = 0.99;
    static final double MIN_ACHIEVED_FRACTION = 0.95;

    private final Duration duration;
    private final Duration warmup;
    private final Duration drainTimeout;
    private final Path hlogDir;
    private final PrintStream progress;
    private final Duration sloP99;

    /**
     * @param duration     measured part of each trial.
     * @param warmup       discarded part before it, at the same rate; zero for none.
     * @param drainTimeout how long after the schedule ends to wait for the last receipts.
     * @param hlogDir      where each trial's interval log ({@code <label>_<rate>.hlog}, values in ns) goes, or null
     *                     for none.
     * @param progress     progress and result lines, or null for none.
     * @param sloP99       a trial whose p99 latency exceeds this fails; zero disables the check.
     */
    public TrialRunner(final Duration duration, final Duration warmup, final Duration drainTimeout, final Path hlogDir,
        final PrintStream progress, final Duration sloP99)
    {
        this.sloP99 = sloP99;
        this.duration = duration;
        this.warmup = warmup;
        this.drainTimeout = drainTimeout;
        this.hlogDir = hlogDir;
        this.progress = progress;
    }

    public Duration duration()
    {
        return duration;
    }

    /**
     * One trial of a single message source.
     *
     * @param label               names the trial in the progress line and the .hlog file, e.g. "1to1_emcomm".
     * @param deliveriesPerMessage how many receipts each sent message produces (16 for a 16-way fan-out).
     */
    public TrialResult run(final String label, final MessageSource source, final LatencySink sink,
        final int deliveriesPerMessage, final double rate) throws IOException
    {
        return run(label, source, sink, deliveriesPerMessage, rate, null);
    }

    /**
     * As {@link #run(String, MessageSource, LatencySink, int, double)}, with a background load running from
     * warm-up to the end of the measured run (flash under load): {@code background} is started with the
     * trial's start and end instants and must return when the end has passed.
     */
    public TrialResult run(final String label, final MessageSource source, final LatencySink sink,
        final int deliveriesPerMessage, final double rate, final BackgroundLoad background) throws IOException
    {
        awaitQuiet(label, sink);
        final long warmupStart = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
        final long start = warmupStart + warmup.toNanos();
        final long end = start + duration.toNanos();
        Thread loadThread = null;
        if (background != null)
        {
            loadThread = new Thread(() -> background.run(warmupStart, end), label + "-background");
            loadThread.setDaemon(true);
            loadThread.start();
        }
        if (!warmup.isZero())
        {
            sink.stop();
            OpenLoop.run(source, rate, warmupStart, start);
        }
        sink.startTrial(start);
        final Monitor monitor = new Monitor(label, rate, sink, start, end, deliveriesPerMessage);
        monitor.start();
        final long sent;
        final long completed;
        try
        {
            sent = OpenLoop.run(source, rate, start, end);
            completed = awaitDeliveries(sink::received, sent * deliveriesPerMessage);
        }
        finally
        {
            monitor.finish();
            if (loadThread != null)
            {
                joinQuietly(loadThread);
            }
        }
        sink.stop();
        final long scheduled = (long)Math.ceil(duration.toNanos() * rate / 1e9);
        final long delivered = monitor.total.getTotalCount();
        final long expected = sent * deliveriesPerMessage;
        final double seconds = Math.max(1, completed - start) / 1e9;
        final double achieved = delivered / seconds;
        final String failure;
        if (sent < scheduled * MIN_SENT_FRACTION)
        {
            failure = String.format(Locale.ROOT, "sender fell behind: sent %,d of %,d scheduled", sent, scheduled);
        }
        else if (delivered < expected)
        {
            failure = String.format(Locale.ROOT, "lost or late: %,d of %,d delivered within the %ds drain", delivered,
                expected, drainTimeout.toSeconds());
        }
        else if (achieved < rate * deliveriesPerMessage * MIN_ACHIEVED_FRACTION)
        {
            failure = String.format(Locale.ROOT, "achieved %,.0f/s of %,.0f/s offered", achieved,
                rate * deliveriesPerMessage);
        }
        else if (!sloP99.isZero() && monitor.total.getValueAtPercentile(99) > sloP99.toNanos())
        {
            failure = String.format(Locale.ROOT, "p99 %,.1f ms over the %d ms objective (a queue was building)",
                monitor.total.getValueAtPercentile(99) / 1e6, sloP99.toMillis());
        }
        else
        {
            failure = null;
        }
        final TrialResult result = new TrialResult(rate, scheduled, sent, expected, delivered, achieved, monitor.total,
            failure == null, failure);
        if (progress != null)
        {
            progress.printf(Locale.ROOT, "%-28s %,10.0f/s offered: %s, achieved %,.0f/s, p50 %,.1f us, p99 %,.1f us, max %,.1f us%s%n",
                label, rate * deliveriesPerMessage, failure == null ? "KEPT" : "NOT KEPT (" + failure + ")", achieved,
                result.percentileMicros(50), result.percentileMicros(99), result.maxMicros(),
                String.format(Locale.ROOT, ", %.1fs incl. drain", (System.nanoTime() - warmupStart) / 1e9));
        }
        return result;
    }

    /**
     * Starts a trial only once nothing has arrived for {@link #QUIET_NANOS} (at most {@link #QUIET_TIMEOUT_NANOS}):
     * a durable system still delivering the backlog of a failed trial would otherwise make the next trial's messages
     * queue behind it, and a store-nothing system that dropped its backlog would not pay that. Each trial starts
     * from an idle system.
     */
    private void awaitQuiet(final String label, final LatencySink sink)
    {
        final long begin = System.nanoTime();
        while (System.nanoTime() - sink.lastArrivalNanos() < QUIET_NANOS)
        {
            if (System.nanoTime() - begin > QUIET_TIMEOUT_NANOS)
            {
                if (progress != null)
                {
                    progress.println(String.format(Locale.ROOT, "%-32s still receiving an earlier trial's messages after %ds; starting anyway",
                        label, TimeUnit.NANOSECONDS.toSeconds(QUIET_TIMEOUT_NANOS)));
                }
                return;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long QUIET_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** Waits until {@code target} receipts arrived or the drain timed out; returns the instant of the last. */
    private long awaitDeliveries(final LongSupplier received, final long target)
    {
        final long deadline = System.nanoTime() + drainTimeout.toNanos();
        long last = received.getAsLong();
        long lastChange = System.nanoTime();
        while (true)
        {
            final long now = System.nanoTime();
            final long count = received.getAsLong();
            if (count != last)
            {
                last = count;
                lastChange = now;
            }
            if (count >= target || now - deadline >= 0)
            {
                return count >= target ? now : lastChange;
            }
            LockSupport.parkNanos(200_000);
        }
    }

    private static void joinQuietly(final Thread thread)
    {
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** A load that runs beside a trial on its own thread. */
    @FunctionalInterface
    public interface BackgroundLoad
    {
        void run(long startNanos, long endNanos);
    }

    /** An open-loop background load of {@code source} at {@code rate} per second. */
    public static BackgroundLoad openLoop(final MessageSource source, final double rate)
    {
        return (startNanos, endNanos) -> OpenLoop.run(source, rate, startNanos, endNanos);
    }

    /** Takes an interval histogram every second: to the .hlog file, into the total, and onto the progress line. */
    private final class Monitor extends Thread
    {
        private final String label;
        private final double rate;
        private final LatencySink sink;
        private final long start;
        private final long end;
        private final int deliveriesPerMessage;
        private final Histogram total = new Histogram(LatencySink.HIGHEST_NANOS, 3);
        private final HistogramLogWriter log;
        private final boolean console = System.console() != null;
        private Histogram interval;
        private volatile boolean done;

        Monitor(final String label, final double rate, final LatencySink sink, final long start, final long end,
            final int deliveriesPerMessage) throws IOException
        {
            super(label + "-monitor");
            setDaemon(true);
            this.label = label;
            this.rate = rate;
            this.sink = sink;
            this.start = start;
            this.end = end;
            this.deliveriesPerMessage = deliveriesPerMessage;
            if (hlogDir != null)
            {
                Files.createDirectories(hlogDir);
                final Path file = hlogDir.resolve(String.format(Locale.ROOT, "%s_%d.hlog", label, Math.round(rate)));
                log = new HistogramLogWriter(file.toFile());
                log.outputLogFormatVersion();
                log.outputComment("EmComm bench: " + label + " at " + Math.round(rate) + " msgs/s offered; values in ns");
                log.outputStartTime(System.currentTimeMillis());
                log.setBaseTime(System.currentTimeMillis());
                log.outputLegend();
            }
            else
            {
                log = null;
            }
        }

        @Override
        public void run()
        {
            long next = start + TimeUnit.SECONDS.toNanos(1);
            while (!done)
            {
                LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
                if (done)
                {
                    break;
                }
                next += TimeUnit.SECONDS.toNanos(1);
                sample(true);
            }
        }

        private synchronized void sample(final boolean print)
        {
            final long now = System.currentTimeMillis();
            interval = sink.interval(interval);
            interval.setStartTimeStamp(now - 1000);
            interval.setEndTimeStamp(now);
            total.add(interval);
            if (log != null)
            {
                log.outputIntervalHistogram(interval);
            }
            if (print && progress != null)
            {
                final long elapsed = Math.max(0, System.nanoTime() - start);
                final String line = String.format(Locale.ROOT,
                    "%-28s %,10.0f/s  t=%4.1f/%.0fs  recv %,11d  interval p99 %,9.1f us  max %,10.1f us",
                    label, rate * deliveriesPerMessage, Math.min(elapsed, end - start) / 1e9, (end - start) / 1e9,
                    total.getTotalCount(), interval.getValueAtPercentile(99) / 1000.0, interval.getMaxValue() / 1000.0);
                progress.print(console ? "\r" + line : line + System.lineSeparator());
                progress.flush();
            }
        }

        void finish()
        {
            done = true;
            interrupt();
            try
            {
                join(TimeUnit.SECONDS.toMillis(5));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            sample(false);
            if (console && progress != null)
            {
                progress.println();
            }
            if (log != null)
            {
                log.close();
            }
        }
    }
}
