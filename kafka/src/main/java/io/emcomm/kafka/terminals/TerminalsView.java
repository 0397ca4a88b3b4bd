package io.emcomm.kafka.terminals;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every terminal's records as read from the terminals topic, in offset order, with the fencing rules of
 * {@link TerminalHistory} applied: the materialised view each node keeps of the whole topic (issue 15 item 2).
 * What a record changes is told to {@link Events} (the store acts on its own claims, losses and writes).
 * Replaying a compacted topic (the last record of each key, tombstones gone) gives the same snapshots as the full
 * log ({@code TerminalFencingTest}).
 *
 * <p>Not thread-safe: the store's reader thread only.
 */
final class TerminalsView
{
    private static final Logger LOG = LoggerFactory.getLogger(TerminalsView.class);

    /** What a record read changed; called on the reader thread, in offset order. */
    interface Events
    {
        /**
         * A claim was read: it is the terminal's newest.
         *
         * @param history  the terminal
         * @param claim    the claim (its offset is {@code takeover.epoch()})
         * @param previous the claim it replaces, null for the terminal's first read
         * @param takeover the state the new epoch starts from
         */
        void claimed(TerminalHistory history, ClaimRecord claim, ClaimRecord previous, TerminalSnapshot takeover);

        /**
         * A record of the terminal's newest epoch was read (value null: deleted).
         *
         * @param history the terminal
         * @param key     the record's key
         * @param value   a {@link CursorRecord}, a {@link SubscriptionsRecord} or null
         */
        void current(TerminalHistory history, TerminalKey key, Object value);

        /**
         * A record written into an epoch older than the terminal's newest claim was read: fenced.
         *
         * @param history the terminal
         * @param key     the record's key
         * @param value   a {@link CursorRecord} or a {@link SubscriptionsRecord}
         */
        void fenced(TerminalHistory history, TerminalKey key, Object value);
    }

    private final Map<String, TerminalHistory> terminals = new HashMap<>();
    private long skipped;

    /**
     * Applies one record read from the topic.
     *
     * @param key    the record's key
     * @param value  its value, null for a tombstone
     * @param offset its offset in its partition
     * @param events told what changed
     */
    void apply(final String key, final byte[] value, final long offset, final Events events)
    {
        final TerminalKey k = TerminalKey.parse(key);
        if (k == null)
        {
            skip(key, offset, "not a key of this scheme");
            return;
        }
        final TerminalHistory h = terminals.computeIfAbsent(k.terminalId(), TerminalHistory::new);
        try
        {
            if (k.field() == TerminalKey.Field.CLAIM)
            {
                if (value != null) // a claim is never deleted
                {
                    final ClaimRecord claim = ClaimRecord.decode(value);
                    final ClaimRecord previous = h.claim();
                    events.claimed(h, claim, previous, h.claimed(offset, claim));
                }
                return;
            }
            if (value == null)
            {
                h.deleted(k);
                if (k.epoch() == h.claimEpoch())
                {
                    events.current(h, k, null);
                }
                return;
            }
            final Object record = k.field() == TerminalKey.Field.CURSOR ? CursorRecord.decode(value) : SubscriptionsRecord.decode(value);
            if (h.fenced(k.epoch()))
            {
                h.fencedRecord(k);
                events.fenced(h, k, record);
                return;
            }
            if (record instanceof CursorRecord c)
            {
                h.cursor(k.epoch(), c);
            }
            else
            {
                h.subscriptions(k.epoch(), (SubscriptionsRecord) record);
            }
            if (k.epoch() == h.claimEpoch())
            {
                events.current(h, k, record);
            }
        }
        catch (final RuntimeException ex)
        {
            if (!TerminalCodec.garbled(ex))
            {
                throw ex;
            }
            skip(key, offset, ex.getMessage());
        }
    }

    private void skip(final String key, final long offset, final String why)
    {
        skipped++;
        LOG.warn("terminals topic: record {} at offset {} skipped: {}", key, offset, why);
    }

    /** The terminal's records, null when none was read. */
    TerminalHistory history(final String terminalId)
    {
        return terminals.get(terminalId);
    }

    /** Every terminal read. */
    Collection<TerminalHistory> histories()
    {
        return terminals.values();
    }

    /** Records skipped as unreadable (another writer, a newer version). */
    long skipped()
    {
        return skipped;
    }
}
