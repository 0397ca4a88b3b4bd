package io.emcomm.router.route;

import io.emcomm.router.session.Session;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The set of sessions one message reaches, collected across all its destination addresses so that each
 * session appears once however the addresses overlap. Membership is a stamp in the session per routing
 * thread, so collecting is O(1) per candidate and allocates nothing.
 *
 * <p>One instance per routing thread ({@link #forThread()}); {@link #begin()} starts a new message.
 */
public final class Recipients
{
    private static final AtomicInteger NEXT_SLOT = new AtomicInteger();
    private static final Queue<Integer> FREE_SLOTS = new ConcurrentLinkedQueue<>();
    /** Each owner of a slot stamps from its own range, so stamps left in sessions by an earlier owner never match. */
    private static final AtomicLong STAMP_RANGES = new AtomicLong();
    private static final FastThreadLocal<Recipients> PER_THREAD = new FastThreadLocal<>()
    {
        @Override
        protected Recipients initialValue()
        {
            final Integer free = FREE_SLOTS.poll();
            final int slot = free != null ? free : NEXT_SLOT.getAndIncrement();
            if (slot >= Session.MAX_ROUTING_THREADS)
            {
                throw new IllegalStateException("more than " + Session.MAX_ROUTING_THREADS + " routing threads at once");
            }
            return new Recipients(slot, STAMP_RANGES.incrementAndGet() << 40);
        }

        @Override
        protected void onRemoval(final Recipients value)
        {
            // an event-loop thread ended (a router stopped): its slot may serve another thread
            FREE_SLOTS.offer(value.slot);
        }
    };

    private final int slot;
    private long stamp;
    private Session[] sessions = new Session[64];
    private int size;

    private Recipients(final int slot, final long firstStamp)
    {
        this.slot = slot;
        this.stamp = firstStamp;
    }

    public static Recipients forThread()
    {
        return PER_THREAD.get();
    }

    /** Starts the set of a new message: empties it and moves to a new stamp. Routing thread. */
    public void begin()
    {
        stamp++;
        for (int i = 0; i < size; i++)
        {
            sessions[i] = null;
        }
        size = 0;
    }

    /** Marks a session as already handled for this message without adding it (the origin). */
    public void exclude(final Session session)
    {
        session.routeStamp(slot, stamp);
    }

    /** Adds a session unless it is already in (or excluded from) this message's set. */
    public void add(final Session session)
    {
        if (session.routeStamp(slot) != stamp)
        {
            session.routeStamp(slot, stamp);
            append(session);
        }
    }

    /** Adds a session even if it was excluded (the origin addressing itself), still only once. */
    public void forceAdd(final Session session)
    {
        for (int i = 0; i < size; i++)
        {
            if (sessions[i] == session)
            {
                return;
            }
        }
        session.routeStamp(slot, stamp);
        append(session);
    }

    private void append(final Session session)
    {
        if (size == sessions.length)
        {
            final Session[] bigger = new Session[size * 2];
            System.arraycopy(sessions, 0, bigger, 0, size);
            sessions = bigger;
        }
        sessions[size++] = session;
    }

    public int size()
    {
        return size;
    }

    public Session get(final int i)
    {
        return sessions[i];
    }
}
