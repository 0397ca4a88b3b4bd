package io.emcomm.router.session;

import io.emcomm.router.route.Recipients;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.TerminalKind;
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
 * feed and the per-terminal state that outlives the session. Immutable in identity.
 */
public final class Session implements FeedOwner
{
    /** Up to this many routing threads can each stamp a session (see {@link Recipients}). */
    public static final int MAX_ROUTING_THREADS = 64;

    private final TerminalIdentity identity;
    private final Channel channel;
    private final DeliveryFeed feed;
    private final TerminalState terminal;
    private final DedupeWindow originState;
    private final Closer closer;
    private final AccessCache access;
    private final PublishRateLimiter rateLimiter;
    private final long[] routeStamps = new long[MAX_ROUTING_THREADS];
    private final AckBatch acks = new AckBatch();
    /** When the HELLO was accepted: the session is made then. For operators (status), not for logic. */
    private final java.time.Instant connectedAt = java.time.Instant.now();

    /** How the network edge closes a session with an error frame. */
    public interface Closer
    {
        /** Sends a fatal error and closes once it is written. */
        void close(Channel channel, ErrorCode code, String message);

        /** Sends a fatal error if it can and closes without waiting for it to be written. */
        void closeNow(Channel channel, ErrorCode code, String message);
    }

    public Session(final String terminalId, final TerminalKind kind, final String regionCode, final Channel channel,
        final DeliveryFeed feed, final TerminalState terminal, final DedupeWindow originState, final Closer closer,
        final AccessCache access, final PublishRateLimiter rateLimiter)
    {
        this.access = access;
        this.rateLimiter = rateLimiter;
        this.identity = new TerminalIdentity(terminalId, kind, regionCode);
        this.channel = channel;
        this.feed = feed;
        this.terminal = terminal;
        this.originState = originState;
        this.closer = closer;
    }

    /**
     * One stamp per routing thread, written by {@link io.emcomm.router.route.Recipients} to collect each session
     * once per message without a set. Each slot is written only by the routing thread that owns it.
     */
    public long[] routeStamps()
    {
        return routeStamps;
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

    /** The PUBLISH_ACKs of the current read batch. Event loop only. */
    public AckBatch acks()
    {
        return acks;
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

    public DedupeWindow originState()
    {
        return originState;
    }

    /** This session's authorization decisions. Event loop only. */
    public AccessCache access()
    {
        return access;
    }

    /** This connection's publish budgets. Event loop only. */
    public PublishRateLimiter rateLimiter()
    {
        return rateLimiter;
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
