package io.emcomm.kafka.journal;

import io.emcomm.router.journal.JournalReader;
import io.emcomm.router.journal.RetainedQueue;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A node's local copy of the journal for catch-up and replay (issue 15 Deliver 1; CLUSTER.md "a local mirror
 * ... storing the Kafka offset in each excerpt"): a Chronicle queue of its own layout, written by the apply loop
 * with every first occurrence it applies, read through the router's {@link JournalReader} with the Kafka offset
 * as the journal index. Each excerpt is:
 * <pre>
 *   i64 kafkaOffset | i64 journaledAtMicros | u8 originKind | u8 regionLength | region | u8 ingressLength | ingress
 *   | i32 envelopeLength | envelope
 * </pre>
 * Offsets increase from excerpt to excerpt but have gaps: duplicates and malformed records are applied (the log's
 * position moves past them) but not mirrored. A seek lands on the first mirrored offset at or after the one asked.
 *
 * <p>Seeking: a sparse in-memory index with one entry per roll cycle (the cycle's first offset), rebuilt at open by
 * one probe per cycle file and extended by the writer when it rolls, then a search over Chronicle's own excerpt
 * numbers inside the cycle (dense there), exponential then by halves, each probe a {@code moveToIndex} and one
 * 8-byte read. Why not a sparse index every N excerpts: it needs a scan of the whole mirror at open (minutes for a
 * big one) and memory per N excerpts; why not a search over all indexes: a probe that crosses into another cycle
 * makes Chronicle load that cycle's store, which is costly (measured: thousands of cross-cycle probes took minutes),
 * so the cycle is found in memory and every probe stays inside it. The cost, a few dozen probes per seek, falls on
 * a seek (a terminal's catch-up start, a replay), never on the per-message path.
 *
 * <p>Retention: the router's {@code JournalRetention} deletes the oldest roll files as it does its own journal's
 * ({@link RetainedQueue}: a cursor's cycle is found in the per-cycle index), and the index forgets the deleted cycles.
 *
 * <p>Thread-safety: {@link #append} from one thread (the apply loop); readers are single-threaded objects, one
 * per reading thread; {@link #lastOffset()} from any thread; the {@link RetainedQueue} methods on the retention thread.
 */
public final class OffsetMirror implements AutoCloseable, RetainedQueue
{
    private static final Logger LOG = LoggerFactory.getLogger(OffsetMirror.class);

    private final SingleChronicleQueue queue;
    /** First mirrored offset of each roll cycle → the cycle; written by the apply thread, read by readers. */
    private final ConcurrentSkipListMap<Long, Integer> cycleStarts = new ConcurrentSkipListMap<>();
    private ExcerptAppender appender;
    private int lastCycle = Integer.MIN_VALUE;
    private volatile long lastOffset;

    /**
     * Opens (or creates) the mirror in {@code dir} with daily roll files.
     *
     * @param dir the folder
     */
    public OffsetMirror(final Path dir)
    {
        this(dir, RollCycles.FAST_DAILY, SystemTimeProvider.INSTANCE);
    }

    /**
     * Opens (or creates) the mirror with a roll cycle (used when the folder is new) and the clock that decides when
     * to roll (tests roll without waiting).
     *
     * @param dir       the folder
     * @param rollCycle the roll cycle of a new mirror
     * @param time      the roll clock
     */
    public OffsetMirror(final Path dir, final RollCycle rollCycle, final TimeProvider time)
    {
        this.queue = SingleChronicleQueueBuilder.single(dir.toFile()).rollCycle(rollCycle).timeProvider(time).build();
        try (ExcerptTailer t = queue.createTailer())
        {
            final int firstCycle = queue.firstCycle();
            final int lastCycleOnDisk = queue.lastCycle();
            for (final Long c : firstCycle <= lastCycleOnDisk ? queue.listCyclesBetween(firstCycle, lastCycleOnDisk) : java.util.Set.<Long>of())
            {
                if (t.moveToIndex(queue.rollCycle().toIndex(c.intValue(), 0)))
                {
                    final long first = readOffset(t);
                    if (first >= 0)
                    {
                        cycleStarts.put(first, c.intValue());
                        lastCycle = c.intValue();
                    }
                }
            }
            this.lastOffset = lastOffset(t);
        }
        LOG.info("journal mirror open at {} (last Kafka offset {})", dir, lastOffset);
    }

    /**
     * Mirrors one applied record at its offset. Apply thread.
     *
     * @param offset the record's Kafka offset; greater than every offset mirrored before
     * @param record the record (its envelope bytes are copied)
     * @throws IllegalArgumentException when {@code offset} is not above {@link #lastOffset()}
     */
    public void append(final long offset, final JournalRecord record)
    {
        if (offset <= lastOffset)
        {
            throw new IllegalArgumentException("offset " + offset + " is not after the last mirrored " + lastOffset);
        }
        if (appender == null)
        {
            appender = queue.createAppender(); // on the apply thread: Chronicle appenders belong to one thread
        }
        final byte[] a = record.array();
        try (DocumentContext dc = appender.writingDocument())
        {
            final Bytes<?> bytes = dc.wire().bytes();
            bytes.writeLong(offset);
            bytes.writeLong(record.journaledAtMicros());
            bytes.writeUnsignedByte(record.originKind());
            bytes.writeUnsignedByte(record.regionLength());
            bytes.write(a, record.regionOffset(), record.regionLength());
            final int ingress = record.ingressLength();
            bytes.writeUnsignedByte(ingress);
            bytes.write(a, record.ingressOffset(), ingress);
            bytes.writeInt(record.envelopeLength());
            bytes.write(a, record.envelopeOffset(), record.envelopeLength());
        }
        final int cycle = queue.rollCycle().toCycle(appender.lastIndexAppended());
        if (cycle != lastCycle)
        {
            cycleStarts.put(offset, cycle);
            lastCycle = cycle;
        }
        lastOffset = offset;
    }

    /** @return the last Kafka offset mirrored, or -1 when the mirror is empty (the apply loop resumes after it) */
    public long lastOffset()
    {
        return lastOffset;
    }

    /** @return the first Kafka offset still mirrored, or -1 when the mirror is empty */
    public long firstOffset()
    {
        final Map.Entry<Long, Integer> first = cycleStarts.firstEntry();
        return first == null ? -1 : first.getKey();
    }

    /** @return the first offset of the cycle holding {@code offset} (at or before it) → that cycle, or null */
    Map.Entry<Long, Integer> cycleAtOrBefore(final long offset)
    {
        return cycleStarts.floorEntry(offset);
    }

    /** @return the cycle after the one starting at {@code cycleStart}, or null */
    Map.Entry<Long, Integer> cycleAfter(final long cycleStart)
    {
        return cycleStarts.higherEntry(cycleStart);
    }

    /** @return a reader positioned at the start; the caller closes it */
    public JournalReader newReader()
    {
        return new MirrorReader(this, queue.createTailer());
    }

    /** {@inheritDoc} Retention thread; readers of this package. */
    @Override
    public SingleChronicleQueue queue()
    {
        return queue;
    }

    /** {@inheritDoc} From the per-cycle index: the cycle whose first mirrored offset is at or before {@code index}. */
    @Override
    public int cycleOf(final long index)
    {
        final Map.Entry<Long, Integer> cycle = cycleStarts.floorEntry(index);
        return cycle == null ? Integer.MIN_VALUE : cycle.getValue();
    }

    /** {@inheritDoc} The first mirrored offset. */
    @Override
    public long firstIndex()
    {
        return firstOffset();
    }

    /** {@inheritDoc} Drops the deleted cycles from the per-cycle index: a seek before the first held lands on it. */
    @Override
    public void rollFilesDeleted()
    {
        final int first = queue.firstCycle();
        cycleStarts.values().removeIf(c -> c < first);
    }

    private long lastOffset(final ExcerptTailer t)
    {
        final long last = queue.lastIndex();
        if (last < 0 || !t.moveToIndex(last))
        {
            return -1;
        }
        return readOffset(t);
    }

    /** The offset of the excerpt at the tailer's position (consumed), or -1 when there is none. */
    static long readOffset(final ExcerptTailer t)
    {
        try (DocumentContext dc = t.readingDocument())
        {
            return dc.isPresent() ? dc.wire().bytes().readLong() : -1;
        }
    }

    /** Closes the queue. Apply loop stopped first. */
    @Override
    public void close()
    {
        if (appender != null)
        {
            appender.close();
        }
        queue.close();
    }
}
