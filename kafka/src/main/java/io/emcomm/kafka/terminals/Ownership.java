package io.emcomm.kafka.terminals;

import io.emcomm.router.terminal.AckWindow;
import io.emcomm.router.terminal.CursorStore;
import io.emcomm.router.terminal.TerminalState;
import io.emcomm.protocol.address.ChannelPattern;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the view's changes mean for this node (issue 15 item 2): its own claim read back makes it the owner (the
 * takeover is copied into its epoch, older epochs' keys deleted, the local {@link TerminalState} reset to the
 * takeover, the login's future completed); another node's claim of a terminal it owned is a loss (its writes are
 * dropped from now on, the {@link TerminalLostListener} is told); its subscription records read back complete or
 * fail the changes waiting on them; a zombie's record after its claim is deleted. Reader thread only.
 */
final class Ownership implements TerminalsView.Events
{
    private static final Logger LOG = LoggerFactory.getLogger(Ownership.class);

    private final TerminalSlots slots;
    private final TerminalWriter writer;
    private final TerminalLostListener listener;
    private final ClaimCounts counts;

    Ownership(final TerminalSlots slots, final TerminalWriter writer, final TerminalLostListener listener,
        final ClaimCounts counts)
    {
        this.slots = slots;
        this.writer = writer;
        this.listener = listener;
        this.counts = counts;
    }

    /**
     * The newest claim of a terminal: this node's own (it owns it now; a failover when the previous claim was another
     * node's) or another's (a loss, if it owned it). The per-node counts follow every claim.
     */
    @Override
    public void claimed(final TerminalHistory history, final ClaimRecord claim, final ClaimRecord previous,
        final TerminalSnapshot takeover)
    {
        final TerminalSlot slot = slots.slot(history.terminalId(), takeover.cursor().cursor());
        slot.snapshot = history.snapshot();
        final boolean own = claim.madeBy(writer.node(), writer.instance());
        counts.claimed(claim, previous, own);
        if (own)
        {
            synchronized (slot)
            {
                slot.epoch = takeover.epoch();
                slot.cursor = takeover.cursor().cursor();
                slot.acks.set(takeover.cursor().acks());
                slot.dirty = false;
            }
            slot.everOwned = true;
            reset(slot.state, takeover);
            writer.copy(slot, takeover);
            writer.delete(slot.partition, history.olderKeys());
            final CompletableFuture<TerminalState> waiting = writer.claimRead(claim.nonce());
            if (waiting != null)
            {
                waiting.complete(slot.state);
            }
            return;
        }
        final boolean lost;
        synchronized (slot)
        {
            lost = slot.epoch != TerminalSlot.NONE;
            slot.epoch = TerminalSlot.NONE;
            slot.dirty = false;
        }
        if (!slot.everOwned)
        {
            slot.state.cursor(takeover.cursor().cursor());
        }
        if (lost)
        {
            LOG.info("terminal {} taken over by node {} (epoch {})", slot.terminalId, claim.node(), takeover.epoch());
            try
            {
                listener.terminalLost(slot.terminalId, claim.node(), takeover.epoch());
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("terminal-lost listener failed for {}", slot.terminalId, ex);
            }
        }
    }

    /** A record of the newest epoch: the snapshot changes; this node's subscription change is committed. */
    @Override
    public void current(final TerminalHistory history, final TerminalKey key, final Object value)
    {
        final TerminalSlot slot = slots.slot(history.terminalId(), -1);
        slot.snapshot = history.snapshot();
        if (value instanceof SubscriptionsRecord s && s.instance() == writer.instance())
        {
            writer.subscriptionsRead(s.nonce(), true, slot.terminalId);
        }
        else if (value instanceof CursorRecord c && !slot.everOwned)
        {
            slot.state.cursor(c.cursor());
        }
    }

    /** A zombie's record: this node's subscription change (if it is one) failed; the owner deletes the key. */
    @Override
    public void fenced(final TerminalHistory history, final TerminalKey key, final Object value)
    {
        final TerminalSlot slot = slots.slot(history.terminalId(), -1);
        if (value instanceof SubscriptionsRecord s && s.instance() == writer.instance())
        {
            writer.subscriptionsRead(s.nonce(), false, slot.terminalId);
        }
        if (history.claim() != null && history.claim().madeBy(writer.node(), writer.instance()))
        {
            // a zombie's write after this node's claim: garbage in a key nobody reads again
            writer.delete(slot.partition, List.of(key));
        }
    }

    /** Makes this node's state object of the terminal the taken-over state. Reader thread. */
    private static void reset(final TerminalState state, final TerminalSnapshot takeover)
    {
        synchronized (state)
        {
            final AckWindow window = state.ackWindow();
            window.forgetSent();
            while (window.popDoneUpTo(Long.MAX_VALUE))
            {
                // empty the ledger: what an earlier session of this node acknowledged is in the takeover if it was written
            }
            state.cursor(takeover.cursor().cursor());
            for (final long ack : takeover.cursor().acks())
            {
                CursorStore.restoreAck(state, ack);
            }
            for (final ChannelPattern p : state.subscriptions())
            {
                if (!takeover.subscriptions().contains(p.pattern()))
                {
                    state.unsubscribe(p.pattern());
                }
            }
            for (final String p : takeover.subscriptions())
            {
                state.subscribe(p);
            }
        }
    }
}
