package io.emcomm.router.net;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emcomm.protocol.address.Address;
import io.emcomm.protocol.address.ChannelPattern;
import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.region.RegionCode;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Hello;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.conn.ConnectionCloser;
import io.emcomm.router.conn.ControlFrames;
import io.emcomm.router.conn.HandshakePhase;
import io.emcomm.router.delivery.ChannelSink;
import io.emcomm.router.delivery.DeliveryFeed;
import io.emcomm.router.delivery.LinkProfile;
import io.emcomm.router.journal.DedupeWindow;
import io.emcomm.router.security.AccessCache;
import io.emcomm.router.security.AccessControl;
import io.emcomm.router.security.PublishRateLimiter;
import io.emcomm.router.session.PublishState;
import io.emcomm.router.session.Session;
import io.emcomm.router.terminal.ClusterCursorStore;
import io.emcomm.router.terminal.TerminalIdentity;
import io.emcomm.router.terminal.TerminalState;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * The handshake phase of a connection (protocol.md section 2): waits at most {@code emcomm.handshake.timeout.ms}
 * for a HELLO, requires it as the first frame, checks it in the documented order (authentication through
 * {@link AccessControl}), logs the terminal in (taking its state over from an older session, section 11) and
 * answers WELCOME. It then replaces itself in the pipeline with a {@link SessionHandler} for the logged-in
 * traffic, so frames that follow the HELLO in the same read, pipelined by the client, go to the session.
 * Any failure before that is a fatal ERROR that closes the connection.
 *
 * <p>One instance per connection; event loop of the connection.
 */
final class HelloHandler extends HandshakePhase
{
    private static final Logger LOG = LoggerFactory.getLogger(HelloHandler.class);

    /** Name of the handler in the pipeline; the session handler that replaces it takes {@link SessionHandler#NAME}. */
    static final String NAME = "hello";

    private final RouterContext router;
    /**
     * Frames read after the HELLO while the terminal is claimed in the cluster (issue 15), null when no claim is
     * under way; reading is paused meanwhile. Event loop.
     */
    private java.util.ArrayDeque<ByteBuf> claiming;

    HelloHandler(final RouterContext router)
    {
        super(router.counters(), router.journal(), router.syncEachBatch());
        this.router = router;
    }

    /** Starts the handshake timer: the TLS handshake and the HELLO together must finish within it. */
    @Override
    public void channelActive(final ChannelHandlerContext ctx)
    {
        final int handshakeMs = router.accessControl().config().handshakeTimeoutMs();
        startTimer(ctx, handshakeMs, () ->
        {
            if (ctx.channel().isActive())
            {
                // close at once: the error frame cannot go out through a TLS handshake that never finished
                router.counters().incProtocolErrors();
                ConnectionCloser.INSTANCE.closeNow(ctx.channel(), ErrorCode.IDLE_TIMEOUT, "no HELLO within " + handshakeMs + " ms");
            }
        });
        ctx.fireChannelActive();
    }

    @Override
    protected void onFrame(final ChannelHandlerContext ctx, final ByteBuf frame)
    {
        if (claiming != null)
        {
            // pipelined behind the HELLO while the cluster confirms the login: the session handles it after WELCOME
            claiming.add(frame.retain());
            return;
        }
        final FrameType type = Frames.typeOf(frame);
        if (type == FrameType.HELLO)
        {
            onHello(ctx, frame);
        }
        else
        {
            protocolError(ctx, ErrorCode.HELLO_REQUIRED, "the first frame must be HELLO, got "
                + (type == null ? "unknown type " + typeByte(frame) : type), true);
        }
    }

    @Override
    protected String peer()
    {
        return "unidentified peer";
    }

    /** The refusal of a peer router's HELLO by a router node on a Kafka journal (issue 15; docs/cluster.md). */
    static final String KAFKA_NODE_NO_PEERS = "this router is a node of a Kafka cluster (emcomm.journal.backend=kafka) "
        + "and takes no peer links: federation links sites whose routers keep their own journal (docs/cluster.md)";

