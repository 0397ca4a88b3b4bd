package io.emcomm.router.conn;

import io.emcomm.router.delivery.DrainBatch;
import io.emcomm.router.journal.JournalSyncer;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One event loop's side of group commit ({@code emcomm.journal.sync=batch} with a {@link JournalSyncer}): the
 * connections of this loop whose PUBLISH_ACKs wait for a sync, and the loop's held subscriber wake-ups
 * ({@link DrainBatch}). After each sync the syncer thread calls {@link #synced()}, which queues one task on this loop
 * (however many connections wait); the task writes and flushes, connection by connection in the order they started
 * waiting, exactly the acks the sync covered, then wakes exactly the feeds it covered.
 *
 * <p>One per event loop thread and syncer; state is the loop's except {@code pending} and {@code wakeQueued}, which
 * the syncer thread reads. Allocates only to grow its queue and one task-queue entry per sync.
 */
final class LoopCommits implements JournalSyncer.Listener
{
    private static final FastThreadLocal<LoopCommits[]> PER_THREAD = new FastThreadLocal<>()
    {
        @Override
        protected LoopCommits[] initialValue()
        {
            return new LoopCommits[0];
        }
    };

    private final JournalSyncer syncer;
    private final EventExecutor loop;
    private final ArrayDeque<FrameHandler> waiting = new ArrayDeque<>();
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    private final Runnable onSynced = this::release;
    /** Something on this loop waits for a sync: the syncer queues the release task only then. */
    private volatile boolean pending;

    private LoopCommits(final JournalSyncer syncer, final EventExecutor loop)
    {
        this.syncer = syncer;
        this.loop = loop;
    }

    /** The calling event loop's instance for {@code syncer}, made (and registered with it) on first use. */
    static LoopCommits forThread(final JournalSyncer syncer, final EventExecutor loop)
    {
        final LoopCommits[] all = PER_THREAD.get();
        for (final LoopCommits commits : all)
        {
            if (commits.syncer == syncer)
            {
                return commits;
            }
        }
        // a thread serves one router in production; tests may run several routers' loops in one JVM
        final LoopCommits commits = new LoopCommits(syncer, loop);
        final LoopCommits[] grown = java.util.Arrays.copyOf(all, all.length + 1);
        grown[all.length] = commits;
        PER_THREAD.set(grown);
        syncer.addListener(commits);
        return commits;
    }

    /**
     * Something of this loop waits for {@code need} to be durable; {@code handler} (null for feeds only) is told when
     * it is. Then asks the syncer for it. Event loop.
     */
    void await(final FrameHandler handler, final long need)
    {
        if (handler != null)
        {
            waiting.add(handler);
        }
        pending = true; // before the request: the sync that covers it must find this loop pending
        syncer.request(need);
    }

    /** Syncer thread: hand the release to the loop, once however many syncs complete before it runs. */
    @Override
    public void synced()
    {
        if (pending && wakeQueued.compareAndSet(false, true))
        {
            loop.execute(onSynced);
        }
    }

    /** Event loop: release what the syncs so far made durable, in the order it waited. */
    private void release()
    {
        wakeQueued.set(false);
        final long durable = syncer.durableIndex();
        final String failure = syncer.failure();
        for (int n = waiting.size(); n > 0; n--)
        {
            final FrameHandler handler = waiting.poll();
            if (handler.onSynced(durable, failure))
            {
                waiting.add(handler);
            }
        }
        // after the acks, as at a batch's end; a failed journal never makes the held messages durable: no wake
        final boolean feedsHeld = failure == null ? DrainBatch.forThread().release(durable) : DrainBatch.forThread().hasHeld();
        pending = failure == null && (feedsHeld || !waiting.isEmpty());
    }
}
