package io.emcomm.router.journal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Refuses new messages before the journal's disk is full: a memory-mapped journal that runs out of disk can
 * take the whole JVM down, which loses far more than the refused publishes.
 *
 * <p>{@link #check} reads the free space (a system call) and runs on a scheduled control-plane thread, never
 * per message; the publish path only reads the volatile verdict. The detail is built once per change.
 */
public final class DiskGuard
{
    private static final Logger LOG = LoggerFactory.getLogger(DiskGuard.class);
    private static final long MIB = 1024L * 1024L;

    private final Path dir;
    private final long minFreeBytes;
    private volatile boolean refusing;
    private volatile String detail = "";
    private volatile long freeBytes = -1;

    /** @param minFreeMib refuse publishes when less than this is free; 0 turns the guard off. */
    public DiskGuard(final Path dir, final long minFreeMib)
    {
        this.dir = dir;
        this.minFreeBytes = minFreeMib * MIB;
    }

    /** Reads the free space and updates the verdict; logs only when the verdict changes. */
    public void check()
    {
        final long free;
        try
        {
            free = Files.getFileStore(dir).getUsableSpace();
        }
        catch (final IOException | RuntimeException ex)
        {
            LOG.warn("disk guard cannot read the free space of {}: {}", dir, ex.toString());
            return;
        }
        freeBytes = free;
        final boolean low = minFreeBytes > 0 && free < minFreeBytes;
        if (low)
        {
            detail = "disk nearly full: " + free / MIB + " MiB free, minimum " + minFreeBytes / MIB;
        }
        if (low != refusing)
        {
            refusing = low;
            if (low)
            {
                LOG.error("refusing publishes: {} ({})", detail, dir);
            }
            else
            {
                LOG.warn("accepting publishes again: {} MiB free on {}", free / MIB, dir);
            }
        }
    }

    public boolean refusing()
    {
        return refusing;
    }

    /** The nack detail while refusing. */
    public String detail()
    {
        return detail;
    }

    /** Free bytes at the last check, -1 before the first. */
    public long freeBytes()
    {
        return freeBytes;
    }

    public long minFreeBytes()
    {
        return minFreeBytes;
    }
}
