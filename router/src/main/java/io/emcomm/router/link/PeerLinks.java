package io.emcomm.router.link;

import io.emcomm.protocol.address.AddressException;
import io.emcomm.protocol.address.ChannelPattern;
import io.emcomm.protocol.region.RegionCode;
import io.emcomm.router.address.PeerScope;
import io.emcomm.router.config.FederationSettings;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.conn.ConnectionCloser;
import io.emcomm.router.conn.ControlFrames;
import io.emcomm.router.counters.RouterCounters;
import io.emcomm.router.delivery.ChannelSink;
import io.emcomm.router.delivery.DeliveryContext;
import io.emcomm.router.delivery.DeliveryFeed;
import io.emcomm.router.delivery.LinkProfile;
import io.emcomm.router.journal.DedupeWindows;
import io.emcomm.router.journal.Journal;
import io.emcomm.router.route.RoutingTable;
import io.emcomm.router.security.AccessCache;
import io.emcomm.router.security.AccessControl;
import io.emcomm.router.security.PublishRateLimiter;
import io.emcomm.router.sequence.Sequencer;
import io.emcomm.router.session.PublishState;
import io.emcomm.router.session.Session;
import io.emcomm.router.terminal.CursorStore;
import io.emcomm.router.terminal.TerminalIdentity;
import io.emcomm.router.terminal.TerminalState;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A router's side of the federation (issue 16; docs/protocol.md section 14): what both ends of a peer link share. It
 * opens a link's peer session (a child's login here, or the uplink once the parent welcomed it), keeps what the
 * children advertised ({@link ChildAdvertisements}), works out what this router advertises upward, and holds the
 * {@link Links} registry operators read. The router makes one at start; {@code net.HelloHandler} hands it a
 * child's login, {@link UplinkConnector} the uplink.
 *
 * <p>Thread-safe: links open on their own event loops; the advertisement is computed on the uplink's loop.
 */
public final class PeerLinks
{
    private static final Logger LOG = LoggerFactory.getLogger(PeerLinks.class);
    /** How long the backlogs of one {@link #status()} are shown again (the links' states are always read afresh). */
    private static final long STATUS_MAX_AGE_NANOS = 1_000_000_000L;

    private final RouterConfig config;
    /** The local address of the uplink's latest connection, to recognise an uplink that dialled this router itself. */
    private volatile SocketAddress uplinkLocal;
    private final LinkWarnings warnings = new LinkWarnings();
    /**
     * Children whose link is open but not completed (no ADVERTISE yet) and that were never linked before (no cursor, no
     * kept advertisement): if the link closes so, they leave nothing behind ({@link #closed}).
     */
    private final Set<String> unproven = ConcurrentHashMap.newKeySet();
    private final FederationSettings federation;
    private final Journal journal;
    private final DedupeWindows origins;
    private final RoutingTable table;
    private final Sequencer sequencer;
    private final RouterCounters counters;
    private final LongSupplier clock;
    private final CursorStore cursors;
    private final DeliveryContext delivery;
    private final AccessControl accessControl;
    private final ChildAdvertisements children;
    private final Links links = new Links();
    /** The backlogs {@link #status()} counted last, by peer, and when ({@link System#nanoTime()}); guarded by {@code this}. */
    private final Map<String, LinkBacklog> backlogs = new HashMap<>();
    private long backlogsAtNanos;
    /** The uplink's handler while it is up: told when the local advertisement may have changed. */
    private volatile PeerLinkHandler uplink;

    /**
     * @param config   the router's configuration ({@link RouterConfig#federation()} places it in the tree)
     * @param children what the children advertised, loaded from {@code DATA/links}
     */
    public PeerLinks(final RouterConfig config, final Journal journal, final DedupeWindows origins, final RoutingTable table,
        final Sequencer sequencer, final RouterCounters counters, final LongSupplier clock, final CursorStore cursors,
        final DeliveryContext delivery, final AccessControl accessControl, final ChildAdvertisements children)
    {
        this.config = config;
        this.federation = config.federation();
        this.journal = journal;
        this.origins = origins;
        this.table = table;
        this.sequencer = sequencer;
        this.counters = counters;
        this.clock = clock;
        this.cursors = cursors;
        this.delivery = delivery;
        this.accessControl = accessControl;
        this.children = children;
        final Instant now = Instant.now();
        for (final String peer : children.peers())
        {
            links.down(peer, Links.Direction.DOWNLINK, children.held(peer).region(), now);
        }
        if (federation.hasUplink())
        {
            // the uplink's cursor is fixed at the router's first start with it, not at the first link-up: what is
            // accepted here while the parent has never been reached still crosses (protocol.md 14.2)
            cursors.terminal(federation.uplinkRouterId(), journal.lastIndex());
            links.down(federation.uplinkRouterId(), Links.Direction.UPLINK, federation.region(), now);
        }
    }