    /** protocol.md section 2: the checks in order, each failure fatal; then login and WELCOME. */
    private void onHello(final ChannelHandlerContext ctx, final ByteBuf frame)
    {
        final Hello hello;
        try
        {
            hello = Hello.parseFrom(payload(frame));
        }
        catch (final InvalidProtocolBufferException ex)
        {
            protocolError(ctx, ErrorCode.MALFORMED_FRAME, "HELLO does not parse: " + ex.getMessage(), true);
            return;
        }
        if (hello.getProtocolVersion() != Frames.PROTOCOL_VERSION)
        {
            protocolError(ctx, ErrorCode.UNSUPPORTED_VERSION, "protocol version " + hello.getProtocolVersion()
                + " is not supported; this router speaks version " + Frames.PROTOCOL_VERSION, true);
            return;
        }
        if (!Address.isValidTerminalId(hello.getTerminalId()))
        {
            protocolError(ctx, ErrorCode.INVALID_TERMINAL_ID, "terminal id '" + hello.getTerminalId()
                + "' must be 1-64 of [A-Za-z0-9._-]", true);
            return;
        }
        final TerminalKind kind = hello.getKind();
        if (kind == TerminalKind.TERMINAL_KIND_UNSPECIFIED || kind == TerminalKind.UNRECOGNIZED)
        {
            protocolError(ctx, ErrorCode.INVALID_KIND, "terminal kind must be AIR, SPACE, GROUND or COMMAND_POST", true);
            return;
        }
        if (kind == TerminalKind.ROUTER && router.links() == null)
        {
            protocolError(ctx, ErrorCode.INVALID_KIND, "this router does not accept peer links (kind ROUTER)", true);
            return;
        }
        final SslHandler tls = ctx.pipeline().get(SslHandler.class);
        final String refused = router.accessControl().authenticate(hello, tls == null ? null : tls.engine().getSession());
        if (refused != null)
        {
            router.counters().incAuthenticationFailures();
            refuse(ctx, hello, ErrorCode.AUTHENTICATION_FAILED, refused);
            return;
        }
        if (kind == TerminalKind.ROUTER && router.config().journal().onKafka())
        {
            // a peer's imports cannot be journaled through the cluster's log yet: acknowledging none, the child would
            // redial and resend for ever; refused at once instead, naming why (docs/cluster.md, "Topology")
            refuse(ctx, hello, ErrorCode.INVALID_KIND, KAFKA_NODE_NO_PEERS);
            return;
        }
        if (hello.getTerminalId().equals(router.config().routerId()) && kind == TerminalKind.ROUTER
            && router.links() != null && router.links().isOwnUplink(ctx.channel().remoteAddress()))
        {
            refuse(ctx, hello, ErrorCode.INVALID_TERMINAL_ID, router.links().selfLinkProblem());
            return;
        }
        if (hello.getTerminalId().equals(router.config().routerId()))
        {
            refuse(ctx, hello, ErrorCode.INVALID_TERMINAL_ID, "terminal id '" + hello.getTerminalId()
                + "' is the router's own id (receipts and escalations come from it)");
            return;
        }
        if (kind != TerminalKind.ROUTER && router.links() != null && router.links().isRouter(hello.getTerminalId()))
        {
            // router ids and terminal ids share one namespace (one cursor store): a terminal may not take a link's
            protocolError(ctx, ErrorCode.INVALID_TERMINAL_ID, "terminal id '" + hello.getTerminalId()
                + "' is the id of a peer router of this one (docs/protocol.md section 14)", true);
            return;
        }
        final String regionProblem = kind == TerminalKind.ROUTER ? childRegionProblem(hello)
            : RegionCode.problem(hello.getRegionCode());
        if (regionProblem != null)
        {
            refuse(ctx, hello, ErrorCode.INVALID_REGION, regionProblem);
            return;
        }
        final LinkProfile link;
        try
        {
            link = LinkProfile.parse(hello.getLinkProfile());
        }
        catch (final IllegalArgumentException ex)
        {
            refuse(ctx, hello, ErrorCode.UNKNOWN_LINK_PROFILE, ex.getMessage());
            return;
        }
        // interned: thousands of terminals share a village's code, and 100,000 copies of it are ~5 MB of heap
        final TerminalIdentity identity = new TerminalIdentity(hello.getTerminalId(), kind, hello.getRegionCode().intern());
        if (kind == TerminalKind.ROUTER)
        {
            // a child router's peer link (protocol.md section 14): from here on the link's handler takes the frames
            router.links().acceptChild(ctx, identity, link, this);
            return;
        }
        login(ctx, identity, link);
    }

