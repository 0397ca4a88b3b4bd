package io.emcomm.client;

import java.util.List;

/**
 * The answer to a replay: the journal entries in index order and the router's REPLAY_END totals.
 *
 * @param items     the entries, oldest first (empty when a listener consumed them)
 * @param count     how many entries the router sent
 * @param lastIndex the journal index of the last entry sent, 0 when none
 */
public record ReplayResult(List<Delivery> items, long count, long lastIndex)
{
    public ReplayResult
    {
        items = List.copyOf(items);
    }
}
