package io.emcomm.kafka.terminals;

import java.util.List;

/**
 * A terminal's state as the cluster has it, read from the terminals topic: the newest claim and the state of its
 * epoch (what the owner wrote, or, before it wrote anything, what it took over). Immutable; any thread.
 *
 * @param terminalId    the terminal
 * @param epoch         the newest claim's offset, or -1 when no claim was read (state of a compacted claim only)
 * @param owner         the node of the newest claim, or "" when none was read
 * @param cursor        the cursor and the acknowledgements above it
 * @param subscriptions the durable channel subscriptions
 */
public record TerminalSnapshot(String terminalId, long epoch, String owner, CursorRecord cursor, List<String> subscriptions)
{
    /** Copies the list. */
    public TerminalSnapshot
    {
        subscriptions = List.copyOf(subscriptions);
    }
}
