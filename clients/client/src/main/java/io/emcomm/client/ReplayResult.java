package io.emcomm.client;

import java.util.List;

/**
 * The answer to a replay: the journal entries in index order and the router's REPLAY_END totals.
 *
 * @param items     the entries, oldest first (empty when a listener consumed them)
 * @param count     how many entries the router sent
 * @param lastIndex the journal index of the last entry sent, 0 when none
 * @param damaged   entries in the range the router could not read and skipped (a damaged journal; protocol.md
 *                  section 8.1); a replay with damaged entries is not the whole record
 */
public record ReplayResult(List<Delivery> items, long count, long lastIndex, long damaged)
{
    public ReplayResult
    {
        items = List.copyOf(items);
    }

    /** A result with no damaged entries. */
    public ReplayResult(final List<Delivery> items, final long count, final long lastIndex)
    {
        this(items, count, lastIndex, 0);
    }
}
