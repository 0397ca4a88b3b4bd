package io.emcomm.client;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs each task at once on the submitting thread, so that a {@link Dispatcher} built on it calls listeners
 * before {@code execute} returns: tests of the parts see every callback without waiting. Refuses tasks after
 * {@link #shutdown()}, as the dispatch thread does.
 */
final class DirectExecutor extends AbstractExecutorService
{
    private volatile boolean shutdown;

    @Override
    public void execute(final Runnable command)
    {
        if (shutdown)
        {
            throw new RejectedExecutionException("shut down");
        }
        command.run();
    }

    @Override
    public void shutdown()
    {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow()
    {
        shutdown = true;
        return List.of();
    }

    @Override
    public boolean isShutdown()
    {
        return shutdown;
    }

    @Override
    public boolean isTerminated()
    {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(final long timeout, final TimeUnit unit)
    {
        return shutdown;
    }
}
