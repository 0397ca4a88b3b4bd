package io.emcomm.router.delivery;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The delivery bytes one session holds in memory: frames in its {@link PrecedenceQueue} (charged when queued,
 * credited when taken out) plus what its connection's outbound buffer ({@link DeliverySink#pendingWriteBytes()}) held at the last look
 * ({@link #noteWritten}). Every change is also made to the router-wide {@link OutboundBudget}.
 *
 * <p>A frame is charged its {@link io.netty.buffer.ByteBuf#capacity() capacity}: for a retained duplicate shared
 * by a fan-out that is the whole shared buffer, which is what this session keeps alive as long as it holds it.
 *
 * <p>Threading: {@link #charge} on publishing threads and the session's event loop; everything else that changes
 * state on the session's event loop; the queries on any thread.
 */
public final class SessionOutbound
{
    private final OutboundBudget budget;
    private final long limit;
    private final Runnable disconnect;
    private final AtomicLong queued = new AtomicLong();
    private final AtomicBoolean condemned = new AtomicBoolean();
    /** Bytes in the connection's outbound buffer at the last look; written by the event loop only. */
    private volatile long written;
    /** Since when the session has taken nothing while messages wait for it (microseconds), -1 when it takes. */
    private volatile long stalledSinceMicros = -1;
    private volatile boolean closed;

    SessionOutbound(final OutboundBudget budget, final long limit, final Runnable disconnect)
    {
        this.budget = budget;
        this.limit = limit;
        this.disconnect = disconnect;
    }

    /** A frame of {@code bytes} entered this session's queue. Any thread; no allocation. */
    public void charge(final int bytes)
    {
        queued.addAndGet(bytes);
        budget.add(bytes);
    }

    /** A frame of {@code bytes} left this session's queue (written, skipped or released). */
    public void credit(final int bytes)
    {
        queued.addAndGet(-bytes);
        budget.add(-bytes);
    }

    /**
     * Records what the connection's outbound buffer holds now (written, not yet on the socket). Event loop, after
     * each drain and on the timer; a value between looks is stale and errs high, since Netty only ever takes
     * bytes out of the buffer without the drain seeing it.
     */
    public void noteWritten(final DeliverySink sink)
    {
        if (!closed)
        {
            noteWritten(sink.pendingWriteBytes());
        }
    }

    void noteWritten(final long pendingBytes)
    {
        final long delta = pendingBytes - written;
        if (delta != 0)
        {
            written = pendingBytes;
            budget.add(delta);
        }
    }

    /** Queued plus written-not-sent bytes of this session. Any thread. */
    public long held()
    {
        return queued.get() + written;
    }

    /** Bytes in this session's queue only. Any thread. */
    public long queued()
    {
        return queued.get();
    }

    /**
     * Whether a ROUTINE or PRIORITY frame of {@code bytes} offered live may be queued: it fits this session's
     * limit, and the session is taking what it is given or the router is not near its own limit. Otherwise the
     * session falls back to its journal cursor. Publishing thread; no allocation.
     */
    public boolean admitsLive(final int bytes)
    {
        return held() + bytes <= limit && (stalledSinceMicros < 0 || !budget.isNear());
    }

    /**
     * Whether catching up may read another message from the journal: less than half this session's limit is
     * queued (so reading resumes while the rest is being written), and the session is taking what it is given or
     * the router is not near its limit. The outbound buffer is left out on purpose: it is bounded by the write-buffer water mark, and a
     * sample of it may stay stale while nothing is written, which must not stop catching up for good. Event loop.
     */
    public boolean mayRead()
    {
        return queued.get() < limit / 2 && (stalledSinceMicros < 0 || !budget.isNear());
    }

    /**
     * The session has taken nothing since {@code micros} while messages wait for it (its connection is not writable,
     * or its in-flight limit is full), or -1 when it takes them. Event loop, after each drain and on the timer.
     */
    public void stalledSince(final long micros)
    {
        stalledSinceMicros = micros;
    }

    boolean isStalledFor(final long nowMicros, final long minMicros)
    {
        final long since = stalledSinceMicros;
        return since >= 0 && nowMicros - since >= minMicros;
    }

    boolean isCondemned()
    {
        return condemned.get();
    }

    /** Picked by {@link OutboundBudget#relieve}: disconnects the session once; false if it was picked before. */
    boolean condemn()
    {
        if (closed || !condemned.compareAndSet(false, true))
        {
            return false;
        }
        disconnect.run();
        return true;
    }

    /**
     * The session ended: its written bytes leave the budget and it is no longer a candidate. Its queued bytes
     * leave as the queue is cleared. Idempotent; event loop.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        noteWritten(0);
        budget.forget(this);
    }
}
