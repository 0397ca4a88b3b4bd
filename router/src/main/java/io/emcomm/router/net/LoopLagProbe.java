package io.emcomm.router.net;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Measures how late one event loop runs a periodic task (its lag: the time every connection of the loop waits
 * before its next read) and reports it to the {@link IntakeGovernor}; then resumes the connections of this loop
 * that the governor lets read again. Runs while the loop has logged-in sessions, every
 * {@link IntakeGovernor#probeMicros()} after the previous run ended (fixed delay, so a stalled loop is reported
 * once per stall, not in a burst of catch-up runs).
 *
 * <p>Event loop of its loop only; one per loop and governor.
 */
final class LoopLagProbe implements Runnable
{
    private final IntakeGovernor governor;
    private final EventExecutor loop;
    /** Gates of this loop's connections paused now; small (the loop's ROUTINE publishers). */
    private final List<IntakeGate> paused = new ArrayList<>();
    private int sessions;
    private long lastRunEnd;
    private ScheduledFuture<?> future;

    LoopLagProbe(final IntakeGovernor governor, final EventExecutor loop)
    {
        this.governor = governor;
        this.loop = loop;
    }

    EventExecutor loop()
    {
        return loop;
    }

    /** A session of this loop logged in; the first starts the probe. */
    void attach()
    {
        if (sessions++ == 0)
        {
            lastRunEnd = governor.now();
            if (loop != null) // null: a unit test runs the probe itself
            {
                future = loop.scheduleWithFixedDelay(this, governor.probeMicros(), governor.probeMicros(),
                    TimeUnit.MICROSECONDS);
            }
        }
    }

    /** A session of this loop ended; the last stops the probe. */
    void detach(final IntakeGate gate)
    {
        paused.remove(gate);
        if (--sessions == 0)
        {
            if (future != null)
            {
                future.cancel(false);
                future = null;
            }
            if (loop != null)
            {
                governor.stopped(this);
            }
        }
    }

    /** {@code gate} paused its connection; this probe resumes it. */
    void paused(final IntakeGate gate)
    {
        paused.add(gate);
    }

    /** Connections paused on this loop now. */
    int pausedCount()
    {
        return paused.size();
    }

    @Override
    public void run()
    {
        final long now = governor.now();
        governor.reportLag(now - lastRunEnd - governor.probeMicros(), now);
        for (int i = paused.size() - 1; i >= 0; i--)
        {
            final IntakeGate gate = paused.get(i);
            if (governor.shouldResume(gate.pausedAtMicros(), now))
            {
                paused.remove(i);
                gate.resume();
            }
        }
        lastRunEnd = governor.now();
    }
}
