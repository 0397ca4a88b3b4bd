package io.emcomm.router.link;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

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

    /**
     * What crossed one link since the router started, for the {@code emcomm_link_*} metrics. Written by the link's
     * event loop once per read batch (not per message), read from any thread.
     */
    public static final class Traffic
    {
        private final AtomicLong imported = new AtomicLong();
        private final AtomicLong exported = new AtomicLong();
        private final AtomicLong connects = new AtomicLong();

        /** Messages from the peer journaled here (duplicates, expired and refused imports not counted). */
        public long imported()
        {
            return imported.get();
        }

        /** Messages this router sent the peer that the peer acknowledged. */
        public long exported()
        {
            return exported.get();
        }

        /** Times the link came up again after it had been up since the router started. */
        public long reconnects()
        {
            return Math.max(0, connects.get() - 1);
        }

        void imported(final long n)
        {
            imported.addAndGet(n); // once per read batch
        }

        void exported(final long n)
        {
            exported.addAndGet(n);
        }
    }

    private final ConcurrentHashMap<String, LinkState> byPeer = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Traffic> traffic = new ConcurrentHashMap<>();

    /** Records that a link with {@code peer} is up from {@code now}. */
    public void up(final String peer, final Direction direction, final String region, final Instant now)
    {
        byPeer.put(peer, new LinkState(peer, direction, region, true, now));
        traffic(peer).connects.incrementAndGet();
    }

    /** What crossed the link with {@code peer} since the router started (made on first use). Any thread. */
    public Traffic traffic(final String peer)
    {
        return traffic.computeIfAbsent(peer, p -> new Traffic());
    }

    /** Records that the link with {@code peer} is down from {@code now} (known, not connected). */
    public void down(final String peer, final Direction direction, final String region, final Instant now)
    {
        byPeer.put(peer, new LinkState(peer, direction, region, false, now));
    }

    /** Forgets the link with {@code peer} and what crossed it (a link that was never completed). */
    void forget(final String peer)
    {
        byPeer.remove(peer);
        traffic.remove(peer);
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
