package io.emcomm.router.delivery;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The router-wide account of delivery bytes held in memory for sessions: frames queued for a connection and
 * frames written to it that Netty has not yet handed to the socket. Each session keeps its own
 * {@link SessionOutbound} account, limited to {@code emcomm.outbound.session.bytes}; their sum is limited here
 * by {@code emcomm.outbound.router.bytes}.
 *
 * <p>What happens as the sum grows (docs/delivery.md, "When a post stops reading"):
 * <ul>
 *   <li>below three quarters of the limit, only the per-session limit applies;</li>
 *   <li>from three quarters ({@link #isNear()}), a session that is not taking what it is given (its connection is
 *       not writable, or its in-flight limit is full) takes no more ROUTINE or PRIORITY: it falls back to its
 *       journal cursor;</li>
 *   <li>at the limit ({@link #isOver()}), {@link #relieve} disconnects the sessions that made no progress for a
 *       while, most bytes first, until the sum would be back under three quarters.</li>
 * </ul>
 * Publishers are never refused for this: a publish is journaled and acknowledged whatever the sessions hold.
 *
 * <p>A DELIVERY frame routed to several sessions is one buffer shared by retained duplicates; each session is
 * charged its whole size, because each alone keeps it alive. The sum is therefore an upper bound of the memory
 * held, exact when no frame is shared.
 *
 * <p>Thread-safe. Charges and credits are one {@link LongAdder} add each (no contention between event loops, no
 * allocation); {@link #relieve} allocates, but runs only when over the limit, once at a time.
 */
public final class OutboundBudget
{
    private final long limit;
    private final long near;
    private final long sessionLimit;
    private final long minStallMicros;
    private final LongAdder held = new LongAdder();
    private final Set<SessionOutbound> accounts = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean relieving = new AtomicBoolean();

    private record Candidate(SessionOutbound account, long held)
    {
    }

    /**
     * @param routerBytes  the limit of the sum of all sessions' bytes ({@code emcomm.outbound.router.bytes}).
     * @param sessionBytes the limit of one session ({@code emcomm.outbound.session.bytes}), at most routerBytes.
     * @param minStallMicros how long a session must have taken nothing before {@link #relieve} may pick it (one
     *                       timer tick: a session that reads is only ever unwritable for moments).
     * @throws IllegalArgumentException when a limit is not positive or the session's exceeds the router's.
     */
    public OutboundBudget(final long routerBytes, final long sessionBytes, final long minStallMicros)
    {
        if (sessionBytes <= 0 || routerBytes < sessionBytes)
        {
            throw new IllegalArgumentException("outbound budgets: session " + sessionBytes + " bytes must be > 0 and at most router "
                + routerBytes + " bytes");
        }
        this.limit = routerBytes;
        this.near = routerBytes - routerBytes / 4;
        this.sessionLimit = sessionBytes;
        this.minStallMicros = minStallMicros;
    }

    /**
     * Opens the account of a new session. Control plane (login).
     *
     * @param disconnect ends that session with SLOW_CONSUMER when {@link #relieve} picks it; called on any thread,
     *                   at most once, so it must hand the work to the session's event loop.
     */
    public SessionOutbound open(final Runnable disconnect)
    {
        final SessionOutbound account = new SessionOutbound(this, sessionLimit, disconnect);
        accounts.add(account);
        return account;
    }

    void forget(final SessionOutbound account)
    {
        accounts.remove(account);
    }

    void add(final long bytes)
    {
        held.add(bytes);
    }

    /** Bytes all sessions hold now (an upper bound of the memory, see the class comment). Any thread. */
    public long held()
    {
        return held.sum();
    }

    /** The router-wide budget in bytes ({@code emcomm.outbound.router.bytes}). */
    public long limit()
    {
        return limit;
    }

    /** The budget of one session in bytes ({@code emcomm.outbound.session.bytes}). */
    public long sessionLimit()
    {
        return sessionLimit;
    }

    /** Three quarters of the limit or more: sessions that take nothing are given nothing more that can wait. */
    public boolean isNear()
    {
        return held.sum() >= near;
    }

    /** At or past the limit: stalled sessions are disconnected by {@link #relieve}. */
    public boolean isOver()
    {
        return held.sum() >= limit;
    }

    /** Sessions with an open account (for tests and status). */
    public int sessions()
    {
        return accounts.size();
    }

    /**
     * When over the limit, picks the sessions that have made no progress for at least the minimum stall
     * (not yet picked before), most bytes first, and disconnects them until what the rest hold is below three
     * quarters of the limit. Sessions that make progress are never picked, however much they hold. Any thread;
     * a call while another runs returns 0 at once.
     *
     * @return how many sessions were told to disconnect.
     */
    public int relieve(final long nowMicros)
    {
        if (!isOver() || !relieving.compareAndSet(false, true))
        {
            return 0;
        }
        try
        {
            long remaining = held.sum();
            final List<Candidate> stalled = new ArrayList<>();
            for (final SessionOutbound a : accounts)
            {
                if (a.isCondemned())
                {
                    // already told to go; its bytes are released when its connection closes
                    remaining -= a.held();
                }
                else if (a.isStalledFor(nowMicros, minStallMicros) && a.held() > 0)
                {
                    // held() moves while we sort: rank by one reading
                    stalled.add(new Candidate(a, a.held()));
                }
            }
            stalled.sort(Comparator.comparingLong(Candidate::held).reversed());
            int disconnected = 0;
            for (int i = 0; i < stalled.size() && remaining >= near; i++)
            {
                final Candidate victim = stalled.get(i);
                if (victim.account().condemn())
                {
                    remaining -= victim.held();
                    disconnected++;
                }
            }
            return disconnected;
        }
        finally
        {
            relieving.set(false);
        }
    }
}
