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
    /** Adds a logged-in session; returns the session it replaced (same terminal id), or null. */
    Session register(Session session);

    /** Removes a session if it is still the one registered under its terminal id; its subscriptions go too. */
    void unregister(Session session);

    void subscribe(Session session, ChannelPattern pattern);

    void unsubscribe(Session session, ChannelPattern pattern);

    /** The live session of a terminal, or null. */
    Session terminal(String terminalId);

    /** Adds every session the destination reaches to {@code out}. */
    void resolve(Destination destination, Recipients out);

    int sessionCount();

    /** A snapshot of the live sessions (control plane). */
    java.util.Collection<Session> sessions();
}
