package io.emcomm.router.terminal;

import java.util.concurrent.CompletableFuture;

/**
 * A {@link CursorStore} shared by the router nodes of a site (issue 15 Deliver 2): a terminal may log in on any node,
 * so a login first <em>claims</em> the terminal in the cluster (the node then owns it and finds the state the last
 * owner left), a SUBSCRIBE is acknowledged only once its change is committed, a session's end writes its cursor at
 * once, and a claim made on another node is told to this one ({@link TerminalLost}) so it ends its session of that
 * terminal as a second login on one node does (protocol.md section 11, SESSION_REPLACED).
 *
 * <p>The router's own (Chronicle) store is not one of these: with it a login takes the state at once, on the event
 * loop, as before. Implementations live outside the router module (emcomm-kafka's store, given by the journal
 * backend, {@code io.emcomm.router.JournalBackend#cursorStore()}).
 *
 * <p>Thread-safety: any thread. Futures complete on the store's own thread: continue on the channel's event loop
 * ({@code whenCompleteAsync(..., loop)}) and never block in a dependent stage.
 */
public interface ClusterCursorStore extends CursorStore
{
    /** Told that another node claimed a terminal this node owned. */
    @FunctionalInterface
    interface TerminalLost
    {
        /**
         * This node no longer owns the terminal; its writes for it are dropped. Called on the store's thread: hand
         * the work to the session's event loop and return.
         *
         * @param terminalId the terminal
         * @param newOwner   the node id of the newer claim
         */
        void terminalLost(String terminalId, String newOwner);
    }

    /**
     * Claims the terminal for this node (a login accepted here). The state the future gives is the one object
     * {@link #terminal} gives for the id, reset to what the cluster holds.
     *
     * @param terminalId    the terminal
     * @param initialCursor the cursor of a terminal the cluster never saw (the journal's end at login)
     * @return the terminal's state; fails with a {@link java.util.concurrent.TimeoutException} after the store's claim
     *     timeout, or with the cluster's error
     */
    CompletableFuture<TerminalState> claim(String terminalId, long initialCursor);

    /**
     * Adds or removes a durable channel subscription, committed in the cluster (protocol.md section 6: the
     * SUBSCRIPTION_ACK waits for it).
     *
     * @return true when the set changed; fails when this node lost the terminal, on timeout, or with the cluster's error
     */
    CompletableFuture<Boolean> changeSubscriptionCommitted(TerminalState terminal, String pattern, boolean subscribed);

    /**
     * Writes the terminal's due cursor record now (a session ends). Does not block.
     *
     * @return completes when written (at once when nothing was due)
     */
    CompletableFuture<Void> flush(TerminalState terminal);

    /**
     * Sets who is told of lost terminals (the router, once its routing table exists); replaces the previous one.
     *
     * @param listener the listener, or null for none
     */
    void onTerminalLost(TerminalLost listener);

    /** @return how long a claim may take before it fails, in milliseconds (for the login's error message) */
    long claimTimeoutMs();
}
