package io.emcomm.kafka.journal;

import io.emcomm.router.journal.JournalEntry;
import io.emcomm.router.journal.JournalReader;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.wire.DocumentContext;

import java.util.Map;

/**
 * Reads an {@link OffsetMirror} as the router's {@link JournalReader}: entries in offset order, each entry's index
 * its Kafka offset. A seek finds the target's roll cycle in the mirror's per-cycle index, then its excerpt inside
 * the cycle by Chronicle excerpt number, exponentially then by halves (see {@link OffsetMirror}). A target in a
 * gap (an offset not mirrored) lands on the next mirrored offset. Single-threaded; close when done.
 */
final class MirrorReader implements JournalReader
{
    private final OffsetMirror mirror;
    private final RollCycle rollCycle;
    private final ExcerptTailer tailer;

    MirrorReader(final OffsetMirror mirror, final ExcerptTailer tailer)
    {
        this.mirror = mirror;
        this.rollCycle = mirror.queue().rollCycle();
        this.tailer = tailer;
    }

    @Override
    public void toStart()
    {
        tailer.toStart();
    }

    /** {@inheritDoc} Past the last mirrored offset: at the end, and false. */
    @Override
    public boolean seekAfter(final long index)
    {
        if (index < 0)
        {
            tailer.toStart();
            return true;
        }
        if (index > mirror.lastOffset())
        {
            tailer.toEnd();
            return false;
        }
        seekAtOrAfter(index + 1);
        return true;
    }

    @Override
    public void seekAtOrAfter(final long index)
    {
        final Map.Entry<Long, Integer> cycle = mirror.cycleAtOrBefore(index);
        if (cycle == null)
        {
            tailer.toStart(); // before the first mirrored offset, or the mirror is empty
            return;
        }
        if (index > mirror.lastOffset())
        {
            tailer.toEnd();
            return;
        }
        final int c = cycle.getValue();
        final long seq = lowerBound(c, index);
        if (offsetAt(c, seq) >= 0)
        {
            tailer.moveToIndex(rollCycle.toIndex(c, seq));
            return;
        }
        // past the last excerpt of its cycle: the next cycle's first is the first offset after it
        final Map.Entry<Long, Integer> next = mirror.cycleAfter(cycle.getKey());
        if (next == null || !tailer.moveToIndex(rollCycle.toIndex(next.getValue(), 0)))
        {
            tailer.toEnd();
        }
    }

    /** The first excerpt number of {@code cycle} whose offset is {@code >= target}, or one past its last excerpt. */
    private long lowerBound(final int cycle, final long target)
    {
        if (atOrPast(cycle, 0, target))
        {
            return 0;
        }
        long lo = 0; // not at or past
        long hi = 1;
        while (!atOrPast(cycle, hi, target))
        {
            lo = hi;
            hi <<= 1;
        }
        while (hi - lo > 1)
        {
            final long mid = (lo + hi) >>> 1;
            if (atOrPast(cycle, mid, target))
            {
                hi = mid;
            }
            else
            {
                lo = mid;
            }
        }
        return hi;
    }

    /** Whether excerpt {@code seq} of {@code cycle} is absent (past the cycle's end) or holds an offset {@code >= target}. */
    private boolean atOrPast(final int cycle, final long seq, final long target)
    {
        final long offset = offsetAt(cycle, seq);
        return offset < 0 || offset >= target;
    }

    private long offsetAt(final int cycle, final long seq)
    {
        if (!tailer.moveToIndex(rollCycle.toIndex(cycle, seq)))
        {
            return -1;
        }
        return OffsetMirror.readOffset(tailer);
    }

    @Override
    public boolean next(final JournalEntry entry)
    {
        try (DocumentContext dc = tailer.readingDocument())
        {
            if (!dc.isPresent())
            {
                return false;
            }
            final Bytes<?> bytes = dc.wire().bytes();
            final long offset = bytes.readLong();
            EntryFiller.header(entry, offset, bytes.readLong(), bytes.readUnsignedByte());
            final int regionLength = bytes.readUnsignedByte();
            final byte[] region = EntryFiller.region(entry);
            final int kept = Math.min(regionLength, region.length);
            bytes.read(region, 0, kept);
            bytes.readSkip(regionLength - kept);
            EntryFiller.regionLength(entry, kept);
            bytes.readSkip(bytes.readUnsignedByte()); // ingress: not part of a JournalEntry yet
            final int length = bytes.readInt();
            bytes.read(EntryFiller.envelope(entry, length), 0, length);
            return true;
        }
    }

    @Override
    public void close()
    {
        tailer.close();
    }
}
