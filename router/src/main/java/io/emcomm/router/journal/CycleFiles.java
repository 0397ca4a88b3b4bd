package io.emcomm.router.journal;

import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * The force that makes a range of journal indexes durable from any thread: {@code fdatasync} of each roll-cycle
 * file the range lies in (usually one; two across a roll).
 *
 * <p>Why not Chronicle's appender {@code sync()}: it msyncs the calling thread's own appender's mapping, and
 * appenders are per thread, so the syncer thread cannot sync an event loop's appends through it. On Linux
 * {@code msync(MS_SYNC)} is itself {@code vfs_fsync_range} on the file, and the mapping is shared, so
 * {@code fdatasync} of the file writes back the same dirty pages (and cleans them in every mapping, which
 * JournalSyncTest observes in /proc/self/smaps); the file's length is set when Chronicle creates it, so no metadata
 * needs syncing. The files are found through the queue ({@code storeForCycle}), not Chronicle's store-file listener,
 * which it calls asynchronously: a force could otherwise miss a file it has not been told about yet.
 *
 * <p>{@link #force} and {@link #close} on the syncer thread, or after it stopped.
 */
final class CycleFiles implements JournalSyncer.Force, AutoCloseable
{
    private final SingleChronicleQueue queue;
    private final RollCycle rollCycle;
    /** The cycle current when the journal opened: before the first force, appends may lie anywhere from it on. */
    private final int startCycle;
    /** The latest cycle's file stays open: it is the one forced again and again. */
    private int openCycle = Integer.MIN_VALUE;
    private FileChannel open;

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
        if (first == last && last == openCycle)
        {
            open.force(false); // the common case: no roll since the last force
            return;
        }
        for (final Long cycle : queue.listCyclesBetween(first, last))
        {
            final int c = cycle.intValue();
            if (c == openCycle)
            {
                open.force(false);
            }
            else if (c == last)
            {
                final FileChannel channel = openCycle(c);
                closeOpen();
                open = channel;
                openCycle = c;
                open.force(false);
            }
            else
            {
                try (FileChannel channel = openCycle(c))
                {
                    channel.force(false);
                }
            }
        }
    }

    private FileChannel openCycle(final int cycle) throws IOException
    {
        final SingleChronicleQueueStore store = queue.storeForCycle(cycle, queue.epoch(), false, null);
        if (store == null)
        {
            throw new IOException("the journal has no file for cycle " + cycle);
        }
        final File file;
        try
        {
            file = store.file();
        }
        finally
        {
            queue.closeStore(store);
        }
        return FileChannel.open(file.toPath(), StandardOpenOption.WRITE);
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
            // a channel only used to force: nothing to lose
        }
    }
}
