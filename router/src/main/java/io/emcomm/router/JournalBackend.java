package io.emcomm.router;

import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.journal.Journal;
import io.emcomm.router.sequence.OrderedLog;
import io.emcomm.router.sequence.Sequencer;

import java.util.ServiceLoader;
import java.util.function.LongSupplier;

/**
 * A journal the router does not keep alone (issue 15): a replicated log that several router nodes append to
 * ({@link #log()}), with this node's local mirror of it ({@link #journal()}: catch-up, replay, start-up recovery),
 * and the apply loop that hands every record, in log order, to the node's {@link Sequencer#apply}. The router
 * finds an implementation by the name in {@code emcomm.journal.backend} through {@link ServiceLoader}
 * ({@link Provider}), so the router module does not depend on the module that implements it (emcomm-kafka).
 *
 * <p>Life: {@link Provider#open} (control plane, before the sequencer exists), then the router rebuilds its state
 * from {@link #journal()}, then {@link #startApplying} (blocks until caught up), then traffic, then {@link #close}.
 */
public interface JournalBackend extends AutoCloseable
{
    /** Makes a backend; listed in {@code META-INF/services/io.emcomm.router.JournalBackend$Provider}. */
    interface Provider
    {
        /** @return the {@code emcomm.journal.backend} value this provider serves ({@code kafka}) */
        String name();

        /**
         * Opens the backend for a node: checks or creates what it needs in the cluster, opens the local mirror in
         * {@link RouterConfig#journalDir()}, connects the producers. Control plane.
         *
         * @param config      the node's settings
         * @param clockMicros the node's clock, microseconds since the epoch
         * @return the opened backend
         * @throws io.emcomm.router.config.StartFailure one line naming the setting or the cluster's refusal
         */
        JournalBackend open(RouterConfig config, LongSupplier clockMicros);
    }

    /** @return the node's local mirror of the log, indexed by the log's positions; read by catch-up and replay */
    Journal journal();

    /** @return where admitted publishes are offered */
    OrderedLog log();

    /**
     * Starts the apply loop after the mirror's last index and returns once it has applied everything the log held
     * when this was called, so the node accepts publishes only with its view caught up. Control plane.
     *
     * @param sequencer the node's sequencer: records go to {@link Sequencer#apply}, the log's failures to
     *                  {@link Sequencer#logFailed}
     * @throws io.emcomm.router.config.StartFailure when the loop cannot catch up in time or stops
     */
    void startApplying(Sequencer sequencer);

    /**
     * The cursor store of a node that shares its terminals with the other nodes (issue 15 Deliver 2: every node
     * serves every terminal), or null for the router's own store in its data folder. Opened with the backend; the
     * router closes it before the backend.
     *
     * @return the store, or null
     */
    default io.emcomm.router.terminal.ClusterCursorStore cursorStore()
    {
        return null;
    }

    /**
     * Where this node stands in the cluster, for {@code /status} and the {@code emcomm_cluster_*} metrics
     * (docs/operations.md). Read-only, cheap, any thread (operations and admin threads call it about once a second).
     *
     * @return a snapshot, or null when the backend reports none (the default)
     */
    default io.emcomm.router.admin.ClusterStatus clusterStatus()
    {
        return null;
    }

    /**
     * Where one terminal is in the cluster: the node of its newest claim, as this node has read the cluster's
     * terminals record. Any thread; does not wait for the cluster.
     *
     * @param terminalId the terminal
     * @return its place, or null when the cluster has no claim of it (the default: the backend keeps no terminals)
     */
    default io.emcomm.router.admin.ClusterTerminal clusterTerminal(final String terminalId)
    {
        return null;
    }

    /**
     * The node's mirror as retention sees it: {@code emcomm.journal.retention.*} delete its oldest roll files as they
     * do the router's own journal's (a terminal's cursor holds them against the age limit, the size limit wins).
     *
     * @return the mirror's queue and index map, or null when the backend's journal needs no retention (the default)
     */
    default io.emcomm.router.journal.RetainedQueue retainedQueue()
    {
        return null;
    }

    /** One line for the status report: where the node stands in the log. */
    default String describe()
    {
        return getClass().getSimpleName();
    }

    /** Stops the apply loop and the producers (waiting for records in flight), closes the mirror. */
    @Override
    void close();

    /**
     * @param name the {@code emcomm.journal.backend} value
     * @return the provider of that name on the class path
     * @throws io.emcomm.router.config.StartFailure when none is
     */
    static Provider provider(final String name)
    {
        for (final Provider p : ServiceLoader.load(Provider.class, JournalBackend.class.getClassLoader()))
        {
            if (p.name().equals(name))
            {
                return p;
            }
        }
        throw new io.emcomm.router.config.StartFailure("emcomm.journal.backend=" + name + ": no such journal backend on "
            + "the class path (the Kafka journal is in emcomm-kafka, which ./emcomm has)");
    }
}
