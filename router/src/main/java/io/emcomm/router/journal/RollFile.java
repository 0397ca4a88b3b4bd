package io.emcomm.router.journal;

import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;

/** One roll file of the journal: the cycle it holds, its path and its size as the file system reports it. */
public record RollFile(int cycle, Path path, long bytes)
{
    /**
     * The journal's roll files, oldest first. The queue itself maps cycles to files, so this holds for every
     * roll cycle's naming. Control plane: it rescans the folder.
     */
    static List<RollFile> list(final SingleChronicleQueue queue)
    {
        queue.refreshDirectoryListing();
        final List<RollFile> files = new ArrayList<>();
        final int first = queue.firstCycle();
        final int last = queue.lastCycle();
        if (first == Integer.MAX_VALUE || last < first)
        {
            return files;
        }
        final NavigableSet<Long> cycles = queue.listCyclesBetween(first, last);
        for (final long c : cycles)
        {
            final File f = fileOf(queue, (int)c);
            if (f != null && f.exists())
            {
                files.add(new RollFile((int)c, f.toPath(), f.length()));
            }
        }
        return files;
    }

    /** The file of one cycle, or null when the queue has no store for it. */
    static File fileOf(final SingleChronicleQueue queue, final int cycle)
    {
        final SingleChronicleQueueStore store = queue.storeForCycle(cycle, queue.epoch(), false, null);
        if (store == null)
        {
            return null;
        }
        try
        {
            return store.file();
        }
        finally
        {
            queue.closeStore(store);
        }
    }
}
