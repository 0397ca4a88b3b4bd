package io.emcomm.router.journal;

import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.StoreFileListener;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The journal's roll-cycle files by cycle, learnt from Chronicle as it acquires them, and the force that makes a
 * range of indexes durable from any thread: {@code fdatasync} of each file the range lies in.
 *
 * <p>Why not Chronicle's appender {@code sync()}: it msyncs the calling thread's own appender's mapping, and
 * appenders are per thread, so the syncer thread cannot sync an event loop's appends through it. On Linux
 * {@code msync(MS_SYNC)} is itself {@code vfs_fsync_range} on the file, and the mapping is shared, so
 * {@code fdatasync} of the file writes back the same dirty pages (and cleans them in every mapping, which
 * JournalSyncTest observes in /proc/self/smaps); the file length is fixed when Chronicle creates it, so no metadata
 * needs syncing.
 *
 * <p>Listener callbacks on any thread; {@link #force} on the syncer thread only.
 */
final class CycleFiles implements StoreFileListener, JournalSyncer.Force, AutoCloseable
{
    private final ConcurrentSkipListMap<Integer, File> files = new ConcurrentSkipListMap<>();
    private RollCycle rollCycle;
    /** The latest cycle's file stays open: it is the one forced again and again. */
    private int openCycle = Integer.MIN_VALUE;
    private FileChannel open;

    /** Set once the queue is built (the listener is handed to its builder first). */
    void rollCycle(final RollCycle rollCycle)
    {
        this.rollCycle = rollCycle;
    }

    @Override
    public void onAcquired(final int cycle, final File file)
    {
        files.putIfAbsent(cycle, file);
    }

    @Override
    public void onReleased(final int cycle, final File file)
    {
        // kept: the file may still hold unsynced appends; forgotten when a force has passed it
    }

    @Override
    public void force(final long afterIndex, final long throughIndex) throws IOException
    {
        final int last = rollCycle.toCycle(throughIndex);
        final Map<Integer, File> range = afterIndex < 0 ? files.headMap(last, true)
            : files.subMap(rollCycle.toCycle(afterIndex), true, last, true);
        for (final Map.Entry<Integer, File> entry : range.entrySet())
        {
            final int cycle = entry.getKey();
            if (cycle == openCycle)
            {
                open.force(false);
                continue;
            }
            if (cycle == last)
            {
                closeOpen();
                open = FileChannel.open(entry.getValue().toPath(), StandardOpenOption.WRITE);
                openCycle = cycle;
                open.force(false);
                continue;
            }
            try (FileChannel channel = FileChannel.open(entry.getValue().toPath(), StandardOpenOption.WRITE))
            {
                channel.force(false);
            }
        }
        // cycles before the last one forced are complete (rolled) and durable: forget them
        files.headMap(last, false).clear();
    }

    private void closeOpen() throws IOException
    {
        if (open != null)
        {
            open.close();
            open = null;
            openCycle = Integer.MIN_VALUE;
        }
    }

    @Override
    public void close()
    {
        try
        {
            closeOpen();
        }
        catch (final IOException ignored)
        {
            // closing a channel only used to force: nothing to lose
        }
    }
}