    /** The links and their state, for operators. */
    public Links links()
    {
        return links;
    }

    /**
     * Every link with what this router still has to send its peer ({@link LinkBacklog}): the uplink first, then the
     * downlinks by peer id, connected or not (a child that is away is listed from its kept advertisement and its
     * cursor). Made at most once a second (status and metrics share it); each makes one bounded read of the journal
     * per link from the link's cursor. Operator threads; never an event loop.
     */
    public synchronized List<LinkStatus> status()
    {
        final long nanos = System.nanoTime();
        final boolean recount = nanos - backlogsAtNanos >= STATUS_MAX_AGE_NANOS || backlogs.isEmpty();
        final long now = clock.getAsLong(); // the router's clock decides expiry, as the feeds' does
        final List<LinkStatus> all = new ArrayList<>();
        for (final Links.LinkState state : links.links())
        {
            LinkBacklog backlog = recount ? null : backlogs.get(state.peer());
            if (backlog == null)
            {
                backlog = backlog(state, now);
                backlogs.put(state.peer(), backlog);
            }
            all.add(new LinkStatus(state, backlog, links.traffic(state.peer())));
        }
        if (recount)
        {
            backlogsAtNanos = nanos;
        }
        return all;
    }

    /** The backlog for one link's peer: over the live link's scope, or, while it is away, a scope made as on login. */
    private LinkBacklog backlog(final Links.LinkState state, final long nowMicros)
    {
        if (!cursors.contains(state.peer()))
        {
            return LinkBacklog.NONE; // never linked: nothing was ever selected for it
        }
        final Session live = table.peer(state.peer());
        final PeerScope scope = live != null ? live.peerScope()
            : state.direction() == Links.Direction.UPLINK ? parentScope(state.peer()) : childScope(state.peer(), state.region());
        return LinkBacklog.count(journal, cursors.terminal(state.peer(), journal.lastIndex()), scope, nowMicros,
            LinkBacklog.MAX_READ);
    }

    /** What the children advertised. */
    public ChildAdvertisements children()
    {
        return children;
    }

    RouterConfig config()
    {
        return config;
    }

    Journal journal()
    {
        return journal;
    }

    Sequencer sequencer()
    {
        return sequencer;
    }

    RouterCounters counters()
    {
        return counters;
    }

    RoutingTable table()
    {
        return table;
    }

    long clockMicros()
    {
        return clock.getAsLong();
    }

    /** The scope of a child's link, holding what it advertised before (so its catch-up selects for it at once). */
    PeerScope childScope(final String peerId, final String region)
    {
        final PeerScope scope = PeerScope.child(peerId, region);
        final ChildAdvertisements.Held held = children.held(peerId);
        if (held != null)
        {
            scope.advertise(held.advertisement().terminals(), patterns(peerId, held.advertisement().channels()));
        }
        return scope;
    }

    /** The scope of the uplink: this router's region, and what is served here or below stays here. */
    PeerScope parentScope(final String parentId)
    {
        return PeerScope.parent(parentId, federation.region(), this::servedHere);
    }

    /**
     * Whether a terminal id is served here or below: it has a cursor here (and is not a router), or a child advertised
     * it. Publishing event loops; no lock, no allocation.
     */
    boolean servedHere(final String id)
    {
        return cursors.contains(id) && !isRouter(id) || children.servesTerminal(id);
    }

    /**
     * Whether a child advertised terminal {@code id} (it is connected or known somewhere below this router), so that a
     * PUBLISH_ACK does not call it unknown (docs/protocol.md section 4.2). Publishing event loops; no lock, no
     * allocation.
     */
    public boolean servedBelow(final String id)
    {
        return children.servesTerminal(id);
    }

    /**
     * Whether {@code id} is a router's: this one's, its parent's, or a child's this router has linked with or kept an
     * advertisement of. Router ids and terminal ids share one namespace (one cursor store). Any thread; no allocation.
     */
    public boolean isRouter(final String id)
    {
        return id.equals(config.routerId()) || id.equals(federation.uplinkRouterId()) || children.held(id) != null
            || links.link(id) != null;
    }

