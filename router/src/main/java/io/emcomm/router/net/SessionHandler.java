package io.emcomm.router.net;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.region.RegionCode;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.LatestPositionsRequest;
import io.emcomm.protocol.wire.ReplayRequest;
import io.emcomm.router.conn.ControlFrames;
import io.emcomm.router.conn.DeliveryAcks;
import io.emcomm.router.conn.FrameHandler;
import io.emcomm.router.journal.Journal;
import io.emcomm.router.replay.LatestPositions;
import io.emcomm.router.replay.ReplayFilter;
import io.emcomm.router.replay.ReplaySession;
import io.emcomm.router.sequence.PublishAnswers;
import io.emcomm.router.sequence.PublishOutcome;
import io.emcomm.router.session.AckBatch;
import io.emcomm.router.session.Session;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The logged-in phase of a connection: put in the pipeline by {@link HelloHandler} once a terminal is logged in,
 * it dispatches the terminal's frames (protocol.md section 3): PUBLISH to the sequencer (section 4), DELIVERY_ACK
 * to the feed (7.3), SUBSCRIBE and UNSUBSCRIBE ({@link SubscriptionRequests}, section 6), REPLAY_REQUEST and
 * LATEST_POSITIONS_REQUEST (section 8), HEARTBEAT (section 9). At the end of each read batch it writes the
 * batch's PUBLISH_ACKs, persists the cursor and flushes; when the connection closes it unregisters the session.
 * It closes the session after {@code emcomm.idle.timeout.ms} without input (an {@link IdleStateEvent}).
 *
 * <p>One instance per connection; event loop of the connection. A PUBLISH or DELIVERY_ACK takes no allocation
 * and no lock here beyond what the sequencer and the feed take.
 */
