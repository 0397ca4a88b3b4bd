package io.emcomm.router.journal;

import net.openhft.chronicle.bytes.MappedBytes;
import net.openhft.chronicle.core.io.ClosedIllegalStateException;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps the pages just ahead of a Chronicle queue's write position faulted in, on a thread of its own, so that
 * the event loop appending to the queue does not take the page fault (on ext4: block reservation and a journal
 * handle inside the fault, the millisecond hiccups of bench/RESULTS.md) nor the {@code mmap} and file extension
 * of a fresh chunk. Chronicle's own pretoucher is an Enterprise feature ({@code PretouchUtil}); this one uses
 * only the open-source API: the store of the queue's last cycle, its write position (the last excerpt header
 * written) and a {@link MappedBytes} over the same mapped file as the appender's, so a chunk this thread maps
 * is the chunk the appender then finds mapped.
 *
 * <p>A page is touched with an 8-byte compare-and-swap of 0 for 0 at its start: a write access (the kernel
 * allocates and maps the page writable) that never changes a byte. It is atomic, so it cannot lose a
 * concurrent write by the appender (either it sees the appender's bytes and fails, or it runs before them),
 * and a page that already holds data is left as it is. Only pages from the write position to
 * {@code aheadBytes} past it are touched: the region Chronicle itself fills next, in the file it owns (a new
 * chunk is acquired through Chronicle's own {@code MappedFile}, exactly as its appender would acquire it).
 *
 * <p>Cycle rolls: each pass follows {@link ChronicleQueue#lastCycle()}; when the appender has opened a new
 * cycle file the old store is released and the new one touched from its write position. The first pages of a
 * new cycle file are still faulted by the appender that creates it (once per roll; the file is not created
 * ahead of its cycle, since Chronicle's readers would see an empty cycle before its time).
 *
 * <p>Threads: one daemon thread per instance, started by {@link #start()}, stopped and joined by
 * {@link #close()}. If the queue is closed under it, the next pass fails with Chronicle's closed-state
 * exception and the thread releases what it held and ends; nothing is thrown to anyone.
 */
public final class ChroniclePretoucher implements AutoCloseable
{
    /** How far ahead of the write position pages are kept touched: a fraction of a second of appends at 100k/s. */
    public static final long DEFAULT_AHEAD_BYTES = 8L << 20;
    /**
     * Pause between passes. At 40 MB/s of appends (100k msgs/s of 400 bytes) a pause consumes 2 MB of the 8 MiB
     * window. Each wake-up costs a futex round trip (at 10 ms, two pretouchers took ~0.8% of a core on the 2-core
     * bench machine, mostly in park/unpark), so the pause is as long as the window allows.
     */
    public static final long DEFAULT_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private static final Logger LOG = LoggerFactory.getLogger(ChroniclePretoucher.class);
    private static final long PAGE = 4096;

    private final SingleChronicleQueue queue;
    private final long aheadBytes;
    private final long periodNanos;
    private final Thread thread;
    private volatile boolean closed;

    // pretoucher thread only (published through volatiles for tests and the log)
    private SingleChronicleQueueStore store;
    private MappedBytes bytes;
    private volatile int cycle = Integer.MIN_VALUE;
    private volatile long touchedTo;
    private volatile long passes;
    private long pagesTouched;

    /**
     * @param name       the thread's name (one per queue, e.g. {@code emcomm-journal-pretouch}).
     * @param queue      a single Chronicle queue opened for writing (not read-only); not closed by this object.
     * @param aheadBytes how many bytes past the write position to keep touched, at least one page.
     * @param periodNanos the pause between passes.
     */
    public ChroniclePretoucher(final String name, final ChronicleQueue queue, final long aheadBytes, final long periodNanos)
    {
        if (!(queue instanceof SingleChronicleQueue single))
        {
            throw new IllegalArgumentException("a single Chronicle queue is needed: " + queue);
        }
        if (aheadBytes < PAGE || periodNanos <= 0)
        {
            throw new IllegalArgumentException("aheadBytes " + aheadBytes + " / periodNanos " + periodNanos);
        }
        this.queue = single;
        this.aheadBytes = aheadBytes;
        this.periodNanos = periodNanos;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    /** Starts the thread; once. */
    public ChroniclePretoucher start()
    {
        thread.start();
        return this;
    }

    /** The cycle whose file is being touched, or {@link Integer#MIN_VALUE} before the queue has one. Any thread. */
    public int cycle()
    {
        return cycle;
    }

    /** The file offset below which pages of {@link #cycle()}'s file have been touched. Any thread. */
    public long touchedTo()
    {
        return touchedTo;
    }

    /** Passes completed so far (tests await progress with it). Any thread. */
    public long passes()
    {
        return passes;
    }

    /** Whether the thread is running (false once closed, or once the queue was closed under it). Any thread. */
    public boolean isAlive()
    {
        return thread.isAlive();
    }

    private void run()
    {
        try
        {
            while (!closed)
            {
                if (queue.isClosed())
                {
                    return;
                }
                pass();
                passes++;
                LockSupport.parkNanos(this, periodNanos);
            }
        }
        catch (final ClosedIllegalStateException ex)
        {
            // the queue (or the store) was closed under us, as its owner may do: nothing of ours to recover
            LOG.debug("pretoucher {}: its queue closed: {}", thread.getName(), ex.toString());
        }
        catch (final RuntimeException | Error ex)
        {
            // best effort: the appender faults its own pages again, slower but correct
            LOG.warn("pretoucher {} stopped: {}", thread.getName(), ex.toString());
        }
        finally
        {
            release();
            LOG.debug("pretoucher {} ended after {} passes, {} pages touched", thread.getName(), passes, pagesTouched);
        }
    }

    /** Follows the last cycle and touches its pages from the write position to {@code aheadBytes} past it. */
    private void pass()
    {
        final int last = queue.lastCycle();
        if (last == Integer.MIN_VALUE)
        {
            return; // no cycle file yet: the first append creates it
        }
        if (store == null || last != cycle)
        {
            release();
            store = queue.storeForCycle(last, queue.epoch(), false, null);
            if (store == null)
            {
                return;
            }
            bytes = store.bytes();
            touchedTo = 0;
            cycle = last;
        }
        final long write = store.writePosition();
        final long to = (write + aheadBytes) & -PAGE;
        long page = Math.max(touchedTo, write & -PAGE);
        for (; page < to && !closed; page += PAGE)
        {
            bytes.compareAndSwapLong(page, 0L, 0L);
            pagesTouched++;
        }
        touchedTo = Math.max(touchedTo, page);
    }

    private void release()
    {
        final MappedBytes b = bytes;
        final SingleChronicleQueueStore s = store;
        bytes = null;
        store = null;
        try
        {
            if (b != null)
            {
                b.releaseLast();
            }
        }
        catch (final RuntimeException ex)
        {
            LOG.debug("pretoucher {}: releasing its bytes: {}", thread.getName(), ex.toString());
        }
        try
        {
            if (s != null && !queue.isClosed())
            {
                queue.closeStore(s);
            }
        }
        catch (final RuntimeException ex)
        {
            LOG.debug("pretoucher {}: releasing its store: {}", thread.getName(), ex.toString());
        }
    }

    /** Stops the thread and waits for it to release the store (before the owner closes the queue). */
    @Override
    public void close()
    {
        closed = true;
        LockSupport.unpark(thread);
        if (thread == Thread.currentThread())
        {
            return;
        }
        boolean interrupted = false;
        while (true)
        {
            try
            {
                thread.join();
                break;
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }
}
