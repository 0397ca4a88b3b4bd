package io.emcomm.kafka.terminals;

import io.emcomm.router.terminal.TerminalState;

import java.util.concurrent.CompletableFuture;

/**
 * One terminal on this node: its {@link TerminalState} (the one object the router's sessions of the terminal share
 * on this node), the epoch this node owns it under (if it does), the cursor and acks to write next, and what the
 * reader last read of it. The write side is guarded by this object's monitor, which is never held while taking
 * the terminal's (the router may hold the terminal's when it writes: terminal, then slot).
 */
final class TerminalSlot
{
    /** No epoch: this node does not own the terminal. */
    static final long NONE = -1;

    final String terminalId;
    final int partition;
    final TerminalState state;

    /** The epoch this node owns the terminal under, or {@link #NONE}. Guarded by this. */
    long epoch = NONE;
    /** The cursor to write in that epoch. Guarded by this. */
    long cursor;
    /** Acknowledgements above {@link #cursor} to write. Guarded by this. */
    final AckSet acks = new AckSet();
    /** Whether a cursor record is due (queued for the next flush). Guarded by this. */
    boolean dirty;
    /** The last subscriptions write of this node, null before the first. Guarded by the terminal's monitor. */
    CompletableFuture<Void> lastSubscriptions;

    /** Whether this node ever owned the terminal in this run (then the reader leaves its state to the sessions). Reader thread. */
    boolean everOwned;
    /** The cluster's view of the terminal, null until a record of it was read. Written by the reader, read by any thread. */
    volatile TerminalSnapshot snapshot;

    TerminalSlot(final String terminalId, final int partition, final TerminalState state)
    {
        this.terminalId = terminalId;
        this.partition = partition;
        this.state = state;
    }
}
