package io.emcomm.router.delivery;

import io.netty.util.concurrent.FastThreadLocal;

/**
 * The feeds that a publishing event loop handed messages to during one read batch, so that each of them
 * is woken (and flushes to its socket) once per batch instead of once per message: the same reason the
 * publisher's own acknowledgements are flushed at the end of the batch.
 *
 * <p>Without it, the subscriber's event loop, running on the other core, wakes for the first message of a
 * batch, writes it and flushes (one {@code writev} per message), then wakes again for the next: on a
 * 2-core machine the flushes alone were a fifth of the router's CPU. Deferring costs a FLASH message at
 * most the rest of one read batch (microseconds), and lets the subscriber's loop write the whole batch
 * with one system call.
 *
 * <p>One instance per thread. Outside a batch (timers, another thread publishing a receipt) a feed is
 * woken at once.
 */
public final class DrainBatch
{
    private static final FastThreadLocal<DrainBatch> PER_THREAD = new FastThreadLocal<>()
    {
        @Override
        protected DrainBatch initialValue()
        {
            return new DrainBatch();
        }
    };

    private DeliveryFeed[] feeds = new DeliveryFeed[16];
    private int count;
    private boolean open;

    private DrainBatch()
    {
    }

    /** This thread's batch. */
    public static DrainBatch forThread()
    {
        return PER_THREAD.get();
    }

    /** A read batch starts on this thread: feeds offered to from now on are woken by {@link #close()}. */
    public void open()
    {
        open = true;
    }

    /** Wakes every feed offered to since {@link #open()}, each once. */
    public void close()
    {
        open = false;
        final int n = count;
        count = 0;
        for (int i = 0; i < n; i++)
        {
            final DeliveryFeed feed = feeds[i];
            feeds[i] = null;
            feed.wake();
        }
    }

    /**
     * Called by a feed that needs its event loop to drain it.
     *
     * @return true when the wake-up was deferred to the end of this thread's read batch.
     */
    boolean defer(final DeliveryFeed feed)
    {
        if (!open)
        {
            return false;
        }
        if (count == feeds.length)
        {
            feeds = java.util.Arrays.copyOf(feeds, count * 2);
        }
        feeds[count++] = feed;
        return true;
    }
}
