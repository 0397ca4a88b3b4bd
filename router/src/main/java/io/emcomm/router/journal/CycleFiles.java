package io.emcomm.router.journal;

import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import net.openhft.chronicle.wire.Wires;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * The force that makes a range of journal indexes durable from any thread: a synchronous {@code msync} of the
 * current roll-cycle file from where the last force ended to the end of the last excerpt written (and
 * {@code fdatasync} of an earlier cycle's whole file when the range crosses a roll, which is rare).
 *
 * <p>Why not Chronicle's appender {@code sync()}: it msyncs the calling thread's own appender's mapping, and
 * appenders are per thread, so the syncer thread cannot sync an event loop's appends through it. The file is mapped
 * shared, so its dirty pages are the page cache's whoever wrote them: an {@code msync(MS_SYNC)} of the same file range
 * through a mapping of the syncer's own (on Linux {@code vfs_fsync_range} of the file) writes them back and cleans
 * them in every mapping, which JournalSyncTest observes in /proc/self/smaps. The range stops at the write position,
 * as Chronicle's own sync does: a whole-file {@code fdatasync} would also write the pages the pretoucher has touched
 * ahead of it (dirty zeros), each twice. The write position is the queue store's (as {@link ChroniclePretoucher}
 * reads it); the files are found through the queue ({@code storeForCycle}), not Chronicle's store-file listener,
 * which it calls asynchronously.
 *
 * <p>{@link #force} and {@link #close} on the syncer thread, or after it stopped.
 */
final class CycleFiles implements JournalSyncer.Force, AutoCloseable
{
    /** The syncer maps the file this much at a time (at most): one mapping serves many forces. */
    private static final long WINDOW_BYTES = 256L << 20;
    private static final long PAGE = 4096;

    private final SingleChronicleQueue queue;
    private final RollCycle rollCycle;
    /** The cycle current when the journal opened: before the first force, appends may lie anywhere from it on. */
    private final int startCycle;
    /** The latest cycle's store and file stay open: they are the ones forced again and again. */
    private int openCycle = Integer.MIN_VALUE;
    private SingleChronicleQueueStore store;
    private FileChannel channel;
    private MappedByteBuffer window;
    private long windowStart;
    private long windowEnd;
    /** Bytes of the open cycle's file before this are durable (page-aligned). */
    private long syncedTo;

    CycleFiles(final SingleChronicleQueue queue)
    {
        this.queue = queue;
        this.rollCycle = queue.rollCycle();
        this.startCycle = queue.cycle();
    }

    @Override
    public void force(final long afterIndex, final long throughIndex) throws IOException
    {
        final int last = rollCycle.toCycle(throughIndex);
        final int first = Math.min(last, afterIndex < 0 ? startCycle : rollCycle.toCycle(afterIndex));
        if (first < last)
        {
            for (final Long cycle : queue.listCyclesBetween(first, last - 1))
            {
                // a cycle the appenders have left: all of it, once
                final SingleChronicleQueueStore old = queue.storeForCycle(cycle.intValue(), queue.epoch(), false, null);
                if (old != null)
                {
                    try (FileChannel file = FileChannel.open(old.file().toPath(), StandardOpenOption.WRITE))
                    {
                        file.force(false);
                    }
                    finally
                    {
                        queue.closeStore(old);
                    }
                }
            }
        }
        if (last != openCycle)
        {
            openCycle(last);
        }
        final long writePosition = store.writePosition();
        // the write position is that of the last excerpt's header: include the excerpt
        map(syncedTo, writePosition + 4);
        final int header = window.getInt((int)(writePosition - windowStart));
        final long end = Math.min(channel.size(), writePosition + 4 + (Wires.isNotComplete(header) ? 0 : Wires.lengthOf(header)));
        map(syncedTo, end);
        if (end > syncedTo)
        {
            window.force((int)(syncedTo - windowStart), (int)(end - syncedTo));
            syncedTo = Math.max(syncedTo, writePosition & -PAGE);
        }
    }

    private void openCycle(final int cycle) throws IOException
    {
        final SingleChronicleQueueStore next = queue.storeForCycle(cycle, queue.epoch(), false, null);
        if (next == null)
        {
            throw new IOException("the journal has no file for cycle " + cycle);
        }
        final FileChannel file;
        try
        {
            file = FileChannel.open(next.file().toPath(), StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        catch (final IOException ex)
        {
            queue.closeStore(next);
            throw ex;
        }
        closeOpen();
        store = next;
        channel = file;
        openCycle = cycle;
        syncedTo = 0;
    }

    /** Makes {@link #window} cover {@code [from, to)} of the open file, mapping a new one when it does not. */
    private void map(final long from, final long to) throws IOException
    {
        if (window != null && from >= windowStart && to <= windowEnd)
        {
            return;
        }
        final long start = from & -PAGE;
        // never past the file's end: a read-write mapping beyond it would grow the file
        final long end = Math.min(channel.size(), Math.max(to, Math.min(start + WINDOW_BYTES, start + Integer.MAX_VALUE)));
        if (to > end || end - start > Integer.MAX_VALUE)
        {
            throw new IOException("cannot map " + from + ".." + to + " of the journal file (size " + channel.size() + ")");
        }
        // read-write: force() does nothing on a read-only mapping; nothing is written through it
        window = channel.map(FileChannel.MapMode.READ_WRITE, start, end - start);
        window.order(ByteOrder.nativeOrder());
        windowStart = start;
        windowEnd = end;
    }

    private void closeOpen() throws IOException
    {
        window = null; // unmapped when collected
        if (channel != null)
        {
            channel.close();
            channel = null;
        }
        if (store != null)
        {
            queue.closeStore(store);
            store = null;
        }
        openCycle = Integer.MIN_VALUE;
    }

    @Override
    public void close()
    {
        try
        {
            closeOpen();
        }
        catch (final IOException | RuntimeException ignored)
        {
            // a channel and store only used to force: nothing to lose
        }
    }
}
