package io.emcomm.router.link;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emcomm.protocol.envelope.DeliveryHeader;
import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.Advertise;
import io.emcomm.protocol.wire.Error;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.router.conn.ControlFrames;
import io.emcomm.router.conn.DeliveryAcks;
import io.emcomm.router.conn.FrameHandler;
import io.emcomm.router.config.JournalSync;
import io.emcomm.router.sequence.ImportOutcome;
import io.emcomm.router.session.Session;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The logged-in phase of a peer link between routers, the same at both ends (docs/protocol.md section 14.2): a
 * DELIVERY is imported into this router's journal ({@link io.emcomm.router.sequence.Sequencer#importDelivery}) and
 * acknowledged once per read batch, after the journal sync when {@code emcomm.journal.sync=batch} (cumulatively when
 * the sender numbers its frames); a DELIVERY_ACK moves this router's cursor for the peer, as a terminal's does; at the
 * parent end an ADVERTISE updates what the child serves (kept durably, passed upward) and a HEARTBEAT is answered; at
 * the child end the advertisement is sent whole on link-up and as coalesced deltas after, and HEARTBEATs go out at
 * the WELCOME's interval. Anything else is ERROR {@code UNEXPECTED_FRAME}.
 *
 * <p>One instance per link; event loop of the link. An import takes what {@code Sequencer.importDelivery} takes and
 * nothing more: the DELIVERY is read in place by a reused {@link DeliveryHeader}.
 */
