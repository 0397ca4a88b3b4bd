package io.emcomm.router.route;

import io.emcomm.router.address.Destination;
import io.emcomm.protocol.address.ChannelPattern;
import io.emcomm.router.route.Recipients;
import io.emcomm.router.session.Session;

/**
 * Which sessions an address reaches. One table serves every address form: terminal, channel (with
 * wildcard subscriptions), region subtree with an optional kind filter, and up the chain of command.
 * {@link LocalRoutingTable} keeps it in this process; a clustered table can slot in behind this interface.
 *
 * <p>Thread-safety: {@link #resolve} is called concurrently from every event loop and must not block or
 * allocate; the mutators are control-plane calls and may be serialised internally.
 */
public interface RoutingTable
{
    /**
     * Adds a logged-in session; returns the session it replaced (same terminal id), or null. The session of a peer
     * link ({@link Session#peerScope()} not null, federation) goes to a list of its own that {@link #resolve}
     * consults by the scope's rules, never to the terminals by id, so a peer's router id does not shadow a
     * terminal of the same name; it replaces (and returns) the earlier session of the same peer id.
     */
    Session register(Session session);

    /**
     * Removes a session if it is still the one registered under its terminal id (or, for a peer, its peer id); its
     * subscriptions go too.
     */
    void unregister(Session session);

    void subscribe(Session session, ChannelPattern pattern);

    void unsubscribe(Session session, ChannelPattern pattern);

    /** The live session of a terminal, or null; never a peer link's session. */
    Session terminal(String terminalId);

    /**
     * Adds every session the destination reaches to {@code out}: terminals by the rules of protocol.md section 5,
     * and peer links whose {@link io.emcomm.router.address.PeerScope#reaches(Destination)} says it crosses them. A
     * message's ingress peer is kept out by the caller ({@link Recipients#exclude}).
     */
    void resolve(Destination destination, Recipients out);

    /** Live sessions, terminals and peer links. */
    int sessionCount();

    /** A snapshot of the live sessions, terminals and peer links (control plane). */
    java.util.Collection<Session> sessions();

    /** A snapshot of the live peer-link sessions (control plane); empty without federation. */
    java.util.Collection<Session> peers();

    /** The live session of the peer link with this router id, or null (control plane). */
    Session peer(String peerId);
}