    /**
     * A fatal refusal of a HELLO (protocol.md section 2). A child router's is logged by {@code link.PeerLinks} at WARN
     * once per (router id, reason) and then at debug: a misconfigured child redials every few seconds for ever, and
     * its parent's operator must see it once, not drown in it. A terminal's is logged as every protocol error.
     */
    private void refuse(final ChannelHandlerContext ctx, final Hello hello, final ErrorCode code, final String message)
    {
        if (hello.getKind() == TerminalKind.ROUTER && router.links() != null)
        {
            router.counters().incProtocolErrors();
            router.links().refusedChild(hello.getTerminalId(), String.valueOf(ctx.channel().remoteAddress()),
                code.name(), message);
            ConnectionCloser.sendFatal(ctx.channel(), code, message);
            return;
        }
        protocolError(ctx, code, message, true);
    }

    /**
     * protocol.md section 14.1: a child router must serve a valid region, and one strictly inside this router's own
     * when it has one; null when it does.
     */
    private String childRegionProblem(final Hello hello)
    {
        final String child = hello.getRegionCode();
        final String own = router.config().federation().region();
        if (child.isEmpty())
        {
            return "router " + hello.getTerminalId() + " names no region: a child router must serve one";
        }
        final String problem = RegionCode.problem(child);
        if (problem != null)
        {
            return problem;
        }
        if (!own.isEmpty() && (child.equals(own) || !RegionCode.contains(own, child)))
        {
            return "router " + hello.getTerminalId() + " serves region " + child + ", which does not lie inside region "
                + own + " of this router (" + router.config().routerId() + ")";
        }
        return null;
    }

    /**
     * Registers the session, restores the terminal's subscriptions, closes an older session of the same id
     * (protocol.md section 11), answers WELCOME and hands the connection to a {@link SessionHandler}.
     */
    private void login(final ChannelHandlerContext ctx, final TerminalIdentity identity, final LinkProfile link)
    {
        final String terminalId = identity.terminalId();
        final boolean firstLogin = !router.cursors().contains(terminalId);
        if (router.cursors() instanceof ClusterCursorStore cluster)
        {
            claimThenLogin(ctx, cluster, identity, link, firstLogin);
            return;
        }
        loggedIn(ctx, identity, link, router.cursors().terminal(terminalId, router.journal().lastIndex()), firstLogin);
    }

    /**
     * Issue 15 Deliver 2: on a node whose terminals live in the cluster the login waits, off the event loop, for
     * this node's claim of the terminal (the state the last owner left, on any node). Reading pauses and frames
     * already read are kept; the login continues on this connection's loop. A claim that fails or times out is a
     * fatal ERROR (INTERNAL, naming the cluster): the terminal is not half logged in. The handshake timer stops:
     * the claim has its own timeout.
     */
    private void claimThenLogin(final ChannelHandlerContext ctx, final ClusterCursorStore cluster,
        final TerminalIdentity identity, final LinkProfile link, final boolean firstLogin)
    {
        cancelTimer();
        claiming = new java.util.ArrayDeque<>();
        ctx.channel().config().setAutoRead(false);
        cluster.claim(identity.terminalId(), router.journal().lastIndex()).whenCompleteAsync((terminal, failure) ->
        {
            if (!ctx.channel().isActive() || ctx.isRemoved())
            {
                releaseClaiming();
                return;
            }
            if (failure != null)
            {
                releaseClaiming();
                final Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
                LOG.warn("login of {} refused: the cluster did not confirm its claim: {}", identity.terminalId(), cause.toString());
                protocolError(ctx, ErrorCode.INTERNAL, "the cluster did not confirm the login of terminal "
                    + identity.terminalId() + (cause instanceof java.util.concurrent.TimeoutException
                    ? " within " + cluster.claimTimeoutMs() + " ms" : ": " + cause) + "; log in again", true);
                return;
            }
            terminal.resetRecordedCursor(); // the claim reset the state to the cluster's: the store guards from here
            final java.util.ArrayDeque<ByteBuf> pending = claiming;
            claiming = null;
            ctx.channel().config().setAutoRead(true); // before the session handler's intake gate, which may pause it
            loggedIn(ctx, identity, link, terminal, firstLogin);
            // the frames read meanwhile go to the session handler that replaced this one (the removed context
            // forwards to its replacement), then reading resumes
            ByteBuf frame;
            while ((frame = pending.poll()) != null)
            {
                ctx.fireChannelRead(frame);
            }
            ctx.fireChannelReadComplete();
        }, ctx.executor());
    }

