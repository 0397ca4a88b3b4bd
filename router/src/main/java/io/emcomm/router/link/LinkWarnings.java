package io.emcomm.router.link;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The parent's warnings about children that keep doing the same wrong thing: a child HELLO refused again and again
 * (one WARN per router id and reason), and a link replaced by another of the same id moments after it came up (two
 * routers sharing one id; one WARN per id). The repeats are logged at debug, since a misconfigured child redials every
 * few seconds until someone fixes it. Logged under {@link PeerLinks}' name, where an operator reads the links' lines.
 *
 * <p>Thread-safe: any event loop.
 */
final class LinkWarnings
{
    private static final Logger LOG = LoggerFactory.getLogger(PeerLinks.class);
    /** A link replaced after less than this was most likely taken by a second router with the same id. */
    static final Duration FLAPPING_LINK = Duration.ofSeconds(10);
    /** Ids in a HELLO are the peer's to choose: the set of refusals warned about must not grow without bound. */
    private static final int MAX_REFUSALS_WARNED = 1024;

    private final Set<String> sharedIdWarned = ConcurrentHashMap.newKeySet();
    private final Set<String> refusalsWarned = ConcurrentHashMap.newKeySet();

    /**
     * A child router's HELLO was refused: one WARN per (router id, reason), then debug.
     *
     * @param peerId the router id of the HELLO
     * @param from   the remote address, for the log line
     * @param code   the ERROR code sent
     * @param reason the ERROR message sent
     */
    void refusedChild(final String peerId, final String from, final String code, final String reason)
    {
        if (refusalsWarned.size() >= MAX_REFUSALS_WARNED)
        {
            refusalsWarned.clear();
        }
        if (refusalsWarned.add(peerId + '\n' + code + '\n' + reason))
        {
            LOG.warn("refused the peer link of child router {} from {}: {} {} (repeats are logged at debug)", peerId, from,
                code, reason);
        }
        else
        {
            LOG.debug("refused the peer link of child router {} from {}: {} {}", peerId, from, code, reason);
        }
    }

    /**
     * A link replaced an open link of the same peer id. A router that restarts does so too, and that stays at INFO; but
     * a link that had been up for less than {@link #FLAPPING_LINK} is most likely a second router started with the
     * same id (the two take the link from each other at every login): one WARN per peer id, then debug.
     *
     * @param from the new link's remote address
     * @param old  the registry's state of the replaced link (before the new one is recorded), or null
     */
    void replacedLink(final String peerId, final SocketAddress from, final Links.LinkState old, final Instant now)
    {
        if (old == null || !old.connected() || Duration.between(old.since(), now).compareTo(FLAPPING_LINK) >= 0)
        {
            return;
        }
        final String what = "peer link " + peerId + " from " + from + " replaced a link of the same id that was up for "
            + "only " + Duration.between(old.since(), now).toMillis() + " ms: two routers share the id " + peerId + "?";
        if (sharedIdWarned.add(peerId))
        {
            LOG.warn(what);
        }
        else
        {
            LOG.debug(what);
        }
    }
}
