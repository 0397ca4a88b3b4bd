package io.emcomm.router.route;

import io.emcomm.router.address.Destination;
import io.emcomm.protocol.address.Address;
import io.emcomm.protocol.address.ChannelPattern;
import io.emcomm.protocol.region.RegionCode;
import io.emcomm.router.route.Recipients;
import io.emcomm.router.session.Session;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The routing table of a single router process. Terminals by id in a concurrent map; regions as a tree
 * keyed by code (every code on a registered terminal's chain has a node), each node holding copy-on-write
 * arrays of its members and command posts; channels in {@link ChannelSubscriptions}. The sessions of peer links
 * (federation) are a copy-on-write array of their own, consulted for every destination by their
 * {@link io.emcomm.router.address.PeerScope}: without federation it is empty and costs one loop over nothing.
 */
public final class LocalRoutingTable implements RoutingTable
{
    private static final Session[] NO_PEERS = new Session[0];

    private final ConcurrentHashMap<String, Session> terminals = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, RegionNode> regions = new ConcurrentHashMap<>();
    private final ChannelSubscriptions channels = new ChannelSubscriptions();
    /** Peer-link sessions, replaced whole under the table's lock; read by routing threads without one. */
    private volatile Session[] peers = NO_PEERS;

    @Override
    public synchronized Session register(final Session session)
    {
        if (session.peerScope() != null)
        {
            return registerPeer(session);
        }
        final Session previous = terminals.put(session.terminalId(), session);
        if (previous != null)
        {
            removeFromRegions(previous);
            channels.remove(previous, null);
        }
        final RegionNode node = node(session.regionCode());
        node.members = RegionNode.plus(node.members, session);
        if (session.isCommandPost())
        {
            node.commandPosts = RegionNode.plus(node.commandPosts, session);
        }
        return previous;
    }

    private Session registerPeer(final Session session)
    {
        final Session previous = peer(session.terminalId());
        peers = RegionNode.plus(previous == null ? peers : RegionNode.minus(peers, previous), session);
        return previous;
    }

    @Override
    public synchronized void unregister(final Session session)
    {
        if (session.peerScope() != null)
        {
            peers = RegionNode.minus(peers, session);
            return;
        }
        if (terminals.remove(session.terminalId(), session))
        {
            removeFromRegions(session);
            channels.remove(session, null);
        }
    }

    private void removeFromRegions(final Session session)
    {
        final RegionNode node = regions.get(session.regionCode());
        if (node != null)
        {
            node.members = RegionNode.minus(node.members, session);
            node.commandPosts = RegionNode.minus(node.commandPosts, session);
        }
    }

    /** The node of a code, creating it and its ancestors. Caller holds the lock. */
    private RegionNode node(final String code)
    {
        RegionNode node = regions.get(code);
        if (node == null)
        {
            node = new RegionNode(code);
            final String parent = RegionCode.parent(code);
            if (parent != null)
            {
                node(parent).addChild(node);
            }
            regions.put(code, node);
        }
        return node;
    }

    @Override
    public void subscribe(final Session session, final ChannelPattern pattern)
    {
        channels.add(session, pattern);
    }

    @Override
    public void unsubscribe(final Session session, final ChannelPattern pattern)
    {
        channels.remove(session, pattern.pattern());
    }

    @Override
    public Session terminal(final String terminalId)
    {
        return terminals.get(terminalId);
    }

    @Override
    public void resolve(final Destination destination, final Recipients out)
    {
        final Address address = destination.address();
        switch (address.scheme())
        {
            case TERMINAL:
            {
                final Session s = terminals.get(address.value());
                if (s != null)
                {
                    out.add(s);
                }
                break;
            }
            case CHANNEL:
                channels.collect(address.value(), out);
                break;
            case REGION:
            {
                final RegionNode node = regions.get(address.value());
                if (node != null)
                {
                    node.collectSubtree(address.kindMask(), out);
                }
                break;
            }
            case UP:
                for (final String code : destination.upChain())
                {
                    final RegionNode node = regions.get(code);
                    if (node != null)
                    {
                        for (final Session s : node.commandPosts)
                        {
                            out.add(s);
                        }
                    }
                }
                break;
            default:
                break;
        }
        for (final Session peer : peers)
        {
            if (peer.peerScope().reaches(destination))
            {
                out.add(peer);
            }
        }
    }

    @Override
    public java.util.Collection<Session> sessions()
    {
        final Session[] p = peers;
        if (p.length == 0)
        {
            return java.util.List.copyOf(terminals.values());
        }
        final java.util.List<Session> all = new java.util.ArrayList<>(terminals.values());
        all.addAll(java.util.Arrays.asList(p));
        return java.util.List.copyOf(all);
    }

    @Override
    public int sessionCount()
    {
        return terminals.size() + peers.length;
    }

    @Override
    public java.util.Collection<Session> peers()
    {
        return java.util.List.of(peers);
    }

    @Override
    public Session peer(final String peerId)
    {
        for (final Session p : peers)
        {
            if (p.terminalId().equals(peerId))
            {
                return p;
            }
        }
        return null;
    }
}
