package io.emcomm.kafka.terminals;

import io.emcomm.router.terminal.CursorStore;
import io.emcomm.router.terminal.TerminalState;

import java.nio.charset.StandardCharsets;
import java.util.AbstractCollection;
import java.util.Collection;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.common.utils.Utils;

/**
 * Every terminal this node knows (read from the topic or asked for here), one {@link TerminalSlot} each, and the
 * partition of the terminals topic each terminal's records go to (by its id, so its claims and state stay in one
 * partition's order and its epochs are that partition's offsets). Any thread.
 */
final class TerminalSlots
{
    private final ConcurrentHashMap<String, TerminalSlot> slots = new ConcurrentHashMap<>();
    private final Collection<TerminalState> states = new StateCollection(slots.values());
    private volatile int partitions = 1;

    /** Sets the topic's partition count, before any slot is made. */
    void partitions(final int count)
    {
        partitions = count;
    }

    /** The terminal's slot, made with its state's cursor at {@code initialCursor} if it is new. */
    TerminalSlot slot(final String terminalId, final long initialCursor)
    {
        final TerminalSlot known = slots.get(terminalId);
        return known != null ? known : slots.computeIfAbsent(terminalId,
            id -> new TerminalSlot(id, partition(id), CursorStore.newState(id, initialCursor)));
    }

    private int partition(final String terminalId)
    {
        return Utils.toPositive(Utils.murmur2(terminalId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** The terminal's slot, null when unknown. Does not allocate. */
    TerminalSlot get(final String terminalId)
    {
        return slots.get(terminalId);
    }

    /** Whether the terminal is known. Does not allocate. */
    boolean contains(final String terminalId)
    {
        return slots.containsKey(terminalId);
    }

    int size()
    {
        return slots.size();
    }

    /** Every known terminal's state: a live view, not a copy. */
    Collection<TerminalState> states()
    {
        return states;
    }

    /** The slots' states as a collection, without copying. */
    private static final class StateCollection extends AbstractCollection<TerminalState>
    {
        private final Collection<TerminalSlot> slots;

        StateCollection(final Collection<TerminalSlot> slots)
        {
            this.slots = slots;
        }

        @Override
        public Iterator<TerminalState> iterator()
        {
            final Iterator<TerminalSlot> it = slots.iterator();
            return new Iterator<>()
            {
                @Override
                public boolean hasNext()
                {
                    return it.hasNext();
                }

                @Override
                public TerminalState next()
                {
                    return it.next().state;
                }
            };
        }

        @Override
        public int size()
        {
            return slots.size();
        }
    }
}
