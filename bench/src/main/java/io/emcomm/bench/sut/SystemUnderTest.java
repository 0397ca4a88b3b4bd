package io.emcomm.bench.sut;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A messaging system the harness measures: EmComm Router or a peer. The harness starts it, connects
 * clients through it, and always closes it (which stops any process it started).
 */
public interface SystemUnderTest extends AutoCloseable
{
    /** Name used in tables and the JSON summary, e.g. {@code emcomm}, {@code nats}. */
    String name();

    Set<Capability> capabilities();

    /**
     * Starts the server (a child process) with its files under {@code workDir}.
     *
     * @throws Unavailable when the system cannot be had on this machine; the harness skips it.
     */
    void start(Path workDir) throws Exception;

    BenchClient connect(ClientSpec spec) throws Exception;

    /**
     * Reads back everything {@code publisherId} published to {@code publishedTo}, returning the number of
     * messages read (at most {@code expected}) before the read finished or {@code timeout} passed.
     */
    default long replayAll(final String publisherId, final Destination publishedTo, final long expected,
        final java.time.Duration timeout) throws Exception
    {
        throw new UnsupportedOperationException(name() + " has no replay");
    }

    /**
     * Opens {@code plan.count()} idle connections that completed the system's handshake, spread over the plan's
     * loopback source addresses; terminal ids (where the protocol has them) start with {@code idPrefix}.
     */
    default IdleConnections openIdle(final IdleConnections.Plan plan, final String idPrefix) throws Exception
    {
        throw new UnsupportedOperationException(name() + " has no idle connections scenario");
    }

    /**
     * Starts routers of this system linked in a chain of the region tree, top first ({@link Federation}), with their
     * files under this system's work folder; the scenario closes it. Only systems with {@link Capability#FEDERATION}.
     *
     * @param label         unique per scenario: names the routers' logs and data folders.
     * @param regions       region codes by level, top first, each inside the one before.
     * @param uplinkProfile link profile of every link ({@code ""} unshaped, {@code vsat}, {@code rate:N}).
     */
    default Federation federation(final String label, final List<String> regions, final String uplinkProfile)
        throws Exception
    {
        throw new UnsupportedOperationException(name() + " has no federation of linked servers here");
    }

    /**
     * Starts a cluster of this system on one site ({@link Cluster}), with its files under this system's work folder;
     * the scenario closes it. Only systems with {@link Capability#CLUSTER_PERSISTED} or {@link Capability#CLUSTER_PUB_SUB}.
     *
     * @param label unique per scenario: names the cluster's processes, logs and data folders.
     */
    default Cluster cluster(final String label) throws Exception
    {
        throw new UnsupportedOperationException(name() + " has no cluster here");
    }

    /** Memory of the server process now (after a full GC for a JVM server). */
    Footprint footprint() throws Exception;

    /**
     * Folders under the work folder in which the server stores messages. The comparison deletes them once
     * the server is closed (logs and configs stay): one full run otherwise leaves ~20 GB of journals behind.
     */
    default List<String> storageFolders()
    {
        return List.of();
    }

    @Override
    void close();

    /** Thrown by {@link #start} when a system cannot run here; the message says why, in one line. */
    final class Unavailable extends Exception
    {
        private static final long serialVersionUID = 1L;

        public Unavailable(final String message)
        {
            super(message);
        }
    }
}
