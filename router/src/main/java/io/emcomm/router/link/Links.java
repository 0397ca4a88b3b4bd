package io.emcomm.router.link;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The router's peer links and their state, for operators (status, metrics): one entry per peer router this router has
 * a link with or kept an advertisement of, whether connected now, and since when it is connected or not. The links
 * themselves ({@link PeerLinkHandler}, {@link UplinkConnector}) report here; readers get a plain snapshot.
 *
 * <p>Thread-safe: written by the links' event loops, read from any thread.
 */
public final class Links
{
    /** Which end of the link this router is. */
    public enum Direction
    {
        /** This router dialled its parent. */
        UPLINK,
        /** A child router dialled this one. */
        DOWNLINK
    }

    /**
     * One link as it stands.
     *
     * @param peer      the peer's router id
     * @param direction whether the peer is this router's parent (uplink) or a child (downlink)
     * @param region    the child's region for a downlink; this router's own region for the uplink
     * @param connected whether a link with the peer is up now
     * @param since     when it came up, or when it went down (or, never connected since start, when the router started)
     */
    public record LinkState(String peer, Direction direction, String region, boolean connected, Instant since)
    {
    }

    private final ConcurrentHashMap<String, LinkState> byPeer = new ConcurrentHashMap<>();

    /** Records that a link with {@code peer} is up from {@code now}. */
    public void up(final String peer, final Direction direction, final String region, final Instant now)
    {
        byPeer.put(peer, new LinkState(peer, direction, region, true, now));
    }

    /** Records that the link with {@code peer} is down from {@code now} (known, not connected). */
    public void down(final String peer, final Direction direction, final String region, final Instant now)
    {
        byPeer.put(peer, new LinkState(peer, direction, region, false, now));
    }

    /** The state of the link with {@code peer}, or null when there is none. */
    public LinkState link(final String peer)
    {
        return byPeer.get(peer);
    }

    /** Every link, the uplink first, then the downlinks by peer id: a snapshot. */
    public List<LinkState> links()
    {
        final List<LinkState> all = new ArrayList<>(byPeer.values());
        all.sort(Comparator.comparing(LinkState::direction).thenComparing(LinkState::peer));
        return all;
    }
}
