package io.emcomm.router.admin;

/**
 * Where one terminal is in a cluster of router nodes (issue 15 item 6), as the asked node read it from the cluster's
 * terminals record: the node of its newest claim. Served by {@code GET /terminal?id=ID} and printed by
 * {@code emcomm status --terminal ID} (docs/operations.md). Immutable.
 *
 * @param terminalId  the terminal
 * @param node        the router node id of its newest claim: where it is connected now, or was last connected
 * @param epoch       that claim's epoch (its offset in the terminals topic)
 * @param cursor      the terminal's durable cursor as the cluster holds it (written at most every flush interval)
 * @param subscribed  its durable channel subscriptions (count)
 */
public record ClusterTerminal(String terminalId, String node, long epoch, long cursor, int subscribed)
{
}
