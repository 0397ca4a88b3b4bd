package io.emcomm.kafka.terminals;

/**
 * Told when this node lost a terminal it owned: another node's claim was read (a login there). The router closes
 * its session of that terminal as a second login on one node does (protocol.md section 11, SESSION_REPLACED).
 * Issue 15 item 2 ("A second login on another node takes over as it does on one node").
 */
@FunctionalInterface
public interface TerminalLostListener
{
    /**
     * This node no longer owns {@code terminalId}; its writes for it are dropped from now on. Called on the store's
     * reader thread: hand the work to the session's event loop and return, never block.
     *
     * @param terminalId the terminal
     * @param newOwner   the node id of the newer claim
     * @param epoch      the newer claim's epoch (its offset)
     */
    void terminalLost(String terminalId, String newOwner, long epoch);
}
