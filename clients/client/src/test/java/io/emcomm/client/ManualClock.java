package io.emcomm.client;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A {@link ClientClock} and {@link Scheduler} that move only when a test says so: {@link #advance} moves time
 * and runs, in due order on the calling thread, every task that has come due. Wall-clock micros start at a fixed
 * instant and move with it. Not thread-safe: one test thread drives it.
 */
final class ManualClock implements ClientClock, Scheduler
{
    private record Task(long dueNanos, long order, Runnable task)
    {
    }

    static final long START_EPOCH_MICROS = 1_780_000_000_000_000L; // 2026-05-28

    private final List<Task> tasks = new ArrayList<>();
    private long nanos = 1_000_000_000L;
    private long scheduled;

    @Override
    public long nanoTime()
    {
        return nanos;
    }

    @Override
    public long epochMicros()
    {
        return START_EPOCH_MICROS + nanos / 1_000;
    }

    @Override
    public void schedule(final Runnable task, final long delayNanos)
    {
        tasks.add(new Task(nanos + delayNanos, scheduled++, task));
    }

    /** Tasks scheduled and not run yet. */
    int pendingTasks()
    {
        return tasks.size();
    }

    /** The delay until the earliest task is due; fails when none is scheduled. */
    long nextDueInNanos()
    {
        return tasks.stream().mapToLong(Task::dueNanos).min().orElseThrow() - nanos;
    }

    /** Moves time forward by {@code deltaNanos}, running each task as its due time is reached. */
    void advance(final long deltaNanos)
    {
        final long target = nanos + deltaNanos;
        while (true)
        {
            final Task next = tasks.stream().filter(t -> t.dueNanos() <= target)
                .min(Comparator.comparingLong(Task::dueNanos).thenComparingLong(Task::order)).orElse(null);
            if (next == null)
            {
                break;
            }
            tasks.remove(next);
            nanos = Math.max(nanos, next.dueNanos());
            next.task().run();
        }
        nanos = target;
    }
}
