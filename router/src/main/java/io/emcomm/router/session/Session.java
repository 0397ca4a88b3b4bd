package io.emcomm.router.session;

import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.address.PeerScope;
import io.emcomm.router.delivery.DeliveryFeed;
import io.emcomm.router.delivery.FeedOwner;
import io.emcomm.router.terminal.TerminalIdentity;
import io.emcomm.router.terminal.TerminalState;
import io.emcomm.router.journal.DedupeWindow;
import io.emcomm.router.security.AccessCache;
import io.emcomm.router.security.PublishRateLimiter;
import io.netty.channel.Channel;

/**
 * One logged-in terminal or command post: its identity as given at hello, its connection, its delivery
 * feed, the per-terminal state that outlives the session and what its publishes are checked against.
 * Immutable; made by the network layer at login ({@code net.HelloHandler}), registered in the routing table,
 * and the {@link FeedOwner} its feed reports slow consumption to. Any thread reads it; the feed, access cache
 * and rate limiter are the session's event loop's (see their own javadoc).
 */
public final class Session implements FeedOwner
{
    /** Up to this many routing threads can each stamp a session (see {@link io.emcomm.router.route.Recipients}). */
    public static final int MAX_ROUTING_THREADS = 64;
    /** Routing slots whose stamps live in the session itself (more exist only with many routers in one JVM). */
    static final int INLINE_ROUTE_SLOTS = 8;
    private static final java.lang.invoke.VarHandle MORE_ROUTE_STAMPS;

