package io.emcomm.router.net;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emcomm.protocol.address.AddressException;
import io.emcomm.protocol.address.ChannelPattern;
import io.emcomm.protocol.wire.Subscribe;
import io.emcomm.protocol.wire.Unsubscribe;
import io.emcomm.router.conn.ControlFrames;
import io.emcomm.router.session.Session;
import io.emcomm.router.terminal.ClusterCursorStore;
import io.netty.channel.ChannelHandlerContext;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.List;

/**
 * SUBSCRIBE and UNSUBSCRIBE of one logged-in session (protocol.md section 6): each request is parsed, checked whole
 * (only {@code channel:} patterns that parse; for SUBSCRIBE the access policy and {@code emcomm.limit.subscriptions})
 * and then applied whole to the routing table and the terminal's durable subscriptions, under the terminal's
 * monitor so that a concurrent takeover cannot leave a pattern on the dying session. Answered by one
 * SUBSCRIPTION_ACK. Control plane: allocates freely. One instance per session; its event loop.
 */
final class SubscriptionRequests
{
    private static final String CHANNEL = "channel:";

    private final RouterContext router;
    private final Session session;

    SubscriptionRequests(final RouterContext router, final Session session)
    {
        this.router = router;
        this.session = session;
    }

    /**
     * Handles one request and writes its SUBSCRIPTION_ACK (not flushed).
     *
     * @param payload   the frame's payload
     * @param subscribe SUBSCRIBE when true, UNSUBSCRIBE when false
     * @return null when answered; otherwise the payload did not parse, nothing was written, and this is the
     *         message for the ERROR {@code MALFORMED_FRAME} (protocol.md section 10) the caller sends instead
     */
    String onRequest(final ChannelHandlerContext ctx, final ByteBuffer payload, final boolean subscribe)
    {
        final long requestId;
        final List<String> addresses;
        try
        {
            if (subscribe)
            {
                final Subscribe s = Subscribe.parseFrom(payload);
                requestId = s.getRequestId();
                addresses = s.getAddressesList();
            }
            else
            {
                final Unsubscribe u = Unsubscribe.parseFrom(payload);
                requestId = u.getRequestId();
                addresses = u.getAddressesList();
            }
        }
        catch (final InvalidProtocolBufferException ex)
        {
            return (subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE") + " does not parse: " + ex.getMessage();
        }
        final ChannelPattern[] patterns = new ChannelPattern[addresses.size()];
        String problem = parse(addresses, patterns);
        if (problem == null && subscribe)
        {
            problem = subscriptionProblem(patterns);
        }
        if (problem != null)
        {
            router.counters().incProtocolErrors();
            ControlFrames.subscriptionRefused(ctx, requestId, problem);
            return null;
        }
        apply(ctx, requestId, patterns, subscribe);
        return null;
    }

    /** Fills {@code patterns} from {@code addresses}; the first problem, or null when every entry parsed. */
    private static String parse(final List<String> addresses, final ChannelPattern[] patterns)
    {
        if (addresses.isEmpty())
        {
            return "no addresses";
        }
        for (int i = 0; i < patterns.length; i++)
        {
            final String a = addresses.get(i);
            if (!a.startsWith(CHANNEL))
            {
                return "only channel:<pattern> subscriptions are supported ('" + a
                    + "'); terminals receive region and up: traffic by the region they registered";
            }
            try
            {
                patterns[i] = ChannelPattern.parse(a.substring(CHANNEL.length()));
            }
            catch (final AddressException ex)
            {
                return ex.getMessage();
            }
        }
        return null;
    }

    /** Access policy and the per-terminal limit for new subscriptions; null when they may all be added. */
    private String subscriptionProblem(final ChannelPattern[] patterns)
    {
        int total = session.terminal().subscriptions().length;
        for (final ChannelPattern p : patterns)
        {
            if (!router.accessControl().policy().maySubscribe(session.terminalId(), session.kind(), session.regionCode(), p.pattern()))
            {
                router.counters().incNotAuthorized();
                return "NOT_AUTHORIZED: terminal " + session.terminalId() + " may not subscribe to channel:" + p.pattern();
            }
            total++;
        }
        final int max = router.accessControl().config().maxSubscriptions();
        return total > max ? "more than " + max + " subscriptions for one terminal (" + total + ")" : null;
    }

    private void apply(final ChannelHandlerContext ctx, final long requestId, final ChannelPattern[] patterns,
        final boolean subscribe)
    {
        if (router.cursors() instanceof ClusterCursorStore cluster)
        {
            applyCommitted(ctx, cluster, requestId, patterns, subscribe);
            return;
        }
        boolean added = false;
        synchronized (session.terminal())
        {
            if (!session.feed().ownsTerminal())
            {
                // a takeover (under the same monitor) already moved the terminal to a newer session: a pattern
                // added here would stay on this dying session in the routing table and change the new one's set
                ControlFrames.subscriptionRefused(ctx, requestId, "terminal " + session.terminalId() + " has a newer session");
                return;
            }
            for (final ChannelPattern p : patterns)
            {
                if (subscribe)
                {
                    router.table().subscribe(session, p);
                }
                else
                {
                    router.table().unsubscribe(session, p);
                }
                added |= router.cursors().changeSubscription(session.terminal(), p.pattern(), subscribe) && subscribe;
            }
        }
        if (added)
        {
            // protocol.md section 6: a new pattern selects matching messages since the cursor, read or not yet read
            session.feed().reevaluateBacklog();
        }
        if (router.links() != null)
        {
            router.links().localChanged(); // the parent learns the subtree's channels (protocol.md 14.4)
        }
        ControlFrames.subscriptionAccepted(ctx, requestId);
    }

    /**
     * Issue 15 Deliver 2: on a node whose terminals live in the cluster, the routing table changes at once (as on one
     * router) but the SUBSCRIPTION_ACK waits until every pattern's change is committed in the terminal's epoch; a
     * change refused by the cluster (another node claimed the terminal, or the timeout passed) refuses the request
     * with the cluster's reason. A refused change may still have been written: a repeat of the request is harmless
     * (the store writes the whole set again). The answer is written and flushed on this connection's loop.
     */
    private void applyCommitted(final ChannelHandlerContext ctx, final ClusterCursorStore cluster, final long requestId,
        final ChannelPattern[] patterns, final boolean subscribe)
    {
        final CompletableFuture<?>[] commits = new CompletableFuture<?>[patterns.length];
        synchronized (session.terminal())
        {
            if (!session.feed().ownsTerminal())
            {
                ControlFrames.subscriptionRefused(ctx, requestId, "terminal " + session.terminalId() + " has a newer session");
                return;
            }
            for (int i = 0; i < patterns.length; i++)
            {
                if (subscribe)
                {
                    router.table().subscribe(session, patterns[i]);
                }
                else
                {
                    router.table().unsubscribe(session, patterns[i]);
                }
                commits[i] = cluster.changeSubscriptionCommitted(session.terminal(), patterns[i].pattern(), subscribe);
            }
        }
        if (subscribe)
        {
            // protocol.md section 6: a new pattern selects matching messages since the cursor, read or not yet read
            session.feed().reevaluateBacklog();
        }
        CompletableFuture.allOf(commits).whenCompleteAsync((v, failure) ->
        {
            if (!ctx.channel().isActive())
            {
                return;
            }
            if (failure == null)
            {
                ControlFrames.subscriptionAccepted(ctx, requestId);
            }
            else
            {
                final Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
                ControlFrames.subscriptionRefused(ctx, requestId, cause instanceof TimeoutException
                    ? "not committed in the cluster within " + cluster.claimTimeoutMs() + " ms; subscribe again"
                    : "not committed in the cluster: " + cause.getMessage());
            }
            ctx.flush();
        }, ctx.executor());
    }
}
