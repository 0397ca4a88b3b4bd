package io.emcomm.router.net;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emcomm.protocol.address.Address;
import io.emcomm.protocol.address.AddressException;
import io.emcomm.protocol.address.ChannelPattern;
import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.region.RegionCode;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Heartbeat;
import io.emcomm.protocol.wire.Hello;
import io.emcomm.protocol.wire.ReplayRequest;
import io.emcomm.protocol.wire.Subscribe;
import io.emcomm.protocol.wire.SubscriptionAck;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Unsubscribe;
import io.emcomm.protocol.wire.Welcome;
import io.emcomm.protocol.wire.LatestPositionsRequest;
import io.emcomm.router.delivery.ChannelSink;
import io.emcomm.router.delivery.DeliveryFeed;
import io.emcomm.router.delivery.DrainBatch;
import io.emcomm.router.delivery.LinkProfile;
import io.emcomm.router.terminal.TerminalState;
import io.emcomm.router.replay.LatestPositions;
import io.emcomm.router.security.AccessCache;
import io.emcomm.router.security.PublishRateLimiter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.emcomm.router.journal.DedupeWindow;
import io.emcomm.router.replay.ReplayFilter;
import io.emcomm.router.replay.ReplaySession;
import io.emcomm.router.sequence.PublishOutcome;
import io.emcomm.router.session.Session;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One connection's protocol state machine: hello first, then publishes, subscriptions, acks, heartbeats
 * and replays. Every frame is released here. Writes happen during the read batch and are flushed once in
 * {@link #channelReadComplete}.
 *
 * <p>Errors never escape into the event loop: a bad frame gets an ERROR frame naming the problem, and
 * problems that leave the stream untrustworthy (framing, handshake) close only this connection.
 */
final class SessionHandler extends ChannelInboundHandlerAdapter
{
    private static final Logger LOG = LoggerFactory.getLogger(SessionHandler.class);

    private final RouterContext router;
    private Session session;
    private ReplaySession replay;
    private ScheduledFuture<?> timer;
    private ScheduledFuture<?> handshakeTimer;
    private boolean admitted;

    SessionHandler(final RouterContext router)
    {
        this.router = router;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        final ByteBuf frame = (ByteBuf)msg;
        DrainBatch.forThread().open();
        try
        {
            onFrame(ctx, frame);
        }
        catch (final RuntimeException ex)
        {
            LOG.error("unexpected failure handling a frame from {}", describe(ctx), ex);
            router.counters().incProtocolErrors();
            ControlFrames.sendFatal(ctx.channel(), ErrorCode.INTERNAL, "internal error: " + ex);
        }
        finally
        {
            frame.release();
        }
    }

    private void onFrame(final ChannelHandlerContext ctx, final ByteBuf frame)
    {
        final FrameType type = Frames.typeOf(frame);
        if (session == null)
        {
            if (type == FrameType.HELLO)
            {
                onHello(ctx, frame);
            }
            else
            {
                protocolError(ctx, ErrorCode.HELLO_REQUIRED, "the first frame must be HELLO, got "
                    + (type == null ? "unknown type " + frame.getUnsignedByte(frame.readerIndex()) : type), true);
            }
            return;
        }
        if (type == null)
        {
            protocolError(ctx, ErrorCode.MALFORMED_FRAME, "unknown frame type " + frame.getUnsignedByte(frame.readerIndex()), false);
            return;
        }
        if (type != FrameType.PUBLISH)
        {
            session.acks().writeTo(ctx); // whatever this frame makes goes out after the acks already made
        }
        switch (type)
        {
            case PUBLISH:
                onPublish(ctx, frame);
                break;
            case DELIVERY_ACK:
                onDeliveryAck(ctx, frame);
                break;
            case LATEST_POSITIONS_REQUEST:
                onLatestPositions(ctx, frame);
                break;
            case HEARTBEAT:
                ctx.write(Frames.encode(ctx.alloc(), FrameType.HEARTBEAT,
                    Heartbeat.newBuilder().setSentAtMicros(router.clockMicros()).build()), ctx.voidPromise());
                break;
            case SUBSCRIBE:
                onSubscribe(ctx, frame, true);
                break;
            case UNSUBSCRIBE:
                onSubscribe(ctx, frame, false);
                break;
            case REPLAY_REQUEST:
                onReplay(ctx, frame);
                break;
            case HELLO:
                protocolError(ctx, ErrorCode.DUPLICATE_HELLO, "HELLO on an established session is ignored", false);
                break;
            default:
                protocolError(ctx, ErrorCode.UNEXPECTED_FRAME, type + " is a router-to-client frame", false);
                break;
        }
    }

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
        final SslHandler tls = ctx.pipeline().get(SslHandler.class);
        final String refused = router.gatekeeper().authenticate(hello, tls == null ? null : tls.engine().getSession());
        if (refused != null)
        {
            router.counters().incAuthenticationFailures();
            protocolError(ctx, ErrorCode.AUTHENTICATION_FAILED, refused, true);
            return;
        }
        if (hello.getTerminalId().equals(router.config().routerId()))
        {
            protocolError(ctx, ErrorCode.INVALID_TERMINAL_ID, "terminal id '" + hello.getTerminalId()
                + "' is the router's own id (receipts and escalations come from it)", true);
            return;
        }
        final String regionProblem = RegionCode.problem(hello.getRegionCode());
        if (regionProblem != null)
        {
            protocolError(ctx, ErrorCode.INVALID_REGION, regionProblem, true);
            return;
        }
        final LinkProfile link;
        try
        {
            link = LinkProfile.parse(hello.getLinkProfile());
        }
        catch (final IllegalArgumentException ex)
        {
            protocolError(ctx, ErrorCode.UNKNOWN_LINK_PROFILE, ex.getMessage(), true);
            return;
        }
        final DedupeWindow origin = router.origins().state(hello.getTerminalId());
        final TerminalState terminal = router.cursors().terminal(hello.getTerminalId(), router.journal().lastIndex());
        final DeliveryFeed feed = new DeliveryFeed(router.delivery(), terminal, link, new ChannelSink(ctx.channel()));
        final Session fresh = new Session(hello.getTerminalId(), kind, hello.getRegionCode(), ctx.channel(), feed, terminal,
            origin, ControlFrames.CLOSER, new AccessCache(router.gatekeeper().policy()),
            new PublishRateLimiter(router.gatekeeper().config().messagesPerSecond(), router.gatekeeper().config().bytesPerSecond(),
                router.gatekeeper().config().flashFloorPerSecond(), router.clockMicros()));
        final Session replaced;
        final boolean cursorValid;
        synchronized (terminal)
        {
            // claim and registration together: two logins of one id on different loops cannot end with one
            // registered for routing and the other owning the terminal's state
            cursorValid = feed.start(fresh);
            terminal.regionCode(hello.getRegionCode());
            replaced = router.table().register(fresh);
            for (final ChannelPattern p : terminal.subscriptions())
            {
                router.table().subscribe(fresh, p);
            }
        }
        session = fresh;
        router.counters().incSessionsOpened();
        if (replaced != null)
        {
            router.counters().incSessionsReplaced();
            replaced.feed().close();
            replaced.replacedBy(String.valueOf(ctx.channel().remoteAddress()));
        }
        final long lastSequence = origin.highestSequence();
        final Welcome welcome = Welcome.newBuilder()
            .setProtocolVersion(Frames.PROTOCOL_VERSION)
            .setRouterId(router.config().routerId())
            .setLastOriginSequence(lastSequence)
            .setMaxFrameBytes(router.config().maxFrameBytes())
            .setHeartbeatIntervalMs(router.config().heartbeatIntervalMs())
            .setReplacedSession(replaced != null)
            .setIdleTimeoutMs(router.gatekeeper().config().idleTimeoutMs())
            .setHandshakeTimeoutMs(router.gatekeeper().config().handshakeTimeoutMs())
            .build();
        ctx.write(Frames.encode(ctx.alloc(), FrameType.WELCOME, welcome), ctx.voidPromise());
        final long timerMs = router.config().timerIntervalMs();
        timer = ctx.executor().scheduleAtFixedRate(feed::onTimer, timerMs, timerMs, TimeUnit.MILLISECONDS);
        if (!cursorValid)
        {
            LOG.warn("cursor of {} lay beyond the journal's end; delivery resumes from the end", fresh);
            ctx.write(ControlFrames.error(ctx.alloc(), ErrorCode.CURSOR_BEYOND_JOURNAL, "the delivery cursor of "
                + fresh.terminalId() + " lay beyond the journal's end (journal replaced or cut); resuming from the end", false),
                ctx.voidPromise());
        }
        LOG.info("session open {} from {}{}{}", fresh, ctx.channel().remoteAddress(),
            link.isShaped() ? " link " + link.name() : "", replaced != null ? " (replaced an older session)" : "");
    }

    private void onSubscribe(final ChannelHandlerContext ctx, final ByteBuf frame, final boolean subscribe)
    {
        final long requestId;
        final List<String> addresses;
        try
        {
            if (subscribe)
            {
                final Subscribe s = Subscribe.parseFrom(payload(frame));
                requestId = s.getRequestId();
                addresses = s.getAddressesList();
            }
            else
            {
                final Unsubscribe u = Unsubscribe.parseFrom(payload(frame));
                requestId = u.getRequestId();
                addresses = u.getAddressesList();
            }
        }
        catch (final InvalidProtocolBufferException ex)
        {
            protocolError(ctx, ErrorCode.MALFORMED_FRAME, (subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE") + " does not parse: "
                + ex.getMessage(), false);
            return;
        }
        final ChannelPattern[] patterns = new ChannelPattern[addresses.size()];
        String problem = addresses.isEmpty() ? "no addresses" : null;
        for (int i = 0; i < patterns.length && problem == null; i++)
        {
            final String a = addresses.get(i);
            if (!a.startsWith("channel:"))
            {
                problem = "only channel:<pattern> subscriptions are supported ('" + a + "'); terminals receive region and up: traffic by the region they registered";
                break;
            }
            try
            {
                patterns[i] = ChannelPattern.parse(a.substring("channel:".length()));
            }
            catch (final AddressException ex)
            {
                problem = ex.getMessage();
            }
        }
        if (problem == null && subscribe)
        {
            problem = subscriptionProblem(patterns);
        }
        if (problem != null)
        {
            router.counters().incProtocolErrors();
            ctx.write(Frames.encode(ctx.alloc(), FrameType.SUBSCRIPTION_ACK,
                SubscriptionAck.newBuilder().setRequestId(requestId).setOk(false).setDetail(problem).build()), ctx.voidPromise());
            return;
        }
        boolean added = false;
        synchronized (session.terminal())
        {
            if (!session.feed().ownsTerminal())
            {
                // a takeover (under the same monitor) already moved the terminal to a newer session: a pattern
                // added here would stay on this dying session in the routing table and change the new one's set
                ctx.write(Frames.encode(ctx.alloc(), FrameType.SUBSCRIPTION_ACK, SubscriptionAck.newBuilder().setRequestId(requestId)
                    .setOk(false).setDetail("terminal " + session.terminalId() + " has a newer session").build()), ctx.voidPromise());
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
        ctx.write(Frames.encode(ctx.alloc(), FrameType.SUBSCRIPTION_ACK,
            SubscriptionAck.newBuilder().setRequestId(requestId).setOk(true).build()), ctx.voidPromise());
    }

    /** Access policy and the per-session limit for new subscriptions; null when they may all be added. */
    private String subscriptionProblem(final ChannelPattern[] patterns)
    {
        int total = session.terminal().subscriptions().length;
        for (final ChannelPattern p : patterns)
        {
            if (!router.gatekeeper().policy().maySubscribe(session.terminalId(), session.kind(), session.regionCode(), p.pattern()))
            {
                router.counters().incNotAuthorized();
                return "NOT_AUTHORIZED: terminal " + session.terminalId() + " may not subscribe to channel:" + p.pattern();
            }
            total++;
        }
        final int max = router.gatekeeper().config().maxSubscriptions();
        return total > max ? "more than " + max + " subscriptions for one terminal (" + total + ")" : null;
    }

    private void onReplay(final ChannelHandlerContext ctx, final ByteBuf frame)
    {
        final ReplayRequest request;
        try
        {
            request = ReplayRequest.parseFrom(payload(frame));
        }
        catch (final InvalidProtocolBufferException ex)
        {
            protocolError(ctx, ErrorCode.BAD_REPLAY_REQUEST, "REPLAY_REQUEST does not parse: " + ex.getMessage(), false);
            return;
        }
        final String problem = ReplayFilter.problem(request);
        if (problem != null)
        {
            protocolError(ctx, ErrorCode.BAD_REPLAY_REQUEST, problem, false);
            return;
        }
        if (replay != null && !replay.isDone())
        {
            protocolError(ctx, ErrorCode.BAD_REPLAY_REQUEST, "a replay is already running on this session", false);
            return;
        }
        replay = new ReplaySession(ctx.channel(), router.journal(), ReplayFilter.of(request));
        ctx.channel().eventLoop().execute(replay);
    }

    private void onDeliveryAck(final ChannelHandlerContext ctx, final ByteBuf frame)
    {
        router.counters().incDeliveryAcks();
        final long index = DeliveryAckReader.index(frame);
        if (index < 0)
        {
            protocolError(ctx, ErrorCode.MALFORMED_FRAME, "DELIVERY_ACK does not carry a journal_index", false);
        }
        else if (!session.feed().onAck(index))
        {
            protocolError(ctx, ErrorCode.BAD_DELIVERY_ACK, "journal index " + index + " (0x" + Long.toHexString(index)
                + ") was never delivered to " + session.terminalId(), false);
        }
    }

    private void onLatestPositions(final ChannelHandlerContext ctx, final ByteBuf frame)
    {
        final LatestPositionsRequest request;
        try
        {
            request = LatestPositionsRequest.parseFrom(payload(frame));
        }
        catch (final InvalidProtocolBufferException ex)
        {
            protocolError(ctx, ErrorCode.BAD_REPLAY_REQUEST, "LATEST_POSITIONS_REQUEST does not parse: " + ex.getMessage(), false);
            return;
        }
        final String region = request.getRegionCode().isEmpty() ? session.regionCode() : request.getRegionCode();
        String problem = request.getRequestId() == 0 ? "request_id must not be 0" : RegionCode.problem(region);
        if (problem == null && router.gatekeeper().authenticating()
            && (!session.isCommandPost() || !region.startsWith(session.regionCode())))
        {
            problem = "NOT_AUTHORIZED: only a command post may ask, and only for its own region " + session.regionCode();
        }
        if (problem != null)
        {
            protocolError(ctx, ErrorCode.BAD_REPLAY_REQUEST, problem, false);
            return;
        }
        LatestPositions.send(ctx.channel(), router.journal(), router.cursors().terminals(), region, request.getRequestId());
    }

    private static java.nio.ByteBuffer payload(final ByteBuf frame)
    {
        return frame.nioBuffer(frame.readerIndex() + Frames.TYPE_BYTES, frame.readableBytes() - Frames.TYPE_BYTES);
    }

    /** PUBLISH (protocol.md 4.2): the sequencer decides, this answers; acks go out together at the batch's end. */
    private void onPublish(final ChannelHandlerContext ctx, final ByteBuf frame)
    {
        final PublishOutcome out = router.sequencer().publish(session, frame);
        if (out.accepted())
        {
            session.acks().ack(ctx, session.terminalIdBytes(), out.sequence(), out.index(), out.duplicate(),
                out.deliveredNow(), out.unknownTerminals(), out.unknownCount());
        }
        else
        {
            ControlFrames.publishNack(ctx, session.acks(), out);
        }
    }

    private void protocolError(final ChannelHandlerContext ctx, final ErrorCode code, final String message, final boolean fatal)
    {
        router.counters().incProtocolErrors();
        if (fatal)
        {
            LOG.info("closing {}: {} {}", describe(ctx), code, message);
            ControlFrames.sendFatal(ctx.channel(), code, message);
        }
        else
        {
            ctx.write(ControlFrames.error(ctx.alloc(), code, message, false), ctx.voidPromise());
        }
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx)
    {
        if (!router.gatekeeper().admit())
        {
            admitted = false;
            router.counters().incProtocolErrors();
            LOG.warn("refusing a connection from {}: at the limit of {} connections", ctx.channel().remoteAddress(),
                router.gatekeeper().config().maxConnections());
            ControlFrames.CLOSER.closeNow(ctx.channel(), ErrorCode.TOO_MANY_CONNECTIONS, "the router is at its limit of "
                + router.gatekeeper().config().maxConnections() + " connections");
            return;
        }
        admitted = true;
        final int handshakeMs = router.gatekeeper().config().handshakeTimeoutMs();
        handshakeTimer = ctx.executor().schedule(() ->
        {
            if (session == null && ctx.channel().isActive())
            {
                // close at once: the error frame cannot go out through a TLS handshake that never finished
                router.counters().incProtocolErrors();
                ControlFrames.CLOSER.closeNow(ctx.channel(), ErrorCode.IDLE_TIMEOUT, "no HELLO within " + handshakeMs + " ms");
            }
        }, handshakeMs, TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event)
    {
        if (event instanceof IdleStateEvent && session != null)
        {
            protocolError(ctx, ErrorCode.IDLE_TIMEOUT, "nothing received for " + router.gatekeeper().config().idleTimeoutMs()
                + " ms (send HEARTBEAT)", true);
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx)
    {
        if (session != null)
        {
            session.acks().writeTo(ctx);
            session.feed().persist();
        }
        if (router.syncEachBatch())
        {
            router.journal().sync();
        }
        ctx.flush();
        // after the acks: subscribers are woken once per batch, and only once the batch is on disk when syncing
        DrainBatch.forThread().close();
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx)
    {
        if (ctx.channel().isWritable())
        {
            if (session != null)
            {
                session.feed().drain();
            }
            if (replay != null && !replay.isDone())
            {
                replay.run();
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        if (replay != null)
        {
            replay.cancel();
        }
        if (timer != null)
        {
            timer.cancel(false);
        }
        if (handshakeTimer != null)
        {
            handshakeTimer.cancel(false);
        }
        if (admitted)
        {
            router.gatekeeper().release();
        }
        if (session != null)
        {
            router.table().unregister(session);
            session.acks().release();
            session.feed().close();
            LOG.info("session closed {}", session);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        final Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof TooLongFrameException)
        {
            protocolError(ctx, ErrorCode.FRAME_TOO_LARGE, root.getMessage(), true);
        }
        else if (root instanceof CorruptedFrameException)
        {
            protocolError(ctx, ErrorCode.MALFORMED_FRAME, root.getMessage(), true);
        }
        else if (root instanceof IOException)
        {
            // connection reset and the like: nothing to tell a peer that is gone
            ctx.close();
        }
        else
        {
            LOG.warn("closing {} after {}", describe(ctx), root.toString());
            protocolError(ctx, ErrorCode.INTERNAL, "internal error: " + root, true);
        }
    }

    private String describe(final ChannelHandlerContext ctx)
    {
        return (session != null ? session.toString() : "unidentified peer") + " at " + ctx.channel().remoteAddress();
    }
}
