package io.emcomm.router.terminal;

import java.util.Collection;

/**
 * Durable per-terminal delivery state: cursors, out-of-order acknowledgements and channel subscriptions.
 * {@link io.emcomm.router.journal.ChronicleCursorStore} keeps it in a Chronicle Queue beside the journal;
 * a replicated store can slot in behind this interface.
 *
 * <p>Thread-safety: the implementation is safe to call from any thread. Cursor moves are recorded through
 * {@link TerminalState}, which keeps them monotonic, by the feed that owns the terminal.
 */
public interface CursorStore extends AutoCloseable
{
    /** The state of a terminal, created with its cursor at {@code initialCursor} if it was never seen. */
    TerminalState terminal(String terminalId, long initialCursor);

    /** Every terminal ever seen (control plane). */
    Collection<TerminalState> terminals();

    /** Whether a terminal id ever logged in (has a recorded cursor). Any thread; must not block or allocate. */
    boolean contains(String terminalId);

    /**
     * Forgets a terminal as if it had never logged in (its cursor, acks and subscriptions), durably. For a peer link
     * that closed before it was ever completed (docs/federation.md): it must leave nothing behind. Control plane; the
     * caller makes sure nothing records for the id any more. A store that cannot forget keeps the state.
     *
     * @return whether the id was known and is forgotten
     */
    default boolean forget(final String terminalId)
    {
        return false;
    }

    /** Records that everything up to and including {@code cursor} is acknowledged. */
    void recordCursor(TerminalState terminal, long cursor);

    /** Records an acknowledgement above the cursor (out of order), so it survives a restart. */
    void recordAck(TerminalState terminal, long index);

    void recordSubscription(TerminalState terminal, String pattern, boolean subscribed);

    /**
     * Adds or removes a durable channel subscription and records the change if there was one.
     *
     * @return true when the terminal's subscriptions changed (the pattern was new, or was held and is removed).
     */
    default boolean changeSubscription(final TerminalState terminal, final String pattern, final boolean subscribed)
    {
        synchronized (terminal)
        {
            final boolean changed = subscribed ? terminal.subscribe(pattern) : terminal.unsubscribe(pattern);
            if (changed)
            {
                recordSubscription(terminal, pattern, subscribed);
            }
            return changed;
        }
    }

    /** Makes a new state that {@link #terminal} will find; for implementations rebuilding at start. */
    static TerminalState newState(final String terminalId, final long cursor)
    {
        return new TerminalState(terminalId, cursor);
    }

    /** Restores an out-of-order ack read back at start. */
    static void restoreAck(final TerminalState state, final long index)
    {
        if (index > state.cursor())
        {
            state.ackWindow().addAhead(index, AckWindow.DONE); // not reached by an in-order read yet
        }
    }

    /** Restores a cursor read back at start, dropping acks it covers. */
    static void restoreCursor(final TerminalState state, final long cursor)
    {
        state.cursor(cursor);
        while (!state.ackWindow().isEmpty() && state.ackWindow().popDoneUpTo(cursor))
        {
            // drop acknowledgements at or below the cursor
        }
    }

    /** Replays one persisted (un)subscription into a state being restored at start. */
    static void restoreSubscription(final TerminalState state, final String pattern, final boolean subscribed)
    {
        if (subscribed)
        {
            state.subscribe(pattern);
        }
        else
        {
            state.unsubscribe(pattern);
        }
    }

    @Override
    void close();
}