    /**
     * A child router's HELLO was accepted (docs/protocol.md section 14.1, checked by {@code net.HelloHandler}): opens
     * its link's session, answers WELCOME with {@code peer_link} and hands the connection to a
     * {@link PeerLinkHandler} in place of {@code handshake}. The connection's event loop, inside the HELLO's read batch.
     *
     * @param identity  the child as it logged in (its router id, kind ROUTER, its region)
     * @param profile   the link profile of its HELLO: shapes what this router sends it
     * @param handshake the handler the link's handler replaces
     */
    public void acceptChild(final ChannelHandlerContext ctx, final TerminalIdentity identity, final LinkProfile profile,
        final ChannelHandler handshake)
    {
        final String peerId = identity.terminalId();
        final boolean replacing = table.peer(peerId) != null;
        final Session session = open(ctx.channel(), identity, profile, childScope(peerId, identity.regionCode()));
        ControlFrames.welcome(ctx, config.routerId(), origins.state(peerId).highestSequence(), config.maxFrameBytes(),
            config.heartbeatIntervalMs(), replacing, accessControl.config().idleTimeoutMs(),
            accessControl.config().handshakeTimeoutMs(), true,
            config.inFlightLimit());
        ctx.pipeline().replace(handshake, PeerLinkHandler.NAME, PeerLinkHandler.atParent(this, session));
    }

    /** The uplink's connection from {@code local} is about to say HELLO. Event loop of the uplink. */
    void uplinkDialling(final SocketAddress local)
    {
        uplinkLocal = local;
    }

    /**
     * A child router's HELLO was refused ({@code net.HelloHandler}): one WARN per (router id, reason), then debug
     * ({@link LinkWarnings#refusedChild}). The connection's event loop.
     *
     * @param peerId the router id of the HELLO
     * @param from   the remote address, for the log line
     * @param code   the ERROR code sent
     * @param reason the ERROR message sent
     */
    public void refusedChild(final String peerId, final String from, final String code, final String reason)
    {
        warnings.refusedChild(peerId, from, code, reason);
    }

    /** "emcomm.uplink HOST:PORT is this router itself", for the refusal of such a HELLO. */
    public String selfLinkProblem()
    {
        return UplinkHandshake.selfLink(federation.uplink());
    }

    /**
     * Whether a HELLO from {@code remote} is this router's own uplink: {@code emcomm.uplink} points at this router
     * itself. Event loop of the accepted connection.
     */
    public boolean isOwnUplink(final SocketAddress remote)
    {
        final SocketAddress local = uplinkLocal;
        return local != null && local.equals(remote);
    }

    /**
     * Opens the peer session of a link that has just been accepted (the child's HELLO here) or welcomed (the uplink):
     * its cursor, its feed over this router's journal (shaped by {@code profile}), its registration for routing; a
     * link already open with the same peer is replaced, as a second login replaces a session (protocol.md section 11).
     * The link's event loop, inside a read batch.
     *
     * @return the session, started (its catch-up begins once the read batch ends)
     */
    Session open(final Channel channel, final TerminalIdentity identity, final LinkProfile profile, final PeerScope scope)
    {
        final String peerId = identity.terminalId();
        if (scope.isChild() && !cursors.contains(peerId) && children.held(peerId) == null)
        {
            unproven.add(peerId);
        }
        final TerminalState terminal = cursors.terminal(peerId, journal.lastIndex());
        final DeliveryFeed feed = new DeliveryFeed(delivery, terminal, profile, new ChannelSink(channel));
        // imports are not publishes: no access policy and no rate limit apply to them (the first router applied both)
        final PublishState publishing = new PublishState(origins.state(peerId), new AccessCache(accessControl.policy()),
            new PublishRateLimiter(0, 0, accessControl.config().flashFloorPerSecond(), clock.getAsLong()));
        final Session session = Session.peer(identity, channel, feed, terminal, publishing, ConnectionCloser.INSTANCE, scope);
        final Session replaced;
        final boolean cursorValid;
        synchronized (terminal)
        {
            cursorValid = feed.start(session);
            terminal.regionCode(identity.regionCode());
            replaced = table.register(session);
        }
        counters.incSessionsOpened();
        if (replaced != null)
        {
            counters.incSessionsReplaced();
            replaced.feed().close();
            replaced.replacedBy(String.valueOf(channel.remoteAddress()));
        }
        if (!cursorValid)
        {
            LOG.warn("the cursor of peer link {} lay beyond the journal's end; forwarding resumes from the end", peerId);
        }
        if (replaced != null)
        {
            warnings.replacedLink(peerId, channel.remoteAddress(), links.link(peerId), Instant.now());
        }
        links.up(peerId, scope.isChild() ? Links.Direction.DOWNLINK : Links.Direction.UPLINK,
            scope.isChild() ? identity.regionCode() : federation.region(), Instant.now());
        LOG.info("peer link {} {} from {}{}{}", scope.isChild() ? "from child" : "to parent", identity,
            channel.remoteAddress(), profile.isShaped() ? " link " + profile.name() : "",
            replaced != null ? " (replaced an older link)" : "");
        return session;
    }

