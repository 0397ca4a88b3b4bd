package io.emcomm.router.journal;

import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * A Chronicle queue whose roll files {@link JournalRetention} deletes, with the map from journal indexes to its roll
 * cycles: the router's own {@link ChronicleJournal} (a journal index is a Chronicle index), or a Kafka node's mirror of
 * the cluster's log (a journal index is a Kafka offset, the cycle found in the mirror's per-cycle index; issue 15).
 * Called on the retention thread ({@code emcomm-ops}).
 */
public interface RetainedQueue
{
    /** @return the queue whose roll files are measured and deleted */
    SingleChronicleQueue queue();

    /**
     * @param index a journal index (a terminal's durable cursor, 0 or more)
     * @return the roll cycle that holds it (or, in a gap, the cycle before it), or {@link Integer#MIN_VALUE} when it
     *     lies before every roll file still held (then every file is needed)
     */
    int cycleOf(long index);

    /** @return the first journal index still held, -1 when none (for the log line after a deletion) */
    long firstIndex();

    /** Roll files were deleted and the queue's directory listing refreshed: forget what pointed into them. */
    default void rollFilesDeleted()
    {
    }

    /**
     * @param journal the router's own journal
     * @return its queue, a journal index being a Chronicle index
     */
    static RetainedQueue of(final ChronicleJournal journal)
    {
        final SingleChronicleQueue queue = (SingleChronicleQueue)journal.queue();
        return new RetainedQueue()
        {
            @Override
            public SingleChronicleQueue queue()
            {
                return queue;
            }

            @Override
            public int cycleOf(final long index)
            {
                return queue.rollCycle().toCycle(index);
            }

            @Override
            public long firstIndex()
            {
                return journal.firstIndex();
            }
        };
    }
}
