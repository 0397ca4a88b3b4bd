package io.emcomm.bench.sut;

import io.emcomm.kafka.ClusterSettings;
import io.emcomm.kafka.LocalKafkaCluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * EmComm on one site's Kafka cluster (issue 15, docs/cluster.md), as {@code emcomm kafka} and {@code emcomm router
 * --kafka} run it: a local KRaft cluster of {@value #BROKERS} brokers ({@link LocalKafkaCluster}: each broker a child JVM
 * with its 384 MiB heap, on free loopback ports), then {@value #NODES} router nodes in child JVMs ({@link RouterHost}
 * with {@code emcomm.journal.backend=kafka}), router ids {@code node-1}, {@code node-2}, each with its own data folder
 * (its mirror of the journal). The topics are the defaults every node creates or checks: {@code emcomm.journal} with
 * one partition, replication 3, {@code min.insync.replicas=2}; producers {@code acks=all}. Nothing is tuned for the
 * benchmark: the nodes run with the defaults a site gets (5 s delivery timeout, 4 MiB ROUTINE cap).
 */
final class EmcommCluster implements Cluster
{
    /** Brokers of the Kafka cluster: the smallest that survives the loss of one with min.insync.replicas=2. */
    static final int BROKERS = 3;
    /** Router nodes: the smallest site that has a publish on one node and a delivery on another. */
    static final int NODES = 2;

    private final List<ChildJvm> nodes = new ArrayList<>();
    private LocalKafkaCluster kafka;

    private EmcommCluster()
    {
    }

    /**
     * Starts the brokers, then the nodes one after the other (the first creates the topics), on the calling thread
     * (20-60 s on a busy 2-core machine).
     *
     * @param label   names the nodes' children ({@code <label>-node-<n>}, their logs and
     *                {@code emcomm.bench.childJvmArgs.<name>}) and the data folders.
     * @param workDir the nodes run and log here.
     * @param dataDir the brokers' folder is {@code dataDir/kafka}, node n's mirror {@code dataDir/node-<n>}.
     * @throws IOException when a broker or a node does not start (what did start is stopped).
     */
    static EmcommCluster start(final String label, final Path workDir, final Path dataDir) throws IOException
    {
        final EmcommCluster cluster = new EmcommCluster();
        try
        {
            cluster.kafka = LocalKafkaCluster.start(ClusterSettings.of(dataDir.resolve("kafka").toAbsolutePath(), BROKERS)
                .basePort(0));
            final String bootstrap = cluster.kafka.bootstrapServers();
            for (int n = 1; n <= NODES; n++)
            {
                final String id = "node-" + n;
                cluster.nodes.add(ChildJvm.start(label + "-" + id, RouterHost.class, workDir, List.of(
                    dataDir.resolve(id).toAbsolutePath().toString(), "NONE", id, RouterHost.KAFKA_OPTION, bootstrap)));
            }
            return cluster;
        }
        catch (final IOException | RuntimeException ex)
        {
            cluster.close();
            throw ex;
        }
    }

    @Override
    public int nodes()
    {
        return nodes.size();
    }

    @Override
    public BenchClient connect(final int node, final ClientSpec spec) throws Exception
    {
        return EmcommDriver.connect(nodes.get(node).port(), spec);
    }

    @Override
    public String describe()
    {
        return NODES + " router nodes on a " + BROKERS + "-broker Kafka cluster (journal: 1 partition, replication 3, "
            + "min.insync.replicas=2, acks=all)";
    }

    /** Process ids of the nodes and brokers now running (for the test that closing leaves nothing behind). */
    List<Long> pids()
    {
        final List<Long> pids = new ArrayList<>();
        for (final ChildJvm node : nodes)
        {
            pids.add(node.pid());
        }
        if (kafka != null)
        {
            for (int id = 1; id <= kafka.size(); id++)
            {
                if (kafka.pid(id) > 0)
                {
                    pids.add(kafka.pid(id));
                }
            }
        }
        return pids;
    }

    @Override
    public void close()
    {
        // nodes first: each writes its terminals' last cursors to the cluster as it closes
        for (int i = nodes.size() - 1; i >= 0; i--)
        {
            nodes.get(i).close();
        }
        nodes.clear();
        if (kafka != null)
        {
            kafka.close();
            kafka = null;
        }
    }
}
