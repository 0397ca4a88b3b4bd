package io.emcomm.router.delivery;

import io.emcomm.testing.ManualClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A {@link DeliverySink} for direct tests of delivery: records the journal index and precedence of every frame
 * written (and releases it), and keeps the feed's tasks in a list that the test runs by hand on its own thread,
 * which plays the session's event loop. Scheduled tasks become due on the {@link ManualClock}. Tasks may be
 * submitted from any thread (a publisher thread offering live).
 */
final class RecordingSink implements DeliverySink
{
    /** One frame as written: its journal index and precedence number. */
    record Written(long index, int precedence)
    {
    }

    private record Timed(long dueMicros, Runnable task)
    {
    }

    private final ManualClock clock;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<Timed> timed = new ArrayList<>();
    private final List<Written> written = new ArrayList<>();
    private volatile boolean writable = true;
    private long pendingWriteBytes;
    private int flushes;
    private int flushedUpTo;

    RecordingSink(final ManualClock clock)
    {
        this.clock = clock;
    }

    @Override
    public ByteBufAllocator alloc()
    {
        return UnpooledByteBufAllocator.DEFAULT;
    }

    @Override
    public boolean isWritable()
    {
        return writable;
    }

    @Override
    public void write(final ByteBuf frame)
    {
        try
        {
            written.add(new Written(DeliveryFrames.index(frame), DeliveryFrames.precedenceNumber(DeliveryFrames.facts(frame))));
        }
        finally
        {
            frame.release();
        }
    }

    @Override
    public void flush()
    {
        flushes++;
        flushedUpTo = written.size();
    }

    @Override
    public long pendingWriteBytes()
    {
        return pendingWriteBytes;
    }

    @Override
    public void execute(final Runnable task)
    {
        tasks.add(task);
    }

    @Override
    public synchronized void schedule(final Runnable task, final long delayMicros)
    {
        timed.add(new Timed(clock.getAsLong() + delayMicros, task));
    }

    @Override
    public boolean inLoop()
    {
        return true;
    }

    @Override
    public String describe()
    {
        return "recording sink";
    }

    /** Makes the connection writable or not (a socket the peer reads, or one it does not). */
    void writable(final boolean writable)
    {
        this.writable = writable;
    }

    /** Runs one pending task (due timed tasks first become pending); false when there was none. */
    boolean runOne()
    {
        promoteDue();
        final Runnable task = tasks.poll();
        if (task == null)
        {
            return false;
        }
        task.run();
        return true;
    }

    /**
     * Runs tasks until none is pending, at most {@code limit} of them.
     *
     * @return how many ran.
     * @throws AssertionError when the limit is reached (a feed that never settles).
     */
    int runTasks(final int limit)
    {
        int ran = 0;
        while (runOne())
        {
            if (++ran >= limit)
            {
                throw new AssertionError("still busy after " + limit + " tasks");
            }
        }
        return ran;
    }

    int runTasks()
    {
        return runTasks(1_000_000);
    }

    private synchronized void promoteDue()
    {
        final long now = clock.getAsLong();
        timed.removeIf(t ->
        {
            if (t.dueMicros() <= now)
            {
                tasks.add(t.task());
                return true;
            }
            return false;
        });
    }

    /** Timed tasks not yet due (a shaped link waiting for budget). */
    synchronized int timedPending()
    {
        return timed.size();
    }

    /** Everything written so far, in order. */
    List<Written> written()
    {
        return written;
    }

    /** The journal indexes written so far, in order. */
    List<Long> indexes()
    {
        final List<Long> out = new ArrayList<>(written.size());
        for (final Written w : written)
        {
            out.add(w.index());
        }
        return out;
    }

    /** Whether every frame written has been flushed. */
    boolean allFlushed()
    {
        return flushedUpTo == written.size();
    }

    int flushes()
    {
        return flushes;
    }
}