    static
    {
        try
        {
            MORE_ROUTE_STAMPS = java.lang.invoke.MethodHandles.lookup()
                .findVarHandle(Session.class, "moreRouteStamps", long[].class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final TerminalIdentity identity;
    private final Channel channel;
    private final DeliveryFeed feed;
    private final TerminalState terminal;
    private final PublishState publishing;
    private final Closer closer;
    /** The link's scope for the session of a peer router; null for a terminal. */
    private final PeerScope peerScope;
    /**
     * Stamps of routing slots below {@link #INLINE_ROUTE_SLOTS} (a router's few I/O threads); the rest, in tests that
     * run many routers in one JVM, go to {@link #moreRouteStamps}, made at its first stamp. Not 64 slots in every
     * session: that was 528 bytes of each idle terminal's heap.
     */
    private final long[] routeStamps = new long[INLINE_ROUTE_SLOTS];
    /** Slots from INLINE_ROUTE_SLOTS up; made once (compare-and-set) and never replaced, so no stamp is lost. */
    private volatile long[] moreRouteStamps;
    /** When the HELLO was accepted: the session is made then. For operators (status), not for logic. */
    private final java.time.Instant connectedAt = java.time.Instant.now();

    /** How the network edge closes a session with an error frame (protocol.md section 10). */
    public interface Closer
    {
        /** Sends a fatal error and closes once it is written. */
        void close(Channel channel, ErrorCode code, String message);

        /** Sends a fatal error if it can and closes without waiting for it to be written. */
        void closeNow(Channel channel, ErrorCode code, String message);
    }

    /**
     * Made by the network layer when a HELLO is accepted, before the session is registered for routing.
     *
     * @param identity   who logged in, as the HELLO said and was checked
     * @param channel    the connection
     * @param feed       the session's delivery feed, to be started with this session as its owner
     * @param terminal   the terminal id's state that outlives sessions (cursor, subscriptions, owner epoch)
     * @param publishing what each PUBLISH of this session is checked against
     * @param closer     how the session's connection is ended with a fatal error
     */
    public Session(final TerminalIdentity identity, final Channel channel, final DeliveryFeed feed,
        final TerminalState terminal, final PublishState publishing, final Closer closer)
    {
        this(identity, channel, feed, terminal, publishing, closer, null);
    }

    private Session(final TerminalIdentity identity, final Channel channel, final DeliveryFeed feed,
        final TerminalState terminal, final PublishState publishing, final Closer closer, final PeerScope peerScope)
    {
        this.identity = identity;
        this.channel = channel;
        this.feed = feed;
        this.terminal = terminal;
        this.publishing = publishing;
        this.closer = closer;
        this.peerScope = peerScope;
    }

    /**
     * The session of a peer link (federation, issue 16), made by the link layer when a peer's HELLO (child side:
     * its WELCOME) is accepted, before it is registered for routing. The routing table keeps it apart from the
     * terminals ({@code route.RoutingTable#register}), and its feed follows {@code scope}'s rules.
     *
     * @param identity   the peer as it logged in: terminal id = its router id ({@code scope.peerId()}), its kind
     *                   and region
     * @param channel    the link's connection
     * @param feed       the link's delivery feed, to be started with this session as its owner
     * @param terminal   the state kept under the peer's router id (its cursor in this router's journal)
     * @param publishing what the link's imports are checked against (its access cache and rate limiter are unused
     *                   by imports; the dedupe window is the peer router's own as an origin)
     * @param closer     how the link's connection is ended with a fatal error
     * @param scope      which messages cross the link
     * @throws IllegalArgumentException when the identity's id is not the scope's peer id
     */
    public static Session peer(final TerminalIdentity identity, final Channel channel, final DeliveryFeed feed,
        final TerminalState terminal, final PublishState publishing, final Closer closer, final PeerScope scope)
    {
        if (!identity.terminalId().equals(scope.peerId()))
        {
            throw new IllegalArgumentException("peer session " + identity.terminalId() + " with the scope of " + scope.peerId());
        }
        return new Session(identity, channel, feed, terminal, publishing, closer, scope);
    }

    /** Which messages cross this peer link; null for a terminal's session. Any thread. */
    @Override
    public PeerScope peerScope()
    {
        return peerScope;
    }

    /** True for the session of a peer router (federation), false for a terminal. */
    public boolean isPeer()
    {
        return peerScope != null;
    }

    /**
     * The stamp of routing slot {@code slot} (0 until it first stamps): one per routing thread, written by
     * {@link io.emcomm.router.route.Recipients} to collect each session once per message without a set. Each slot is
     * read and written only by the routing thread that owns it.
     *
     * @param slot 0 to {@link #MAX_ROUTING_THREADS} - 1.
     */
    public long routeStamp(final int slot)
    {
        if (slot < INLINE_ROUTE_SLOTS)
        {
            return routeStamps[slot];
        }
        final long[] more = moreRouteStamps;
        return more == null ? 0 : more[slot - INLINE_ROUTE_SLOTS];
    }

    /** Sets the stamp of routing slot {@code slot}; by its owning routing thread only (see {@link #routeStamp}). */
    public void routeStamp(final int slot, final long stamp)
    {
        if (slot < INLINE_ROUTE_SLOTS)
        {
            routeStamps[slot] = stamp;
            return;
        }
        long[] more = moreRouteStamps;
        if (more == null)
        {
            final long[] made = new long[MAX_ROUTING_THREADS - INLINE_ROUTE_SLOTS];
            final long[] witness = (long[])MORE_ROUTE_STAMPS.compareAndExchange(this, null, made);
            more = witness != null ? witness : made;
        }
        more[slot - INLINE_ROUTE_SLOTS] = stamp;
    }

    @Override
    public TerminalIdentity identity()
    {
        return identity;
    }

    public String terminalId()
    {
        return identity.terminalId();
    }

    /** The terminal id's ASCII bytes, for writing acks without encoding a string each time. */
    public byte[] terminalIdBytes()
    {
        return identity.terminalIdBytes();
    }

    public TerminalKind kind()
    {
        return identity.kind();
    }

    public boolean isCommandPost()
    {
        return identity.isCommandPost();
    }

    public String regionCode()
    {
        return identity.regionCode();
    }

    public Channel channel()
    {
        return channel;
    }

    /** When this session logged in (its WELCOME), wall clock. */
    public java.time.Instant connectedAt()
    {
        return connectedAt;
    }

    public DeliveryFeed feed()
    {
        return feed;
    }

    public TerminalState terminal()
    {
        return terminal;
    }

    /** The terminal id's dedupe window as an origin; its lookup and record under the publish lock (see its javadoc). */
    public DedupeWindow originState()
    {
        return publishing.origin();
    }

    /** This session's authorization decisions. Event loop only. */
    public AccessCache access()
    {
        return publishing.access();
    }

    /** This connection's publish budgets. Event loop only. */
    public PublishRateLimiter rateLimiter()
    {
        return publishing.rateLimiter();
    }

    /**
     * Ends the session because it stopped reading for longer than the configured limit. The error frame is
     * written if the socket takes it, but the connection is closed at once: a peer that does not read would
     * otherwise keep it open forever.
     */
    @Override
    public void slowConsumer()
    {
        closer.closeNow(channel, ErrorCode.SLOW_CONSUMER, "not reading: disconnected after the slow-consumer limit; "
            + "undelivered messages stay in the journal for the next session");
    }

    /**
     * Ends the session because it took nothing while the router's memory budget for deliveries ran out, and it held
     * the most (docs/delivery.md, "The router-wide memory budget"). Closed at once, as {@link #slowConsumer()}.
     */
    @Override
    public void slowConsumerOverBudget()
    {
        closer.closeNow(channel, ErrorCode.SLOW_CONSUMER, "not reading while the router is out of memory for deliveries: "
            + "disconnected; undelivered messages stay in the journal for the next session");
    }

    /** Ends the session because the same terminal logged in again. */
    public void replacedBy(final String where)
    {
        closer.close(channel, ErrorCode.SESSION_REPLACED, "terminal " + identity.terminalId() + " logged in again from " + where);
    }

    @Override
    public String toString()
    {
        return identity.toString();
    }
}
