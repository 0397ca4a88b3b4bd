package io.emcomm.router.journal;

import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Deletes whole roll files of the journal by age or by total size. Runs on a scheduled control-plane thread,
 * never on the publish path. The newest roll file (the one being written) is never deleted.
 *
 * <p>Durable cursors: the lowest delivery cursor over all terminals marks the oldest roll file some terminal
 * still needs for its backlog. The <b>age</b> limit never deletes such a file: it is held, logged (once per
 * change) and shown as {@code emcomm_retention_held_files}. The <b>size</b> limit protects the disk and wins:
 * it deletes the file anyway, logs which terminal loses which messages, and counts
 * {@code emcomm_retention_cursor_overrun_files_total}. A terminal whose backlog was cut resumes from the
 * oldest message still held.
 *
 * <p>Thread-safety: {@link #run} is synchronised; the getters may be read from any thread.
 */
public final class JournalRetention
{
    private static final Logger LOG = LoggerFactory.getLogger(JournalRetention.class);

    private final RetainedQueue journal;
    private final RetentionFloor floor;
    private final long maxAgeMillis;
    private final long maxBytes;
    private final AtomicLong deletedFiles = new AtomicLong();
    private final AtomicLong overrunFiles = new AtomicLong();
    private volatile int heldFiles;
    private volatile long journalBytes;
    private volatile int journalFiles;
    private int lastHeldCycle = Integer.MIN_VALUE;

    /**
     * @param maxAgeMillis delete roll files whose whole cycle ended longer ago than this; 0 = no age limit.
     * @param maxBytes     delete the oldest roll files while all of them together are larger; 0 = no size limit.
     * @param floor        the reader with the lowest durable cursor that still needs the journal
     */
    public JournalRetention(final ChronicleJournal journal, final RetentionFloor floor, final long maxAgeMillis,
        final long maxBytes)
    {
        this(RetainedQueue.of(journal), floor, maxAgeMillis, maxBytes);
    }

    /**
     * Retention of any {@link RetainedQueue}: the router's journal, or a Kafka node's mirror of the cluster's log
     * (issue 15), under the same settings and rules.
     *
     * @param journal      the queue and its index-to-cycle map
     * @param floor        the reader with the lowest durable cursor that still needs the journal
     * @param maxAgeMillis delete roll files whose whole cycle ended longer ago than this; 0 = no age limit.
     * @param maxBytes     delete the oldest roll files while all of them together are larger; 0 = no size limit.
     */
    public JournalRetention(final RetainedQueue journal, final RetentionFloor floor, final long maxAgeMillis,
        final long maxBytes)
    {
        this.journal = journal;
        this.floor = floor;
        this.maxAgeMillis = maxAgeMillis;
        this.maxBytes = maxBytes;
    }

    /** One pass: measure, then delete what the limits allow. Returns the number of files deleted. */
    public synchronized int run()
    {
        final SingleChronicleQueue queue = journal.queue();
        final List<RollFile> files = RollFile.list(queue);
        long total = 0;
        for (final RollFile f : files)
        {
            total += f.bytes();
        }
        journalFiles = files.size();
        journalBytes = total;
        if (files.size() <= 1 || (maxAgeMillis <= 0 && maxBytes <= 0))
        {
            heldFiles = 0;
            return 0;
        }
        final RollCycle rollCycle = queue.rollCycle();
        final long now = queue.time().currentTimeMillis();
        final RetentionFloor.Laggard laggard = floor.lowest();
        final int neededCycle = laggard == null ? Integer.MAX_VALUE
            : laggard.cursor() < 0 ? Integer.MIN_VALUE : journal.cycleOf(laggard.cursor());
        int deleted = 0;
        int held = 0;
        int firstHeld = Integer.MIN_VALUE;
        for (int i = 0; i < files.size() - 1; i++)
        {
            final RollFile f = files.get(i);
            final long cycleEnd = queue.epoch() + (f.cycle() + 1L) * rollCycle.lengthInMillis();
            final boolean tooOld = maxAgeMillis > 0 && cycleEnd <= now - maxAgeMillis;
            final boolean tooBig = maxBytes > 0 && total > maxBytes;
            if (!tooOld && !tooBig)
            {
                break;
            }
            final boolean needed = f.cycle() >= neededCycle;
            if (needed && !tooBig)
            {
                held++;
                firstHeld = firstHeld == Integer.MIN_VALUE ? f.cycle() : firstHeld;
                continue;
            }
            if (needed)
            {
                overrunFiles.incrementAndGet();
                LOG.warn("retention: journal over its size limit ({} MiB > {} MiB): deleting {} although terminal {} "
                    + "(cursor {}) has not received all of it; that terminal loses its backlog up to {}",
                    total >> 20, maxBytes >> 20, f.path().getFileName(), laggard.readerId(), laggard.cursor(),
                    Instant.ofEpochMilli(cycleEnd));
            }
            if (delete(f))
            {
                deleted++;
                total -= f.bytes();
            }
        }
        if (held > 0 && firstHeld != lastHeldCycle)
        {
            LOG.warn("retention: keeping {} roll file(s) past the age limit because terminal {} (cursor {}) has not "
                + "acknowledged them; it holds the journal until it reconnects and catches up", held,
                laggard.readerId(), laggard.cursor());
        }
        lastHeldCycle = held > 0 ? firstHeld : Integer.MIN_VALUE;
        heldFiles = held;
        if (deleted > 0)
        {
            queue.refreshDirectoryListing();
            journal.rollFilesDeleted();
            journalFiles -= deleted;
            journalBytes = total;
            LOG.info("retention: deleted {} roll file(s); journal now starts at index {}", deleted,
                journal.firstIndex());
        }
        return deleted;
    }

    private boolean delete(final RollFile f)
    {
        try
        {
            Files.deleteIfExists(f.path());
            deletedFiles.incrementAndGet();
            return true;
        }
        catch (final IOException ex)
        {
            LOG.warn("retention: cannot delete {}: {}", f.path(), ex.toString());
            return false;
        }
    }

    /** Roll files deleted since start. */
    public long deletedFiles()
    {
        return deletedFiles.get();
    }

    /** Roll files deleted by the size limit although a cursor still needed them. */
    public long overrunFiles()
    {
        return overrunFiles.get();
    }

    /** Roll files past the age limit kept at the last pass because a cursor needs them. */
    public int heldFiles()
    {
        return heldFiles;
    }

    /** Total size of the roll files at the last pass. */
    public long journalBytes()
    {
        return journalBytes;
    }

    public int journalFiles()
    {
        return journalFiles;
    }
}
