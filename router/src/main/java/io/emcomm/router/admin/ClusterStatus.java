package io.emcomm.router.admin;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a router node on a shared journal (issue 15, {@code emcomm.journal.backend=kafka}) stands in the cluster, as
 * its backend reports it for {@code /status} ({@code cluster}) and the {@code emcomm_cluster_*} metrics
 * (docs/operations.md). A snapshot of values the backend keeps anyway; read on the operations and admin threads.
 *
 * <p>Takeovers and failovers are the two ends of one move: when a terminal logs in on node B while node A held its
 * claim, B counts a failover (it took the terminal from another node) and A a takeover (another node took it).
 *
 * @param backend                 the backend's name ({@code kafka})
 * @param bootstrap               the cluster's bootstrap servers
 * @param appliedOffset           the last log offset this node applied, -1 before any
 * @param endOffset               the log's end offset as of the apply loop's last fetch (the next offset to be written)
 * @param applyLag                records in the log past the last applied, as of the last fetch
 * @param produceLatencyMicros    the last applied record's time from its produce timestamp to its apply, microseconds
 *                                (across nodes it includes the clocks' difference)
 * @param produceLatencyMaxMicros the largest such time seen since start, microseconds
 * @param claims                  terminal claims this node made since start (logins accepted here)
 * @param takeovers               terminals this node held that another node claimed since start
 * @param failovers               claims of this node, since start, of a terminal whose previous claim was another
 *                                node's (the terminal moved here: its node died or it reconnected elsewhere)
 * @param terminalsHere           terminals whose newest claim is this node's (connected here, or last connected here)
 * @param terminalsByNode         router node id → terminals whose newest claim is that node's, sorted by id; nodes
 *                                with none are absent
 */
public record ClusterStatus(String backend, String bootstrap, long appliedOffset, long endOffset, long applyLag,
    long produceLatencyMicros, long produceLatencyMaxMicros, long claims, long takeovers, long failovers,
    long terminalsHere, Map<String, Long> terminalsByNode)
{
    /** Copies the map (its order kept). */
    public ClusterStatus
    {
        terminalsByNode = Collections.unmodifiableMap(new LinkedHashMap<>(terminalsByNode));
    }

    /** A report with nothing in it, for a node whose backend is gone (closing). */
    static ClusterStatus none()
    {
        return new ClusterStatus("", "", -1, 0, 0, 0, 0, 0, 0, 0, 0, Map.of());
    }
}