final class SessionHandler extends FrameHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(SessionHandler.class);

    /** Name of the handler in the pipeline. */
    static final String NAME = "session";

    private final Session session;
    /** The PUBLISH_ACKs of the current read batch. */
    private final AckBatch acks;
    private final SubscriptionRequests subscriptions;
    private final DeliveryAcks deliveryAcks = new DeliveryAcks();
    private final RouterContext router;
    private ReplaySession replay;
    private ScheduledFuture<?> timer;
    /** This connection's side of the intake governor (precedence under overload); set in handlerAdded. */
    private IntakeGate intake;
    /** This connection's context, for answers that come later (an ordered log); set in handlerAdded. */
    private ChannelHandlerContext context;
    /** Answers to publishes offered to an ordered log (issue 15): hopped onto this connection's event loop. */
    private final PublishAnswers later = this::answerLater;
    /** Whether a flush of the late answers is queued on the event loop already (event loop only). */
    private boolean lateFlushQueued;
    private final Runnable flushLate = this::flushLate;

    SessionHandler(final RouterContext router, final Session session)
    {
        super(router.counters(), router.journal(), router.syncEachBatch());
        this.router = router;
        this.session = session;
        this.subscriptions = new SubscriptionRequests(router, session);
        // acks flushed mid-batch (with a REPLAY_END or a fatal ERROR) must be on disk first, as at the batch's end
        final Journal journal = router.journal();
        this.acks = new AckBatch(router.syncEachBatch() ? journal::sync : null,
            groupCommit() ? journal.syncer()::awaitDurable : null);
    }

    /** The session this handler serves. */
    Session session()
    {
        return session;
    }

    /** This connection's intake gate (read side), for tests. */
    IntakeGate intake()
    {
        return intake;
    }

    /**
     * Starts the feed's timer (flash deadlines, slow consumers, shaping, cursor persistence) and joins the intake
     * governor.
     */
    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        context = ctx;
        intake = router.intake().open(ctx);
        final long timerMs = router.config().timerIntervalMs();
        timer = ctx.executor().scheduleAtFixedRate(session.feed()::onTimer, timerMs, timerMs, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void onFrame(final ChannelHandlerContext ctx, final ByteBuf frame)
    {
        final FrameType type = Frames.typeOf(frame);
        if (type == null)
        {
            protocolError(ctx, ErrorCode.MALFORMED_FRAME, "unknown frame type " + typeByte(frame), false);
            return;
        }
        if (type != FrameType.PUBLISH && !(type == FrameType.DELIVERY_ACK && groupCommit()))
        {
            // whatever this frame makes goes out after the acks already made; a DELIVERY_ACK makes nothing but a
            // rare ERROR, so with group commit it does not wait for the sync of held acks (a client that publishes
            // and receives on one connection would otherwise wait for the disk on every batch)
            acks.writeTo(ctx);
        }
        switch (type)
        {
            case PUBLISH -> onPublish(ctx, frame);
            case DELIVERY_ACK -> onDeliveryAck(ctx, frame);
            case LATEST_POSITIONS_REQUEST -> onLatestPositions(ctx, frame);
            case HEARTBEAT -> ControlFrames.heartbeat(ctx, router.clockMicros());
            case SUBSCRIBE, UNSUBSCRIBE ->
            {
                final String unparsed = subscriptions.onRequest(ctx, payload(frame), type == FrameType.SUBSCRIBE);
                if (unparsed != null)
                {
                    // an ERROR, not a SUBSCRIPTION_ACK: there is no request id to answer to
                    protocolError(ctx, ErrorCode.MALFORMED_FRAME, unparsed, false);
                }
            }
            case REPLAY_REQUEST -> onReplay(ctx, frame);
            case HELLO -> protocolError(ctx, ErrorCode.DUPLICATE_HELLO, "HELLO on an established session is ignored", false);
            default -> protocolError(ctx, ErrorCode.UNEXPECTED_FRAME, type + " is a router-to-client frame", false);
        }
    }

    @Override
    protected String peer()
    {
        return session.toString();
    }

    /** PUBLISH (protocol.md 4.2): the sequencer decides, this answers; acks go out together at the batch's end. */
    private void onPublish(final ChannelHandlerContext ctx, final ByteBuf frame)
    {
        final PublishOutcome out = router.sequencer().publish(session, frame, later);
        if (out.pending())
        {
            return; // offered to the ordered log: answered when this node applies it (answerLater)
        }
        if (out.accepted())
        {
            intake.published(out.precedence());
            acks.ack(ctx, session.terminalIdBytes(), out.sequence(), out.index(), out.duplicate(), out.deliveredNow(),
                out.unknownTerminals(), out.unknownCount());
        }
        else
        {
            ControlFrames.publishNack(ctx, acks, out);
        }
    }

    /**
     * The answer to a publish offered to an ordered log (issue 15), from the apply thread or the log's I/O thread: it
     * joins this connection's acks on its event loop, and one flush queued behind it sends every answer that came
     * meanwhile. Acks may so leave in another order than their publishes (protocol.md 4.2: match by origin and
     * sequence).
     */
    private void answerLater(final PublishOutcome out)
    {
        final ChannelHandlerContext ctx = context;
        ctx.executor().execute(() ->
        {
            if (!ctx.channel().isActive())
            {
                return; // gone: a retry is answered from the journal (a duplicate) or offered again
            }
            if (out.accepted())
            {
                intake.published(out.precedence());
                acks.ack(ctx, session.terminalIdBytes(), out.sequence(), out.index(), out.duplicate(), out.deliveredNow(),
                    out.unknownTerminals(), out.unknownCount());
            }
            else
            {
                ControlFrames.publishNack(ctx, acks, out);
            }
            if (!lateFlushQueued)
            {
                lateFlushQueued = true;
                ctx.executor().execute(flushLate);
            }
        });
    }

    private void flushLate()
    {
        lateFlushQueued = false;
        if (context.channel().isActive())
        {
            if (groupCommit())
            {
                acks.writeTo(context); // behind any held acks, after their sync
            }
            else
            {
                acks.writeAtBatchEnd(context);
            }
            context.flush();
        }
    }

    /** DELIVERY_ACK (protocol.md 7.3), read in place ({@link DeliveryAcks}). */
    private void onDeliveryAck(final ChannelHandlerContext ctx, final ByteBuf frame)
    {
        router.counters().incDeliveryAcks();
        deliveryAcks.apply(this, ctx, frame, session.feed(), session.terminalId());
    }

    /** REPLAY_REQUEST (protocol.md 8.1): one replay at a time per session, streamed on this event loop. */
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
        replay = new ReplaySession(ctx.channel(), router.journal(), ReplayFilter.of(request), ControlFrames::replayEnd);
        ctx.channel().eventLoop().execute(replay);
    }

    /**
     * LATEST_POSITIONS_REQUEST (protocol.md 8.2): with authentication on, only a command post, and only for its own
     * region subtree.
     */
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
        if (problem == null && router.accessControl().authenticating()
            && (!session.isCommandPost() || !region.startsWith(session.regionCode())))
        {
            problem = "NOT_AUTHORIZED: only a command post may ask, and only for its own region " + session.regionCode();
        }
        if (problem != null)
        {
            protocolError(ctx, ErrorCode.BAD_REPLAY_REQUEST, problem, false);
            return;
        }
        LatestPositions.send(ctx.channel(), router.journal(), router.cursors().terminals(), region, request.getRequestId(),
            ControlFrames::replayEnd);
    }

    /** Nothing arrived for {@code emcomm.idle.timeout.ms}: the session ends with IDLE_TIMEOUT (protocol.md section 9). */
    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event)
    {
        if (event instanceof IdleStateEvent)
        {
            protocolError(ctx, ErrorCode.IDLE_TIMEOUT, "nothing received for " + router.accessControl().config().idleTimeoutMs()
                + " ms (send HEARTBEAT)", true);
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    /**
     * End of the read batch: the batch's acks, then the cursor, then the common sync and flush; then, when the
     * router is overloaded and this connection published only ROUTINE/PRIORITY, its reading pauses
     * ({@link IntakeGovernor}).
     */
    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx)
    {
        acks.writeAtBatchEnd(ctx);
        session.feed().persist();
        super.channelReadComplete(ctx);
        intake.afterReadBatch(ctx);
    }

    /** Group commit: this batch's acks wait for {@code need} to be durable (see FrameHandler). */
    @Override
    protected long holdForSync(final ChannelHandlerContext ctx, final long need)
    {
        return acks.hold(need);
    }

    @Override
    protected boolean writeSynced(final ChannelHandlerContext ctx, final long durable)
    {
        return acks.writeDurable(ctx, durable);
    }

    @Override
    protected void dropHeld()
    {
        acks.release();
    }

    /** The socket takes more again: resume the feed and a replay that waited for it. */
    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx)
    {
        if (ctx.channel().isWritable())
        {
            session.feed().drain();
            if (replay != null && !replay.isDone())
            {
                replay.run();
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** Teardown: the replay and timer stop, the session leaves the routing table, its feed closes. */
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
        if (intake != null)
        {
            intake.close();
        }
        router.table().unregister(session);
        acks.release();
        session.feed().close();
        if (router.cursors() instanceof io.emcomm.router.terminal.ClusterCursorStore cluster)
        {
            cluster.flush(session.terminal()); // issue 15: the next node to claim the terminal finds the last acks
        }
        LOG.info("session closed {}", session);
        ctx.fireChannelInactive();
    }
}
