package io.emcomm.kafka.terminals;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where the cluster's terminals are, as this node's reader has read the terminals topic (issue 15 item 6): per router
 * node, the terminals whose newest claim is that node's (where each is connected now, or was last connected: a claim
 * stays until the next login elsewhere), and this node's failovers, its own claims of a terminal whose previous claim
 * was another node's. Every node reads the whole topic, so every node's counts agree once its reader has caught up.
 *
 * <p>Written by the reader thread only ({@link #claimed}); read from any thread (status and metrics).
 */
final class ClaimCounts
{
    private final ConcurrentHashMap<String, Long> byNode = new ConcurrentHashMap<>();
    private final LongAdder failovers = new LongAdder();

    /**
     * A claim was read: the terminal moves from {@code previous}'s node (if any) to {@code claim}'s. Reader thread.
     *
     * @param claim    the terminal's newest claim
     * @param previous the claim it replaces, null for the terminal's first read
     * @param own      whether {@code claim} is this node's (this store run's)
     */
    void claimed(final ClaimRecord claim, final ClaimRecord previous, final boolean own)
    {
        if (previous != null)
        {
            byNode.computeIfPresent(previous.node(), (n, c) -> c <= 1 ? null : c - 1);
            if (own && !previous.node().equals(claim.node()))
            {
                failovers.increment(); // the terminal came here from another node: a failover (a move or a dead node)
            }
        }
        byNode.merge(claim.node(), 1L, Long::sum);
    }

    /** @return terminals whose newest claim is {@code node}'s; any thread */
    long ownedBy(final String node)
    {
        return byNode.getOrDefault(node, 0L);
    }

    /** @return router node id → terminals whose newest claim is that node's, by id; a copy; any thread */
    Map<String, Long> byNode()
    {
        return new TreeMap<>(byNode);
    }

    /** @return this node's claims that took a terminal over from another node since the store opened; any thread */
    long failovers()
    {
        return failovers.sum();
    }
}