public final class PeerLinkHandler extends FrameHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(PeerLinkHandler.class);

    /** Name of the handler in the pipeline. */
    public static final String NAME = "peer-link";

    private final PeerLinks links;
    private final Session session;
    /** True at the parent's end (the peer is a child): ADVERTISE is taken, HEARTBEAT answered. */
    private final boolean parentEnd;
    /** Child end: the parent's largest frame; an ADVERTISE is split under it. */
    private final int peerMaxFrameBytes;
    /** Child end: the WELCOME's heartbeat interval, milliseconds; 0 at the parent's end. */
    private final int heartbeatMs;
    private final DeliveryAcks deliveryAcks = new DeliveryAcks();
    private final DeliveryHeader delivery = new DeliveryHeader();
    private final ImportAcks importAcks;
    /** Parent end: the child's ADVERTISE frames; null at the child's end. */
    private final AdvertiseIntake advertised;
    /** Child end: this router's advertisement to the parent; null at the parent's end. */
    private volatile AdvertiseSender advertising;
    /** Set once the link is being closed for a failed import: nothing after it is imported or acknowledged. */
    private boolean closing;
    /** What crossed this link, for operators ({@link Links.Traffic}). */
    private final Links.Traffic traffic;
    /** Imports journaled in this read batch, added to {@link #traffic} at its end. */
    private int importedInBatch;

    private ScheduledFuture<?> timer;
    private ScheduledFuture<?> heartbeat;

    private PeerLinkHandler(final PeerLinks links, final Session session, final boolean parentEnd,
        final boolean cumulativeAcks, final int peerMaxFrameBytes, final int heartbeatMs)
    {
        super(links.counters(), links.journal(), links.config().journalSync() == JournalSync.BATCH);
        this.links = links;
        this.session = session;
        this.parentEnd = parentEnd;
        this.peerMaxFrameBytes = peerMaxFrameBytes;
        this.heartbeatMs = heartbeatMs;
        this.importAcks = new ImportAcks(cumulativeAcks, links.journal(), links.config().journalSync() == JournalSync.BATCH);
        this.advertised = parentEnd ? new AdvertiseIntake(links, session) : null;
        this.traffic = links.links().traffic(session.terminalId());
    }

    /**
     * The handler of a link a child opened here. A child router is this software, which takes cumulative
     * acknowledgements on every link.
     */
    public static PeerLinkHandler atParent(final PeerLinks links, final Session session)
    {
        return new PeerLinkHandler(links, session, true, true, 0, 0);
    }

    /**
     * The handler of this router's uplink, once the parent's WELCOME was checked.
     *
     * @param cumulativeAcks      the WELCOME's {@code cumulative_delivery_ack}
     * @param parentMaxFrameBytes the WELCOME's {@code max_frame_bytes}
     * @param heartbeatMs         the WELCOME's {@code heartbeat_interval_ms}
     */
    static PeerLinkHandler atChild(final PeerLinks links, final Session session, final boolean cumulativeAcks,
        final int parentMaxFrameBytes, final int heartbeatMs)
    {
        return new PeerLinkHandler(links, session, false, cumulativeAcks,
            Math.max(Frames.MIN_MAX_FRAME_BYTES, parentMaxFrameBytes), heartbeatMs);
    }

    /** The link's peer session. */
    public Session session()
    {
        return session;
    }

    /**
     * Starts the feed's timer; at the child end also the heartbeats and the advertisement: the whole of it now, deltas
     * from now on.
     */
    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        final long timerMs = links.config().timerIntervalMs();
        timer = ctx.executor().scheduleAtFixedRate(session.feed()::onTimer, timerMs, timerMs, TimeUnit.MILLISECONDS);
        if (!parentEnd)
        {
            advertising = new AdvertiseSender(links, ctx, peerMaxFrameBytes - Frames.TYPE_BYTES);
            advertising.sendFull();
            if (heartbeatMs > 0)
            {
                heartbeat = ctx.executor().scheduleAtFixedRate(() ->
                {
                    ControlFrames.heartbeat(ctx, links.clockMicros());
                    ctx.flush();
                }, heartbeatMs, heartbeatMs, TimeUnit.MILLISECONDS);
            }
            links.uplinkUp(this);
        }
    }

    @Override
    protected void onFrame(final ChannelHandlerContext ctx, final ByteBuf frame)
    {
        if (closing)
        {
            return;
        }
        final FrameType type = Frames.typeOf(frame);
        if (type == null)
        {
            protocolError(ctx, ErrorCode.MALFORMED_FRAME, "unknown frame type " + typeByte(frame), false);
            return;
        }
        switch (type)
        {
            case DELIVERY -> onDelivery(ctx, frame);
            case DELIVERY_ACK ->
            {
                links.counters().incDeliveryAcks();
                // what the peer acknowledged: the feed's unacknowledged count drops by it (nothing is sent meanwhile)
                final int before = session.feed().unacked();
                deliveryAcks.apply(this, ctx, frame, session.feed(), session.terminalId());
                traffic.exported(Math.max(0, before - session.feed().unacked()));
            }
            case ADVERTISE ->
            {
                if (parentEnd)
                {
                    onAdvertise(ctx, frame);
                }
                else
                {
                    protocolError(ctx, ErrorCode.UNEXPECTED_FRAME, "ADVERTISE goes from a child router to its parent", false);
                }
            }
            case HEARTBEAT ->
            {
                if (parentEnd)
                {
                    ControlFrames.heartbeat(ctx, links.clockMicros()); // the child's is answered; ours is not
                }
            }
            case ERROR, GOING_AWAY -> onPeerError(frame, type);
            case HELLO -> protocolError(ctx, ErrorCode.DUPLICATE_HELLO, "HELLO on an established peer link is ignored", false);
            default -> protocolError(ctx, ErrorCode.UNEXPECTED_FRAME, type + " is not a peer-link frame", false);
        }
    }

    @Override
    protected String peer()
    {
        return "peer link " + session;
    }

    /**
     * DELIVERY (protocol.md 14.3): read in place and imported; acknowledged at the batch's end. One that does not parse
     * cannot be acknowledged and closes the link (a router does not write one); one the journal cannot take closes it
     * too, after acknowledging what came before, so the peer sends it again on the next link.
     */
    private void onDelivery(final ChannelHandlerContext ctx, final ByteBuf frame)
    {
        final int payload = frame.readerIndex() + Frames.TYPE_BYTES;
        if (!delivery.wrap(frame, payload, frame.writerIndex() - payload))
        {
            closing = true;
            protocolError(ctx, ErrorCode.MALFORMED_FRAME, "DELIVERY does not parse: " + delivery.problem(), true);
            return;
        }
        final ImportOutcome out = links.sequencer().importDelivery(session, frame, delivery.envelopeOffset(),
            delivery.envelopeLength(), delivery.originKind(), delivery.originRegion());
        if (!out.acknowledge())
        {
            closing = true;
            importAcks.write(ctx);
            protocolError(ctx, ErrorCode.INTERNAL, "cannot import journal index " + delivery.journalIndex() + " from "
                + session.terminalId() + ": " + out.detail() + "; it is sent again on the next link", true);
            return;
        }
        if (out.kind() == ImportOutcome.Kind.IMPORTED)
        {
            importedInBatch++;
        }
        else if (out.kind() == ImportOutcome.Kind.REFUSED)
        {
            LOG.warn("peer link {}: refused journal index {}: {}", session, delivery.journalIndex(), out.detail());
        }
        importAcks.add(delivery.deliverySeq(), delivery.journalIndex());
    }

    /** ADVERTISE (protocol.md 14.4) from a child: applied now, kept and passed upward at the batch's end. */
    private void onAdvertise(final ChannelHandlerContext ctx, final ByteBuf frame)
    {
        final Advertise advertise;
        try
        {
            advertise = Advertise.parseFrom(payload(frame));
        }
        catch (final InvalidProtocolBufferException ex)
        {
            protocolError(ctx, ErrorCode.MALFORMED_FRAME, "ADVERTISE does not parse: " + ex.getMessage(), false);
            return;
        }
        final String problem = advertised.apply(advertise);
        if (problem != null)
        {
            protocolError(ctx, ErrorCode.MALFORMED_FRAME, "ADVERTISE ignored: " + problem, false);
        }
    }

    /** An ERROR or GOING_AWAY from the peer: logged; a fatal one is followed by the peer's close. */
    private void onPeerError(final ByteBuf frame, final FrameType type)
    {
        try
        {
            final Error error = Error.parseFrom(payload(frame));
            LOG.info("peer link {}: {} {} {}", session, type, error.getCode(), error.getMessage());
        }
        catch (final InvalidProtocolBufferException ex)
        {
            LOG.info("peer link {}: {} that does not parse", session, type);
        }
    }

    /** The local advertisement may have changed (child end): a delta goes to the parent soon. Any thread. */
    void advertisementChanged()
    {
        final AdvertiseSender sender = advertising;
        if (sender != null)
        {
            sender.changed();
        }
    }

    /**
     * Nothing arrived for too long: at the parent's end after {@code emcomm.idle.timeout.ms} (ERROR IDLE_TIMEOUT, as
     * for a terminal); at the child's end after three heartbeat intervals, when it closes and dials again.
     */
    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event)
    {
        if (event instanceof IdleStateEvent)
        {
            if (parentEnd)
            {
                protocolError(ctx, ErrorCode.IDLE_TIMEOUT, "nothing received on the peer link for "
                    + links.config().security().idleTimeoutMs() + " ms (send HEARTBEAT)", true);
            }
            else
            {
                LOG.warn("peer link {}: the parent was silent for three heartbeat intervals; closing to dial again", session);
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    /**
     * End of the read batch: the imports' acknowledgements (after the sync when syncing per batch), a child's changed
     * advertisement, this link's cursor; then the common sync, flush and wake-ups.
     */
    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx)
    {
        importAcks.write(ctx);
        if (importedInBatch > 0)
        {
            traffic.imported(importedInBatch);
            importedInBatch = 0;
        }
        if (advertised != null)
        {
            advertised.endOfBatch();
        }
        session.feed().persist();
        super.channelReadComplete(ctx);
    }

    /** Group commit: the batch's DELIVERY_ACKs wait for the imports to be durable (see FrameHandler). */
    @Override
    protected long holdForSync(final ChannelHandlerContext ctx, final long need)
    {
        return importAcks.hold(ctx, need);
    }

    @Override
    protected boolean writeSynced(final ChannelHandlerContext ctx, final long durable)
    {
        return importAcks.writeDurable(ctx, durable);
    }

    @Override
    protected void dropHeld()
    {
        importAcks.release();
    }

    /** The socket takes more again: the feed goes on. */
    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx)
    {
        if (ctx.channel().isWritable())
        {
            session.feed().drain();
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** Teardown: timers stop, the link leaves routing, its feed closes, the registry says it is down. */
    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        if (timer != null)
        {
            timer.cancel(false);
        }
        if (heartbeat != null)
        {
            heartbeat.cancel(false);
        }
        links.closed(session, this);
        importAcks.release(); // held acks of a link that is gone: the sender sends those messages again
        ctx.fireChannelInactive();
    }
}
