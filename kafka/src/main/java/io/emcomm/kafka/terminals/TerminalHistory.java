package io.emcomm.kafka.terminals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One terminal's records as read from the terminals topic, and the fencing rules over them (issue 15 item 2,
 * CLUSTER.md "emcomm.terminals"):
 * <ol>
 *   <li>The newest claim owns the terminal; its offset is the epoch.</li>
 *   <li>A state record of an epoch older than the newest claim read before it was written by a node that had lost
 *       the terminal (a zombie): it is fenced, kept only as a key to delete, and never becomes anyone's state.</li>
 *   <li>At a claim, the new epoch starts from the newest state every older epoch left: the largest cursor (a
 *       cursor only ever covers acknowledged or skipped messages, so the largest loses nothing), the union of the
 *       acknowledgements above it, and the subscriptions of the newest epoch that wrote any.</li>
 *   <li>The terminal's state is then its current epoch's records over what it took over.</li>
 * </ol>
 * Every state record holds the whole of its field (the full set of acks, the full set of subscriptions), so the
 * last record of each key, which is all compaction keeps, gives the same answer as the full log.
 *
 * <p>Only a claim whose owner died between its claim and its first copy, while a zombie wrote into the same older
 * key after that claim, can differ after compaction (the zombie's record replaces the older one and is fenced):
 * the next owner then takes an older cursor (redelivery, never loss). The owner copies at once, in microseconds.
 *
 * <p>Not thread-safe: the store's reader thread only.
 */
final class TerminalHistory
{
    private final String terminalId;
    private long claimEpoch = -1;
    private ClaimRecord claim;
    private TerminalSnapshot takeover;
    /** State accepted per epoch (never a fenced record), by epoch. */
    private final TreeMap<Long, EpochState> epochs = new TreeMap<>();
    /** Keys of fenced records not deleted yet: the next owner deletes them. */
    private final Set<TerminalKey> fencedKeys = new HashSet<>();

    /** What one epoch wrote; null where it wrote nothing (or it was deleted). */
    private static final class EpochState
    {
        CursorRecord cursor;
        SubscriptionsRecord subscriptions;
    }

    TerminalHistory(final String terminalId)
    {
        this.terminalId = terminalId;
    }

    String terminalId()
    {
        return terminalId;
    }

    /** The newest claim's epoch, -1 when none was read. */
    long claimEpoch()
    {
        return claimEpoch;
    }

    /** The newest claim, null when none was read. */
    ClaimRecord claim()
    {
        return claim;
    }

    /**
     * A claim read at {@code offset}: it becomes the newest, and its epoch starts from what the older ones left.
     *
     * @return the state the new epoch takes over
     */
    TerminalSnapshot claimed(final long offset, final ClaimRecord record)
    {
        takeover = merge(offset, record);
        claimEpoch = offset;
        claim = record;
        return takeover;
    }

    private TerminalSnapshot merge(final long epoch, final ClaimRecord record)
    {
        long cursor = Long.MIN_VALUE;
        SubscriptionsRecord subscriptions = null;
        for (final EpochState s : epochs.values()) // ascending epochs: the last with subscriptions is the newest
        {
            if (s.cursor != null)
            {
                cursor = Math.max(cursor, s.cursor.cursor());
            }
            if (s.subscriptions != null)
            {
                subscriptions = s.subscriptions;
            }
        }
        if (cursor == Long.MIN_VALUE)
        {
            cursor = record.initialCursor();
        }
        final long[] acks = acksAbove(cursor);
        return new TerminalSnapshot(terminalId, epoch, record.node(), new CursorRecord(cursor, acks),
            subscriptions == null ? List.of() : subscriptions.patterns());
    }

    private long[] acksAbove(final long cursor)
    {
        long[] all = new long[0];
        for (final EpochState s : epochs.values())
        {
            if (s.cursor != null)
            {
                final long[] mine = s.cursor.acks();
                final int from = all.length;
                all = Arrays.copyOf(all, from + mine.length);
                System.arraycopy(mine, 0, all, from, mine.length);
            }
        }
        return Arrays.stream(all).filter(a -> a > cursor).sorted().distinct().toArray();
    }

    /**
     * Whether a state record of {@code epoch} read now is fenced: written into an epoch older than the newest claim
     * read before it. An epoch above the newest claim read is one whose claim compaction removed (a newer claim
     * follows): its records are older state, accepted.
     */
    boolean fenced(final long epoch)
    {
        return claimEpoch >= 0 && epoch < claimEpoch;
    }

    /** A fenced record: remembered only as a key to delete. */
    void fencedRecord(final TerminalKey key)
    {
        fencedKeys.add(key);
    }

    /** A cursor record of an accepted epoch. */
    void cursor(final long epoch, final CursorRecord record)
    {
        epochs.computeIfAbsent(epoch, e -> new EpochState()).cursor = record;
    }

    /** A subscriptions record of an accepted epoch. */
    void subscriptions(final long epoch, final SubscriptionsRecord record)
    {
        epochs.computeIfAbsent(epoch, e -> new EpochState()).subscriptions = record;
    }

    /** A tombstone: the key's record is gone. */
    void deleted(final TerminalKey key)
    {
        fencedKeys.remove(key);
        final EpochState s = epochs.get(key.epoch());
        if (s == null)
        {
            return;
        }
        if (key.field() == TerminalKey.Field.CURSOR)
        {
            s.cursor = null;
        }
        else
        {
            s.subscriptions = null;
        }
        if (s.cursor == null && s.subscriptions == null)
        {
            epochs.remove(key.epoch());
        }
    }

    /**
     * The keys an owner of the current epoch deletes: every older epoch's state and every fenced record read.
     *
     * @return the keys, oldest epoch first
     */
    List<TerminalKey> olderKeys()
    {
        final List<TerminalKey> keys = new ArrayList<>();
        for (final Map.Entry<Long, EpochState> e : epochs.headMap(claimEpoch, false).entrySet())
        {
            if (e.getValue().cursor != null)
            {
                keys.add(TerminalKey.state(terminalId, e.getKey(), TerminalKey.Field.CURSOR));
            }
            if (e.getValue().subscriptions != null)
            {
                keys.add(TerminalKey.state(terminalId, e.getKey(), TerminalKey.Field.SUBSCRIPTIONS));
            }
        }
        keys.addAll(fencedKeys);
        return keys;
    }

    /**
     * The terminal's state: the newest claim's epoch, what it wrote over what it took over. Without a claim read
     * (only its compacted state), the merge of what the epochs left.
     */
    TerminalSnapshot snapshot()
    {
        final TerminalSnapshot base = takeover != null ? takeover
            : merge(-1, new ClaimRecord("", 0, 0, -1));
        final EpochState own = claimEpoch >= 0 ? epochs.get(claimEpoch) : null;
        if (own == null)
        {
            return base;
        }
        return new TerminalSnapshot(terminalId, base.epoch(), base.owner(),
            own.cursor != null ? own.cursor : base.cursor(),
            own.subscriptions != null ? own.subscriptions.patterns() : base.subscriptions());
    }
}
