package io.emcomm.router.admin;

import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.counters.RouterCounters;
import io.emcomm.router.delivery.OutboundBudget;
import io.emcomm.router.journal.DiskGuard;
import io.emcomm.router.journal.Journal;
import io.emcomm.router.link.LinkStatus;
import io.emcomm.router.route.RoutingTable;

import java.util.List;

/**
 * What the admin endpoint, the status report and the metrics read from a running router. The router implements
 * it; admin depends on this view, not on the router, so the router can own its admin server without a package
 * cycle. Every method is safe from any thread (the values are live and change while read).
 */
public interface RouterView
{
    /** The router's configuration as it started. */
    RouterConfig config();

    /** The terminal port it listens on (the bound port when 0 was configured). */
    int port();

    /** True once it accepts terminals, false while starting or shutting down. */
    boolean isAccepting();

    /** The router's event counters. */
    RouterCounters counters();

    /** The journal (first and last index). */
    Journal journal();

    /** The connected sessions. */
    RoutingTable routingTable();

    /** The disk guard (free space, refusing). */
    DiskGuard diskGuard();

    /** The router-wide budget of delivery bytes held in memory. */
    OutboundBudget outboundBudget();

    /**
     * The peer links (federation, issue 16) with what this router still has to send each peer: the uplink first, then
     * the downlinks by peer id; empty for a router with no links. Counting reads the journal (bounded, at most once a
     * second): operator threads only.
     */
    List<LinkStatus> linkStatus();

    /**
     * Where this node stands in its cluster (issue 15), or null for a router with its own journal (Chronicle). Any
     * thread; a fresh snapshot per call.
     */
    default ClusterStatus cluster()
    {
        return null;
    }

    /**
     * Where one terminal is in this node's cluster (issue 15 item 6): the node of its newest claim. Any thread.
     *
     * @param terminalId the terminal
     * @return its place, or null for a terminal the cluster has no claim of, and always for a router with its own
     *     journal (Chronicle)
     */
    default ClusterTerminal clusterTerminal(final String terminalId)
    {
        return null;
    }
}
