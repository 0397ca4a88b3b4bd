package io.emcomm.router.session;

import io.netty.util.concurrent.FastThreadLocal;

import java.util.concurrent.atomic.AtomicInteger;

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
    private static final FastThreadLocal<Recipients> PER_THREAD = new FastThreadLocal<>()
    {
        @Override
        protected Recipients initialValue()
        {
            final int slot = NEXT_SLOT.getAndIncrement();
            if (slot >= Session.MAX_ROUTING_THREADS)
            {
                throw new IllegalStateException("more than " + Session.MAX_ROUTING_THREADS + " routing threads");
            }
            return new Recipients(slot);
        }
    };

    private final int slot;
    private long stamp;
    private Session[] sessions = new Session[64];
    private int size;

    private Recipients(final int slot)
    {
        this.slot = slot;
    }

    public static Recipients forThread()
    {
        return PER_THREAD.get();
    }

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
        session.routeStamps[slot] = stamp;
    }

    /** Adds a session unless it is already in (or excluded from) this message's set. */
    public void add(final Session session)
    {
        if (session.routeStamps[slot] != stamp)
        {
            session.routeStamps[slot] = stamp;
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
        session.routeStamps[slot] = stamp;
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