    /** The link of {@code session} closed: it leaves routing, its feed stops, the registry says since when. */
    void closed(final Session session, final PeerLinkHandler handler)
    {
        table.unregister(session);
        session.feed().close();
        final PeerScope scope = session.peerScope();
        if (table.peer(session.terminalId()) == null)
        {
            links.down(session.terminalId(), scope.isChild() ? Links.Direction.DOWNLINK : Links.Direction.UPLINK,
                scope.isChild() ? session.regionCode() : federation.region(), Instant.now());
        }
        if (uplink == handler)
        {
            uplink = null;
        }
        if (table.peer(session.terminalId()) == null && unproven.remove(session.terminalId()))
        {
            // e.g. a child configured for another parent id: it closes after the WELCOME; no DISCONNECTED downlink,
            // growing backlog or cursor may stay behind for a router that never linked
            links.forget(session.terminalId());
            cursors.forget(session.terminalId());
            synchronized (this)
            {
                backlogs.remove(session.terminalId());
            }
            LOG.info("peer link closed {} before it was completed (no ADVERTISE); never linked before, so nothing of it "
                + "is kept", session);
            return;
        }
        LOG.info("peer link closed {}", session);
    }

    /** A child's first ADVERTISE arrived: its link is completed and is kept from now on. Event loop of the link. */
    void advertiseReceived(final String peerId)
    {
        unproven.remove(peerId);
    }

    /** The uplink is up with {@code handler}: it is told of changes to the local advertisement from now on. */
    void uplinkUp(final PeerLinkHandler handler)
    {
        uplink = handler;
    }

    /**
     * Whether a child serving {@code childRegion} may advertise terminal {@code id}: not when this router's terminal
     * registry lists the id in a region outside the child's subtree (a compromised child could otherwise draw messages
     * for another region's terminal to itself).
     */
    boolean mayAdvertise(final String childRegion, final String id)
    {
        final String registered = accessControl.registeredRegion(id);
        return registered == null || RegionCode.contains(childRegion, registered);
    }

    /**
     * A child's advertisement changed: it is kept (durably) and its link's scope follows it; this router's own
     * advertisement upward changes with it.
     */
    void childAdvertised(final PeerScope scope, final String region, final Advertisement advertisement)
    {
        scope.advertise(advertisement.terminals(), patterns(scope.peerId(), advertisement.channels()));
        children.put(scope.peerId(), region, advertisement);
        localChanged();
    }

    /**
     * What this router's subtree may serve changed (a terminal's first login, a SUBSCRIBE or UNSUBSCRIBE, a child's
     * advertisement): the uplink, if up, sends the difference soon (coalesced). Any thread; cheap.
     */
    public void localChanged()
    {
        final PeerLinkHandler up = uplink;
        if (up != null)
        {
            up.advertisementChanged();
        }
    }

    /**
     * This router's advertisement to its parent (protocol.md section 14.4): its own terminals with a cursor (routers
     * excluded) and their durable subscriptions, and whatever its children advertised. The uplink's event loop.
     */
    Advertisement localAdvertisement()
    {
        final Set<String> terminals = new HashSet<>();
        final Set<String> channels = new HashSet<>();
        for (final TerminalState t : cursors.terminals())
        {
            if (isRouter(t.terminalId()))
            {
                continue;
            }
            terminals.add(t.terminalId());
            for (final ChannelPattern p : t.subscriptions())
            {
                channels.add(p.pattern());
            }
        }
        final Advertisement below = children.union();
        terminals.addAll(below.terminals());
        channels.addAll(below.channels());
        return new Advertisement(terminals, channels);
    }

    /** The patterns of an advertisement; one that does not parse is left out with a log line. */
    private static List<ChannelPattern> patterns(final String peerId, final Set<String> channels)
    {
        final List<ChannelPattern> out = new ArrayList<>(channels.size());
        for (final String c : channels)
        {
            try
            {
                out.add(ChannelPattern.parse(c));
            }
            catch (final AddressException ex)
            {
                LOG.warn("peer {} advertised channel pattern '{}', which does not parse: {}", peerId, c, ex.getMessage());
            }
        }
        return out;
    }
}
