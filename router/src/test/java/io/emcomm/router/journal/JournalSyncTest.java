package io.emcomm.router.journal;

import io.emcomm.router.config.JournalSync;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code emcomm.journal.sync=batch} must put journaled bytes on the disk when {@link ChronicleJournal#sync()}
 * returns, not merely schedule them: Chronicle's default sync mode is {@code MS_ASYNC}, a no-op on Linux, and
 * with it {@code batch} was no safer than {@code none} against a power cut.
 *
 * <p>Observed from outside Chronicle, in the kernel's own accounting: {@code /proc/self/smaps} counts the dirty
 * (not yet written back) pages of each mapping of the journal's file; a synchronous {@code msync} cleans them.
 * Linux only (skipped elsewhere). Writeback by the kernel's flusher threads starts only for pages dirty for 30 s
 * ({@code dirty_expire_centisecs}), so pages the test just wrote stay dirty unless the journal syncs them.
 */
class JournalSyncTest
{
    private static final Path SMAPS = Path.of("/proc/self/smaps");
    private static final byte[] BODY = new byte[200];
    private static final Pattern MAPPING = Pattern.compile("[0-9a-f]+-[0-9a-f]+");

    @Test
    void aBatchSyncLeavesNoDirtyPageOfTheJournalFile(@TempDir final Path dir) throws IOException
    {
        assumeTrue(Files.isReadable(SMAPS), "needs Linux /proc/self/smaps");
        try (ChronicleJournal journal = new ChronicleJournal(dir, RollCycles.FAST_DAILY, SystemTimeProvider.INSTANCE, 0,
            JournalSync.BATCH))
        {
            append(journal, 5_000); // ~1.2 MB: a few hundred pages
            final long dirtyBefore = dirtyKib(dir);
            assertTrue(dirtyBefore >= 256, "the appends should have dirtied the journal's pages, found " + dirtyBefore + " KiB");

            journal.sync();

            final long dirtyAfter = dirtyKib(dir);
            // A page or two may be written again by Chronicle's own header updates after the msync.
            assertTrue(dirtyAfter <= 16, "after sync() in batch mode " + dirtyAfter + " KiB of the journal's pages are still"
                + " dirty (were " + dirtyBefore + " KiB): the sync did not reach the disk");
        }
    }

    /**
     * Group commit: the syncer thread makes durable what an event loop (here another thread, with its own Chronicle
     * appender) appended, though it never appended anything itself: the dirty pages of the written range are clean
     * once {@link JournalSyncer#durableIndex()} covers the last index, before any ack could be released.
     */
    @Test
    void theSyncerThreadMakesAnotherThreadsAppendsDurable(@TempDir final Path dir) throws Exception
    {
        assumeTrue(Files.isReadable(SMAPS), "needs Linux /proc/self/smaps");
        try (ChronicleJournal journal = new ChronicleJournal(dir, RollCycles.FAST_DAILY, SystemTimeProvider.INSTANCE, 0,
            JournalSync.BATCH))
        {
            final JournalSyncer syncer = journal.syncer();
            final long[] last = new long[1];
            final Thread loop = new Thread(() ->
            {
                append(journal, 5_000);
                last[0] = journal.appendedByThisThread();
            }, "fake-event-loop");
            loop.start();
            loop.join();
            assertTrue(last[0] >= 0, "the loop appended");
            assertEquals(-1, journal.appendedByThisThread(), "this thread appended nothing");
            final long dirtyBefore = dirtyKib(dir);
            assertTrue(dirtyBefore >= 256, "the appends should have dirtied the journal's pages, found " + dirtyBefore + " KiB");

            syncer.request(last[0]); // as the loop does at the end of its read batch, then reads on
            syncer.awaitDurable(last[0]);

            assertTrue(syncer.durableIndex() >= last[0]);
            final long dirtyAfter = dirtyKib(dir);
            assertTrue(dirtyAfter <= 16, "after the syncer's sync " + dirtyAfter + " KiB of the journal's pages are still"
                + " dirty (were " + dirtyBefore + " KiB): the sync did not reach the disk");
        }
    }

    private static void append(final ChronicleJournal journal, final int n)
    {
        final ByteBuf buf = Unpooled.wrappedBuffer(BODY);
        for (int i = 0; i < n; i++)
        {
            assertTrue(journal.append(buf, 0, BODY.length, 1_000_000L + i, 1, "520102") >= 0);
        }
    }

    /** Dirty KiB (shared and private) of this process's mappings of {@code .cq4} files under {@code dir}. */
    private static long dirtyKib(final Path dir) throws IOException
    {
        final String folder = dir.toRealPath().toString();
        final List<String> lines = Files.readAllLines(SMAPS);
        long kib = 0;
        boolean inJournal = false;
        for (final String line : lines)
        {
            final String[] words = line.trim().split("\\s+");
            if (MAPPING.matcher(words[0]).matches())
            {
                // a mapping's first line: address range, perms, offset, device, inode[, path]
                final String path = words.length > 5 ? String.join(" ", Arrays.copyOfRange(words, 5, words.length)) : "";
                inJournal = path.startsWith(folder) && path.endsWith(".cq4");

            }
            else if (inJournal && (words[0].equals("Shared_Dirty:") || words[0].equals("Private_Dirty:")))
            {
                kib += Long.parseLong(words[1]);
            }
        }
        return kib;
    }
}
