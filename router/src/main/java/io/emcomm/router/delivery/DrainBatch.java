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
 *
 * <p>Group commit ({@code emcomm.journal.sync=batch}): a batch whose messages are not yet durable is ended with
 * {@link #closeHeld(long)} instead; its feeds are woken by {@link #release(long)} once the journal's syncer has made
 * that index durable, on this thread, in batch order. An outbox stays marked as scheduled while held, so later
 * offers to it do not wake it early.
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

    /** Held batches first (oldest first), then the open batch from {@code heldEnd}. */
    private Outbox[] outboxes = new Outbox[16];
    private int count;
    private boolean open;
    /** Held batches: the index each needs durable, and where each ends in {@code outboxes}. */
    private long[] holdNeeds = new long[8];
    private int[] holdEnds = new int[8];
    private int holds;

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

    /**
     * Wakes every feed offered to since {@link #open()}, each once. Held batches stay held: they wait for their
     * sync even when a timer closes whatever a batch left open.
     */
    public void close()
    {
        open = false;
        final int heldEnd = holds == 0 ? 0 : holdEnds[holds - 1];
        wake(heldEnd, count);
        count = heldEnd;
    }

    /**
     * Ends the batch without waking its feeds: they wait for {@link #release} with a durable index of at least
     * {@code need} (group commit). No allocation once the arrays have grown.
     *
     * @return whether any feed is held (by this batch or an earlier one)
     */
    public boolean closeHeld(final long need)
    {
        open = false;
        final int heldEnd = holds == 0 ? 0 : holdEnds[holds - 1];
        if (count > heldEnd)
        {
            if (holds == holdNeeds.length)
            {
                holdNeeds = java.util.Arrays.copyOf(holdNeeds, holds * 2);
                holdEnds = java.util.Arrays.copyOf(holdEnds, holds * 2);
            }
            holdNeeds[holds] = need;
            holdEnds[holds] = count;
            holds++;
        }
        return holds > 0;
    }

    /**
     * Wakes the feeds of the held batches whose index is durable ({@code need <= durable}), oldest first.
     *
     * @return whether feeds are still held
     */
    public boolean release(final long durable)
    {
        int released = 0;
        while (released < holds && holdNeeds[released] <= durable)
        {
            released++;
        }
        if (released == 0)
        {
            return holds > 0;
        }
        final int end = holdEnds[released - 1];
        wake(0, end);
        System.arraycopy(outboxes, end, outboxes, 0, count - end);
        java.util.Arrays.fill(outboxes, count - end, count, null);
        count -= end;
        for (int i = released; i < holds; i++)
        {
            holdNeeds[i - released] = holdNeeds[i];
            holdEnds[i - released] = holdEnds[i] - end;
        }
        holds -= released;
        return holds > 0;
    }

    /** Whether feeds wait for a sync ({@link #closeHeld}). */
    public boolean hasHeld()
    {
        return holds > 0;
    }

    private void wake(final int from, final int to)
    {
        for (int i = from; i < to; i++)
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
