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
 *
 * <p>Why a per-thread instance rather than one passed along: the batch is opened and closed by the network
 * layer's read handler on the publishing loop, and filled by feeds reached through the sequencer and the routing
 * table, three layers further down; passing it explicitly would add a parameter to the sequencer's publish path
 * and every router that calls it, for state that lives exactly as long as one read batch on one thread. A
 * batch holds nothing between {@link #close()} and the next {@link #open()}.
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

    private Outbox[] outboxes = new Outbox[16];
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
            final Outbox outbox = outboxes[i];
            outboxes[i] = null;
            outbox.wake();
        }
    }

    /**
     * Called by a feed that needs its event loop to drain it.
     *
     * @return true when the wake-up was deferred to the end of this thread's read batch.
     */
    boolean defer(final Outbox outbox)
    {
        if (!open)
        {
            return false;
        }
        if (count == outboxes.length)
        {
            outboxes = java.util.Arrays.copyOf(outboxes, count * 2);
        }
        outboxes[count++] = outbox;
        return true;
    }
}
