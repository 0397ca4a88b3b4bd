package io.emcomm.router.journal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Group commit for {@code emcomm.journal.sync=batch}: one thread makes the journal durable on behalf of every
 * appending thread, so that no event loop blocks in the sync. An event loop ends a read batch by {@link #request
 * requesting} durability through the last index it appended and keeps reading; the syncer forces the journal's files
 * through the highest index requested so far, publishes it as {@link #durableIndex()} and tells its
 * {@link Listener}s, who then release what waited on it (PUBLISH_ACKs, subscriber wake-ups). Batches requested
 * while a force runs share the next one, as commits share a WAL flush in Postgres' group commit: the cost of one
 * {@code fsync} is spread over everything that queued behind it, and no timer or batch size is tuned (the next force
 * starts as soon as the last one ends and something waits).
 *
 * <p>Why an index is enough: appends are complete (in the mapped file) before their thread requests, and the force
 * starts after the request is seen, so it covers them whatever thread made them; indexes only grow, across roll
 * cycles too. A failed force latches: Linux may mark the failed pages clean ("fsyncgate"), so a later success would
 * not prove them written; the journal then refuses appends (JOURNAL_UNAVAILABLE) and nothing more is released.
 *
 * <p>Threads: {@link #request}, {@link #durableIndex()} and {@link #awaitDurable} from any thread, no allocation on
 * the request path; listeners are called on the syncer thread and must only hand off (no blocking).
 */
public final class JournalSyncer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(JournalSyncer.class);

    /** Makes everything appended through {@code throughIndex} durable; syncer thread only. */
    @FunctionalInterface
    public interface Force
    {
        /**
         * @param afterIndex   the index made durable by the previous force (-1 for none): nothing at or before it
         *                     needs forcing again
         * @param throughIndex the highest index that must be durable when this returns
         * @throws IOException when the data may not be on disk
         */
        void force(long afterIndex, long throughIndex) throws IOException;
    }

    /** Told on the syncer thread after each force (or its failure); must hand off and return at once. */
    public interface Listener
    {
        /** {@link #durableIndex()} has moved on, or the syncer {@link #failure() failed}. */
        void synced();
    }

    private final Force force;
    private final AtomicLong requested = new AtomicLong(-1);
    private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger blockedWaiters = new AtomicInteger();
    private final Object blockedLock = new Object();
    private final Thread thread;
    private volatile long durable = -1;
    private volatile String failure;
    private volatile boolean closed;
    private volatile long forces;
    /** Test hook: while set, forces wait (see {@link #hold()}). */
    private volatile boolean held;

    /**
     * Starts the syncer thread (a daemon named {@code threadName}).
     *
     * @param force what one sync does (ChronicleJournal: fdatasync of the roll-cycle files the range lies in)
     */
    public JournalSyncer(final String threadName, final Force force)
    {
        this.force = force;
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Adds a listener told after every force; any thread. */
    public void addListener(final Listener listener)
    {
        listeners.add(listener);
    }

    /** The highest index known durable, -1 before the first sync. Any thread. */
    public long durableIndex()
    {
        return durable;
    }

    /** Why syncing stopped (the force failed), or null while it works. */
    public String failure()
    {
        return failure;
    }

    /** The highest index requested so far, -1 for none; for tests. */
    public long requestedIndex()
    {
        return requested.get();
    }

    /** Forces done since start; for tests and metrics. */
    public long forces()
    {
        return forces;
    }

    /**
     * Asks for everything through {@code index} to be made durable; returns at once. Any thread, after the appends
     * it covers have returned. No allocation.
     */
    public void request(final long index)
    {
        if (index <= durable)
        {
            return;
        }
        long current;
        do
        {
            current = requested.get();
            if (current >= index)
            {
                break;
            }
        }
        while (!requested.compareAndSet(current, index));
        LockSupport.unpark(thread);
    }

    /**
     * Blocks until everything through {@code index} is durable: the old inline sync, kept for the rare paths that
     * must send acks at once (mid-batch, peer links).
     *
     * @throws IllegalStateException when the syncer failed or closed before that
     */
    public void awaitDurable(final long index)
    {
        if (index <= durable)
        {
            return;
        }
        request(index);
        blockedWaiters.incrementAndGet();
        try
        {
            synchronized (blockedLock)
            {
                while (durable < index && failure == null && !closed)
                {
                    try
                    {
                        blockedLock.wait(100);
                    }
                    catch (final InterruptedException ex)
                    {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted waiting for the journal sync", ex);
                    }
                }
            }
        }
        finally
        {
            blockedWaiters.decrementAndGet();
        }
        if (durable < index)
        {
            throw new IllegalStateException(failure != null ? failure : "the journal closed before the sync");
        }
    }

    /**
     * Test hook: forces wait until {@link #release()}, so a test can show that nothing waiting on a sync leaves
     * before it. Requests still queue up meanwhile.
     */
    public void hold()
    {
        held = true;
    }

    /** Ends {@link #hold()}. */
    public void release()
    {
        held = false;
        LockSupport.unpark(thread);
    }

    private void run()
    {
        while (!closed)
        {
            final long target = requested.get();
            if (target <= durable || held)
            {
                LockSupport.park(this);
                continue;
            }
            try
            {
                force.force(durable, target);
            }
            catch (final IOException | RuntimeException ex)
            {
                if (closed)
                {
                    return;
                }
                failure = "journal sync failed: " + ex;
                LOG.error("journal sync failed; the journal refuses appends from now on and nothing more is acknowledged", ex);
                tell();
                return;
            }
            durable = target;
            forces++;
            tell();
        }
    }

    private void tell()
    {
        for (final Listener listener : listeners)
        {
            try
            {
                listener.synced();
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("journal sync listener failed", ex);
            }
        }
        if (blockedWaiters.get() > 0)
        {
            synchronized (blockedLock)
            {
                blockedLock.notifyAll();
            }
        }
    }

    /** Stops the thread after the force in progress; blocked callers of {@link #awaitDurable} are failed. */
    @Override
    public void close()
    {
        closed = true;
        LockSupport.unpark(thread);
        try
        {
            thread.join(5_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        synchronized (blockedLock)
        {
            blockedLock.notifyAll();
        }
    }
}