    private void releaseClaiming()
    {
        if (claiming != null)
        {
            ByteBuf frame;
            while ((frame = claiming.poll()) != null)
            {
                frame.release();
            }
        }
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        releaseClaiming();
        super.channelInactive(ctx);
    }

    /** The login with the terminal's state in hand: on the connection's event loop. */
    private void loggedIn(final ChannelHandlerContext ctx, final TerminalIdentity identity, final LinkProfile link,
        final TerminalState terminal, final boolean firstLogin)
    {
        final String terminalId = identity.terminalId();
        final AccessControl accessControl = router.accessControl();
        final DedupeWindow origin = router.origins().state(terminalId);
        final DeliveryFeed feed = new DeliveryFeed(router.delivery(), terminal, link, new ChannelSink(ctx.channel()));
        final PublishState publishing = new PublishState(origin, new AccessCache(accessControl.policy()),
            new PublishRateLimiter(accessControl.config().messagesPerSecond(), accessControl.config().bytesPerSecond(),
                accessControl.config().flashFloorPerSecond(), router.clockMicros()));
        final Session session = new Session(identity, ctx.channel(), feed, terminal, publishing, ConnectionCloser.INSTANCE);
        final Session replaced;
        final boolean cursorValid;
        synchronized (terminal)
        {
            // claim and registration together: two logins of one id on different loops cannot end with one
            // registered for routing and the other owning the terminal's state
            cursorValid = feed.start(session);
            terminal.regionCode(identity.regionCode());
            replaced = router.table().register(session);
            for (final ChannelPattern p : terminal.subscriptions())
            {
                router.table().subscribe(session, p);
            }
        }
        router.counters().incSessionsOpened();
        if (replaced != null)
        {
            router.counters().incSessionsReplaced();
            replaced.feed().close();
            replaced.replacedBy(String.valueOf(ctx.channel().remoteAddress()));
        }
        ControlFrames.welcome(ctx, router.config().routerId(), origin.highestSequence(), router.config().maxFrameBytes(),
            router.config().heartbeatIntervalMs(), replaced != null, accessControl.config().idleTimeoutMs(),
            accessControl.config().handshakeTimeoutMs(), false,
            router.config().inFlightLimit());
        if (!cursorValid)
        {
            LOG.warn("cursor of {} lay beyond the journal's end; delivery resumes from the end", session);
            ControlFrames.error(ctx, ErrorCode.CURSOR_BEYOND_JOURNAL, "the delivery cursor of " + terminalId
                + " lay beyond the journal's end (journal replaced or cut); resuming from the end");
        }
        LOG.info("session open {} from {}{}{}", session, ctx.channel().remoteAddress(),
            link.isShaped() ? " link " + link.name() : "", replaced != null ? " (replaced an older session)" : "");
        if (firstLogin && router.links() != null)
        {
            router.links().localChanged(); // a terminal served here now: the parent learns it (protocol.md 14.4)
        }
        // from the next frame on (even one already read in this batch) the session handler answers
        ctx.pipeline().replace(this, SessionHandler.NAME, new SessionHandler(router, session));
    }
}
