package io.emcomm.router.link;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.Error;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Hello;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Welcome;
import io.emcomm.router.config.FederationSettings;
import io.emcomm.router.config.JournalSync;
import io.emcomm.router.conn.ControlFrames;
import io.emcomm.router.conn.HandshakePhase;
import io.emcomm.router.delivery.LinkProfile;
import io.emcomm.router.session.Session;
import io.emcomm.router.terminal.TerminalIdentity;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/**
 * The handshake of the uplink at the child's end (docs/protocol.md section 14.1): HELLO as a router (kind ROUTER, this
 * router's id and region, the uplink credential and profile), then the parent's answer. A WELCOME from the expected
 * parent with {@code peer_link} opens the link's peer session and hands the connection to a {@link PeerLinkHandler};
 * anything else (another router id, no {@code peer_link}, an ERROR such as INVALID_KIND from a router that does not
 * take peer links, nothing within the handshake timeout) is one log line and a close, after which the connector dials
 * again.
 *
 * <p>One instance per dial; event loop of the connection.
 */
final class UplinkHandshake extends HandshakePhase
{
    static final String NAME = "uplink-handshake";

    private final PeerLinks links;
    private final UplinkConnector connector;
    private final LinkProfile profile;
    private final FederationSettings federation;

    UplinkHandshake(final PeerLinks links, final UplinkConnector connector, final LinkProfile profile)
    {
        super(links.counters(), links.journal(), links.config().journalSync() == JournalSync.BATCH);
        this.links = links;
        this.connector = connector;
        this.profile = profile;
        this.federation = links.config().federation();
    }

    /** Says HELLO and waits at most the handshake timeout for the answer. */
    @Override
    public void channelActive(final ChannelHandlerContext ctx)
    {
        final int timeoutMs = links.config().security().handshakeTimeoutMs();
        startTimer(ctx, timeoutMs, () ->
        {
            connector.problem("the router at " + connector.where() + " did not answer the uplink's HELLO within "
                + timeoutMs + " ms");
            ctx.close();
        });
        links.uplinkDialling(ctx.channel().localAddress());
        ControlFrames.hello(ctx.channel(), Hello.newBuilder()
            .setProtocolVersion(Frames.PROTOCOL_VERSION)
            .setTerminalId(links.config().routerId())
            .setKind(TerminalKind.ROUTER)
            .setRegionCode(federation.region())
            .setCredential(federation.uplinkCredential())
            .setLinkProfile(profile.name())
            .setClientName("emcomm-router uplink")
            .build());
        ctx.fireChannelActive();
    }

    @Override
    protected void onFrame(final ChannelHandlerContext ctx, final ByteBuf frame)
    {
        final FrameType type = Frames.typeOf(frame);
        try
        {
            if (type == FrameType.WELCOME)
            {
                onWelcome(ctx, Welcome.parseFrom(payload(frame)));
            }
            else if (type == FrameType.ERROR || type == FrameType.GOING_AWAY)
            {
                onRefused(ctx, Error.parseFrom(payload(frame)));
            }
            else
            {
                connector.problem("the router at " + connector.where() + " answered the uplink's HELLO with "
                    + (type == null ? "frame type " + typeByte(frame) : type) + ", not WELCOME");
                ctx.close();
            }
        }
        catch (final InvalidProtocolBufferException ex)
        {
            connector.problem("the router at " + connector.where() + " sent a " + type + " that does not parse");
            ctx.close();
        }
    }

    @Override
    protected String peer()
    {
        return "parent router " + connector.where();
    }

    private void onRefused(final ChannelHandlerContext ctx, final Error error)
    {
        if (error.getMessage().equals(selfLink(federation.uplink())))
        {
            connector.problem(error.getMessage()); // our own HELLO, refused by this very router
        }
        else if (error.getCode() == ErrorCode.INVALID_KIND)
        {
            connector.problem("the router at " + connector.where() + " does not accept peer links (" + error.getMessage() + ")");
        }
        else
        {
            connector.problem("the router at " + connector.where() + " refused the uplink: " + error.getCode() + " "
                + error.getMessage());
        }
        ctx.close();
    }

    /** What is said when {@code emcomm.uplink} points at this router itself (at the child's end and its own parent's). */
    static String selfLink(final String uplink)
    {
        return "emcomm.uplink " + uplink + " is this router itself; not linking";
    }

    /** The WELCOME must come from the parent named in the configuration, and accept a peer link. */
    private void onWelcome(final ChannelHandlerContext ctx, final Welcome welcome)
    {
        final String expected = federation.uplinkRouterId();
        if (welcome.getRouterId().equals(links.config().routerId()))
        {
            connector.problem(selfLink(federation.uplink()));
            ctx.close();
            return;
        }
        if (!welcome.getRouterId().equals(expected))
        {
            connector.problem("the router at " + connector.where() + " is '" + welcome.getRouterId() + "', not '" + expected
                + "' (emcomm.uplink.router.id); not linking");
            ctx.close();
            return;
        }
        if (!welcome.getPeerLink())
        {
            connector.problem("the router at " + connector.where() + " (" + expected + ") welcomed the uplink as a "
                + "terminal, not as a peer link; not linking");
            ctx.close();
            return;
        }
        cancelTimer();
        final Session session = links.open(ctx.channel(), new TerminalIdentity(expected, TerminalKind.ROUTER, ""), profile,
            links.parentScope(expected));
        connector.welcomed();
        if (welcome.getHeartbeatIntervalMs() > 0)
        {
            // three silent intervals and the parent is taken for gone (protocol.md section 9)
            ctx.pipeline().addFirst("idle", new IdleStateHandler(3L * welcome.getHeartbeatIntervalMs(), 0, 0,
                TimeUnit.MILLISECONDS));
        }
        ctx.pipeline().replace(this, PeerLinkHandler.NAME, PeerLinkHandler.atChild(links, session,
            welcome.getCumulativeDeliveryAck(), welcome.getMaxFrameBytes(), welcome.getHeartbeatIntervalMs()));
    }
}
