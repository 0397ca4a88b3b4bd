package io.emcomm.router.admin;

/**
 * Where a router node on a shared journal (issue 15, {@code emcomm.journal.backend=kafka}) stands in the cluster, as
 * its backend reports it for {@code /status} ({@code cluster}) and the {@code emcomm_cluster_*} metrics
 * (docs/operations.md). A snapshot of values the backend keeps anyway; read on the operations and admin threads.
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
 * @param takeovers               sessions closed because another node claimed their terminal
 */
public record ClusterStatus(String backend, String bootstrap, long appliedOffset, long endOffset, long applyLag,
    long produceLatencyMicros, long produceLatencyMaxMicros, long claims, long takeovers)
{
}
