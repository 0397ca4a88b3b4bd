package io.emcomm.router.net;

import io.emcomm.router.route.RoutingTable;
import io.emcomm.router.session.Session;
import io.emcomm.router.terminal.ClusterCursorStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A second login on another node takes over as on one node (issue 15 Deliver 2; protocol.md section 11): when the
 * cluster's cursor store reads another node's claim of a terminal this node owned, this node's session of that
 * terminal, if it has one, is closed with SESSION_REPLACED on its event loop and its feed stops.
 *
 * <p>Called on the store's reader thread. The session is looked up there, at once: a later login of the same
 * terminal on this node registers only once its own claim, later in the topic, is read, so the session found is the
 * one the other node replaced and never a newer one.
 */
public final class TerminalTakeovers implements ClusterCursorStore.TerminalLost
{
    private static final Logger LOG = LoggerFactory.getLogger(TerminalTakeovers.class);

    private final RoutingTable table;

    /** @param table the node's routing table, where its sessions are found by terminal id */
    public TerminalTakeovers(final RoutingTable table)
    {
        this.table = table;
    }

    @Override
    public void terminalLost(final String terminalId, final String newOwner)
    {
        final Session session = table.terminal(terminalId);
        if (session == null || session.isPeer())
        {
            return; // no session here now (it ended, or its login is still claiming)
        }
        LOG.info("session {} replaced by a login on node {}", session, newOwner);
        session.channel().eventLoop().execute(() ->
        {
            session.feed().close();
            session.replacedBy("router node " + newOwner);
        });
    }
}
