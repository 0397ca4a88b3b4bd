package io.emcomm.kafka;

import io.emcomm.router.DataFolder;
import io.emcomm.router.config.StartFailure;

import java.nio.file.Path;

/**
 * A local cluster's claim on its data folder: one folder, one running cluster. Two clusters on one folder would
 * start two broker processes on each node's log directory (Kafka refuses the second one only after formatting
 * and half a start) and fight over the ports in {@value ClusterLayout#FILE}.
 *
 * <p>The router's data-folder lock ({@link DataFolder}) with its own lock file, {@value #LOCK_FILE}: an OS lock,
 * so a cluster process killed with SIGKILL leaves nothing to clean up, and the holder's process id in the file for
 * the refusal message. Thread-safe.
 */
public final class ClusterFolderLock implements AutoCloseable
{
    /** The lock file in the data folder; holds the id of the process running the cluster. */
    public static final String LOCK_FILE = "kafka.lock";

    private final DataFolder folder;

    private ClusterFolderLock(final DataFolder folder)
    {
        this.folder = folder;
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
        try
        {
            return new ClusterFolderLock(DataFolder.claimAs(dir, LOCK_FILE, "a running local Kafka cluster"));
        }
        catch (final StartFailure ex)
        {
            throw new ClusterFailure(ex.getMessage(), ex);
        }
    }

    /** Empties the lock file and releases the lock; a second call does nothing. */
    @Override
    public void close()
    {
        folder.close();
    }
}
