package io.emcomm.kafka.journal;

/**
 * What a node does with each record of the journal, in offset order, on its {@link JournalApplier}'s thread
 * (issue 15 Deliver 1; CLUSTER.md "Every node reads the whole journal"): decide dedupe by (origin, sequence)
 * ({@link ApplyDedupe}), mirror a first occurrence ({@link OffsetMirror}), route it to this node's sessions,
 * and, for a record this node produced ({@link JournalRecord#producedBy}), answer the publisher waiting on its
 * token. Must not block for long: the apply lag grows while it does.
 */
@FunctionalInterface
public interface ApplyHandler
{
    /**
     * One well-formed record.
     *
     * @param offset the record's offset in partition 0 (the journal index)
     * @param record the record, a flyweight valid only during this call
     */
    void apply(long offset, JournalRecord record);

    /**
     * A record that does not parse; it was skipped and counted, and the applier goes on. Nodes write only well-formed
     * records, so this is a foreign or damaged one: there is no publisher to answer, and every node skips it alike.
     *
     * @param offset  the record's offset
     * @param problem what is wrong with it
     */
    default void malformed(final long offset, final String problem)
    {
    }

    /**
     * The apply loop stopped for good on an error it cannot pass over (the next offset is no longer in the log:
     * retention deleted it before this node applied it). The node must stop serving: its view has a gap.
     *
     * @param failure the error
     */
    default void stopped(final Throwable failure)
    {
    }
}
