package io.emcomm.router;

import io.emcomm.router.config.StartFailure;
import io.emcomm.router.config.FileProblem;

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
import java.util.stream.Stream;

/**
 * A router's claim on its data folder: one data folder, one router. Two routers appending to one journal
 * would both number their own messages from the same origin state and write the same origin sequence twice
 * with different contents, and nothing downstream could tell (issue 12, kind 8).
 *
 * <p>{@link #claim} creates the folder, locks {@value #LOCK_FILE} in it with
 * {@link FileChannel#tryLock()} (an OS lock, so a router killed with SIGKILL leaves nothing to clean up: the
 * kernel drops the lock with the process), writes this process's id into it for the message a second router
 * prints, and checks that everything in the subfolders is writable by this user, so that a folder made by
 * another user fails here with a reason rather than inside Chronicle. All of it happens before the journal is
 * opened. The lock file stays; it is emptied on {@link #close}.
 *
 * <p>Within one JVM the OS lock cannot tell two claims apart, and closing any channel on the lock file would
 * drop the lock the other claim holds (POSIX locks belong to the process), so claims made in this JVM are also
 * kept in a set and a second claim is refused before it opens the file. Read-only tools (journal verify and
 * export, replay --data) do not claim the folder: Chronicle lets readers in other processes read a journal
 * while it is appended to. Thread-safe.
 */
public final class DataFolder implements AutoCloseable
{
    /** The lock file in the data folder; holds the id of the process that has it locked. */
    public static final String LOCK_FILE = "router.lock";

    /** Real paths of the lock files of the folders claimed in this JVM. */
    private static final Set<Path> CLAIMED = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final Path lockPath;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean closed;

    private DataFolder(final Path dir, final Path lockPath, final FileChannel channel, final FileLock lock)
    {
        this.dir = dir;
        this.lockPath = lockPath;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Claims {@code dataDir} for this process: creates it, locks it, and checks that every file in the
     * {@code subfolders} that exist can be read and written.
     *
     * @throws StartFailure naming the folder and the reason: "data folder DIR is in use by process N",
     *                      "cannot create data folder DIR: permission denied", "cannot use data folder DIR:
     *                      FILE: permission denied (...)", "... read-only file system".
     */
    public static DataFolder claim(final Path dataDir, final String... subfolders)
    {
        return claimAs(dataDir, LOCK_FILE, "", subfolders);
    }

    /**
     * Claims {@code dataDir} as {@link #claim(Path, String...)} does, with another lock file and a word on who
     * holds such a folder, for the other programs that own a folder the same way (the local Kafka cluster of
     * {@code emcomm kafka}: {@code kafka.lock}, "a running local Kafka cluster").
     *
     * @param lockFile   the lock file's name inside the folder
     * @param holder     added in brackets to the in-use message; empty for none
     * @param subfolders subfolders whose files must be readable and writable by this user
     * @throws StartFailure as {@link #claim(Path, String...)}, the in-use message ending in "({@code holder})"
     */
    public static DataFolder claimAs(final Path dataDir, final String lockFile, final String holder, final String... subfolders)
    {
        final Path dir = dataDir.toAbsolutePath().normalize();
        final Path key;
        try
        {
            Files.createDirectories(dir);
            key = dir.toRealPath();
        }
        catch (final IOException ex)
        {
            throw new StartFailure("cannot create data folder " + dir + ": " + FileProblem.reason(ex), ex);
        }
        final Path lockPath = key.resolve(lockFile);
        if (!CLAIMED.add(lockPath))
        {
            throw inUse(dir, ProcessHandle.current().pid(), holder);
        }
        FileChannel channel = null;
        try
        {
            channel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
            final FileLock lock;
            try
            {
                lock = channel.tryLock();
            }
            catch (final OverlappingFileLockException ex)
            {
                // This JVM holds the lock through another path to the same file (a bind mount, another class
                // loader). Closing this channel would release that lock, so it is left open on purpose.
                channel = null;
                throw inUse(dir, ProcessHandle.current().pid(), holder);
            }
            if (lock == null)
            {
                final long pid = readPid(channel);
                throw inUse(dir, pid, holder);
            }
            writePid(channel);
            for (final String sub : subfolders)
            {
                checkWritable(dir, key.resolve(sub));
            }
            return new DataFolder(dir, lockPath, channel, lock);
        }
        catch (final IOException ex)
        {
            close(channel);
            CLAIMED.remove(lockPath);
            throw new StartFailure("cannot use data folder " + dir + ": " + FileProblem.reason(ex), ex);
        }
        catch (final RuntimeException ex)
        {
            close(channel);
            CLAIMED.remove(lockPath);
            throw ex;
        }
    }

    /** The data folder, absolute. */
    public Path dir()
    {
        return dir;
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
            // a stale pid in the file would mislead whoever reads it; the lock, not the file, is the claim
            channel.truncate(0);
            lock.release();
        }
        catch (final IOException ignore)
        {
            // closing the channel below releases the lock whatever happened here
        }
        close(channel);
        CLAIMED.remove(lockPath);
    }

    private static StartFailure inUse(final Path dir, final long pid, final String holder)
    {
        final String who = pid > 0 ? "process " + pid : "another process";
        return new StartFailure("data folder " + dir + " is in use by " + who + (holder.isEmpty() ? "" : " (" + holder + ")"));
    }

    /** A subfolder that does not exist yet is made by Chronicle in a folder this process could lock, so it can. */
    private static void checkWritable(final Path dir, final Path sub) throws IOException
    {
        if (!Files.exists(sub))
        {
            return;
        }
        checkFile(dir, sub);
        try (Stream<Path> files = Files.list(sub))
        {
            files.forEach(f -> checkFile(dir, f));
        }
    }

    /** Chronicle opens every file of a queue read-write, so each must be readable and writable by this user. */
    private static void checkFile(final Path dir, final Path file)
    {
        if (!Files.isReadable(file) || !Files.isWritable(file))
        {
            String owner;
            try
            {
                owner = Files.getOwner(file).getName();
            }
            catch (final IOException | UnsupportedOperationException ex)
            {
                owner = "?";
            }
            throw new StartFailure("cannot use data folder " + dir + ": " + file + ": permission denied (it belongs to "
                + owner + ", the router runs as " + System.getProperty("user.name") + ")");
        }
    }

    private static long readPid(final FileChannel channel)
    {
        final ByteBuffer buf = ByteBuffer.allocate(32);
        try
        {
            channel.read(buf, 0);
        }
        catch (final IOException ex)
        {
            // Windows locks are mandatory: the holder's lock keeps others from reading its pid
            return -1;
        }
        final String text = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
        try
        {
            return Long.parseLong(text);
        }
        catch (final NumberFormatException ex)
        {
            // the holder has not written its pid yet, or it is not a router
            return -1;
        }
    }

    private static void writePid(final FileChannel channel) throws IOException
    {
        final ByteBuffer pid = ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII));
        channel.truncate(0);
        while (pid.hasRemaining())
        {
            channel.write(pid, pid.position());
        }
        channel.force(false);
    }

    private static void close(final FileChannel channel)
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
            // nothing more can be done; the process exit releases it
        }
    }
}
