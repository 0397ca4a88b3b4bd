package io.emcomm.bench.sut;

import io.emcomm.router.Router;
import io.emcomm.router.config.JournalSync;
import io.emcomm.router.config.RouterConfig;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Child-JVM entry point that runs one EmComm router for the harness, through the router's public API.
 * Usage: {@code RouterHost <dataDir> <NONE|BATCH> [<routerId> <region> [<uplinkHost:port> <uplinkRouterId> <profile|->]]}
 * (the optional part: one router of a federation, docs/protocol.md section 14, started by {@link EmcommFederation}), or
 * {@code RouterHost <dataDir> <NONE|BATCH> <routerId> --kafka <bootstrap>}: one router node of a site on a Kafka cluster
 * (issue 15, docs/cluster.md; {@code emcomm.journal.backend=kafka}, {@code emcomm.kafka.bootstrap}), started by
 * {@link EmcommCluster}.
 */
public final class RouterHost
{
    private RouterHost()
    {
    }

    /** Marks the arguments of a router node on a Kafka cluster ({@link EmcommCluster}). */
    static final String KAFKA_OPTION = "--kafka";

    /** How long a federated router waits for its uplink before it gives up starting. */
    private static final long UPLINK_WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    /**
     * Starts a router on 127.0.0.1 at any free port, data folder (journal, cursors) {@code args[0]}, journal sync
     * {@code args[1]}, no admin endpoint, further tuned by {@code -Demcomm.*} properties; with {@code args[2..3]} under
     * that router id and region, and with {@code args[4..6]} linked to a parent router (uplink profile {@code -} for
     * unshaped), announcing its port only once the uplink is up (or exiting with status 3 after 30 s). Announces the
     * port on stdout and runs until the harness says stop or closes stdin. With {@code args[3..4] = --kafka <bootstrap>}
     * a node on that Kafka cluster instead (it announces its port once it has applied the journal and taken connections).
     */
    public static void main(final String[] args) throws Exception
    {
        // -Demcomm.* properties (through emcomm.bench.childJvmArgs) tune the router like any deployment
        final RouterConfig.Builder builder = RouterConfig.builder()
            .load(null, System.getProperties(), null)
            .host("127.0.0.1")
            .port(0)
            .dataDir(Path.of(args[0]))
            .journalSync(JournalSync.valueOf(args[1]))
            .routerId(args.length > 2 ? args[2] : "emcomm-bench")
            .adminPort(-1); // no admin endpoint: several routers may run at once, and none is scraped
        final boolean kafka = args.length > 4 && KAFKA_OPTION.equals(args[3]);
        if (kafka)
        {
            // as `emcomm router --kafka` does: the journal is the site's topic, the data folder this node's mirror of it
            builder.kafka(args[4]);
        }
        else if (args.length > 3)
        {
            builder.region(args[3]);
        }
        final boolean linked = !kafka && args.length > 6;
        if (linked)
        {
            builder.uplink(args[4], args[5]).uplinkProfile("-".equals(args[6]) ? "" : args[6]).uplinkReconnectMaxMs(500);
        }
        try (Router router = Router.start(new Router.Context().config(builder.build())))
        {
            if (linked && !awaitUplink(router))
            {
                System.err.println("the uplink to " + args[4] + " (" + args[5] + ") did not come up within 30 s");
                System.exit(3);
            }
            ChildControl.serve(router.port());
        }
    }

    /** Polls the router's uplink state (a start-up wait, off every hot path); true once it is up. */
    private static boolean awaitUplink(final Router router)
    {
        final long deadline = System.nanoTime() + UPLINK_WAIT_NANOS;
        while (!router.uplinkUp())
        {
            if (System.nanoTime() - deadline > 0)
            {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return true;
    }
}
