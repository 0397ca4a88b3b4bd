package io.emcomm.kafka;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A local cluster's claim on its data folder: one folder, one running cluster. Two clusters on one folder would
 * start two broker processes on each node's log directory (Kafka refuses the second one only after formatting
 * and half a start) and fight over the ports in {@value ClusterLayout#FILE}.
 *
 * <p>The same idea as the router's data-folder lock (router {@code DataFolder}, not reused because module kafka
 * does not depend on the router): an OS lock on {@value #LOCK_FILE} with {@link FileChannel#tryLock()}, so a
 * cluster process killed with SIGKILL leaves nothing to clean up, the holder's process id written into the file
 * for the refusal message, and a set of folders claimed in this JVM because POSIX locks cannot tell two claims of
 * one process apart. Thread-safe.
 */
public final class ClusterFolderLock implements AutoCloseable
{
    /** The lock file in the data folder; holds the id of the process running the cluster. */
    public static final String LOCK_FILE = "kafka.lock";

    private static final Set<Path> CLAIMED = ConcurrentHashMap.newKeySet();

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean closed;

    private ClusterFolderLock(final Path key, final FileChannel channel, final FileLock lock)
    {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates {@code dir} if needed and claims it for this process.
     *
     * @param dir the cluster's data folder
     * @return the claim; close it to let the folder go
     * @throws ClusterFailure "data folder DIR is in use by process N (a running local Kafka cluster)", or the
     *                        folder cannot be created or locked
     */
    public static ClusterFolderLock claim(final Path dir)
    {
        final Path abs = dir.toAbsolutePath().normalize();
        final Path key;
        try
        {
            Files.createDirectories(abs);
            key = abs.toRealPath();
        }
        catch (final IOException ex)
        {
            throw new ClusterFailure("cannot create data folder " + abs + ": " + ex, ex);
        }
        if (!CLAIMED.add(key))
        {
            throw inUse(abs, ProcessHandle.current().pid());
        }
        FileChannel channel = null;
        try
        {
            channel = FileChannel.open(key.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
            final FileLock lock;
            try
            {
                lock = channel.tryLock();
            }
            catch (final OverlappingFileLockException ex)
            {
                // held by this JVM through another path: closing this channel would drop that lock, so keep it
                channel = null;
                throw inUse(abs, ProcessHandle.current().pid());
            }
            if (lock == null)
            {
                final long pid = readPid(channel);
                throw pid > 0 ? inUse(abs, pid)
                    : new ClusterFailure("data folder " + abs + " is in use by another process (a running local Kafka cluster)");
            }
            final ByteBuffer pid = ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII));
            channel.truncate(0);
            while (pid.hasRemaining())
            {
                channel.write(pid, pid.position());
            }
            return new ClusterFolderLock(key, channel, lock);
        }
        catch (final IOException ex)
        {
            closeQuietly(channel);
            CLAIMED.remove(key);
            throw new ClusterFailure("cannot lock data folder " + abs + ": " + ex, ex);
        }
        catch (final RuntimeException ex)
        {
            closeQuietly(channel);
            CLAIMED.remove(key);
            throw ex;
        }
    }

    /** Empties the lock file and releases the lock; a second call does nothing. */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            channel.truncate(0);
            lock.release();
        }
        catch (final IOException ignore)
        {
            // closing the channel releases the lock whatever happened here
        }
        closeQuietly(channel);
        CLAIMED.remove(key);
    }

    private static ClusterFailure inUse(final Path dir, final long pid)
    {
        return new ClusterFailure("data folder " + dir + " is in use by process " + pid + " (a running local Kafka cluster)");
    }

    private static long readPid(final FileChannel channel)
    {
        final ByteBuffer buf = ByteBuffer.allocate(32);
        try
        {
            channel.read(buf, 0);
            return Long.parseLong(new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim());
        }
        catch (final IOException | NumberFormatException ex)
        {
            return -1;
        }
    }

    private static void closeQuietly(final FileChannel channel)
    {
        if (channel == null)
        {
            return;
        }
        try
        {
            channel.close();
        }
        catch (final IOException ignore)
        {
            // the process exit releases it
        }
    }
}
