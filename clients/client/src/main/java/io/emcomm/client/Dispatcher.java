package io.emcomm.client;

import io.netty.channel.Channel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one thread that runs a client's listeners, in arrival order, so that user code never runs on (or
 * blocks) the network thread. When more than {@link #PAUSE_AT} deliveries wait, reading from the socket is
 * paused until the backlog falls to {@link #RESUME_AT}: TCP then pushes back on the router, which holds the
 * rest in its journal instead of this client holding it on the heap.
 *
 * <p>Threads: the network thread and the supervisor submit; the backlog counter is atomic, and the channel's
 * auto-read flag is Netty's to make thread-safe.
 */
final class Dispatcher
{
    static final int PAUSE_AT = 4096;
    static final int RESUME_AT = 1024;

    private final ExecutorService executor;
    private final AtomicInteger backlog = new AtomicInteger();

    Dispatcher(final String terminalId)
    {
        this(new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
            new DefaultThreadFactory("emcomm-dispatch-" + terminalId, true)));
    }

    /** On {@code executor}, which must run tasks one at a time in submission order (tests pass a direct one). */
    Dispatcher(final ExecutorService executor)
    {
        this.executor = executor;
    }

    /**
     * Gives {@code delivery} to {@code listener}; true when it returned normally. What it throws goes to the
     * thread's uncaught exception handler, and the delivery is then not acknowledged (the router sends it again
     * after the next reconnect). Dispatch thread.
     */
    static boolean deliver(final DeliveryListener listener, final Delivery delivery)
    {
        try
        {
            listener.onDelivery(delivery);
            return true;
        }
        catch (final RuntimeException | java.lang.Error ex)
        {
            final Thread t = Thread.currentThread();
            t.getUncaughtExceptionHandler().uncaughtException(t, ex);
            return false;
        }
    }

    /** Runs a control-plane task (state change, replay end) in order with deliveries. */
    void execute(final Runnable task)
    {
        execute(task, null);
    }

    /** Runs a delivery task; {@code source} is the channel it arrived on, paused when the backlog is long. */
    void execute(final Runnable task, final Channel source)
    {
        final int queued = backlog.incrementAndGet();
        if (source != null && queued >= PAUSE_AT && source.config().isAutoRead())
        {
            source.config().setAutoRead(false);
        }
        try
        {
            executor.execute(() ->
            {
                try
                {
                    task.run();
                }
                finally
                {
                    final int left = backlog.decrementAndGet();
                    if (source != null && left <= RESUME_AT && !source.config().isAutoRead())
                    {
                        source.config().setAutoRead(true);
                    }
                }
            });
        }
        catch (final RejectedExecutionException ex)
        {
            backlog.decrementAndGet(); // shut down: the client is closed and drops the task
        }
    }

    /** Number of tasks waiting or running; the client flushes batched acks when it reaches zero. */
    int backlog()
    {
        return backlog.get();
    }

    /** Lets queued tasks finish and stops the thread. */
    void shutdown()
    {
        executor.shutdown();
    }
}
