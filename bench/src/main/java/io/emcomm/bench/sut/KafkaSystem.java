package io.emcomm.bench.sut;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code kafka}: the Kafka cluster EmComm's cluster rows run on, driven by kafka-clients alone, no router ({@link
 * KafkaCluster}): what the log costs by itself, the cluster rows' baseline as {@code netty_baseline} is the single
 * node's. Cluster scenarios only; it has no single server, so {@link #start} only notes the work folder.
 */
public final class KafkaSystem implements SystemUnderTest
{
    private Path workDir;

    @Override
    public String name()
    {
        return "kafka";
    }

    @Override
    public Set<Capability> capabilities()
    {
        return EnumSet.of(Capability.CLUSTER_PERSISTED, Capability.CLUSTER_PUB_SUB);
    }

    @Override
    public void start(final Path workDir)
    {
        this.workDir = workDir;
    }

    @Override
    public BenchClient connect(final ClientSpec spec)
    {
        throw new UnsupportedOperationException("kafka runs the cluster scenarios only");
    }

    /** Brokers' data under {@code data/} so it is discarded. */
    @Override
    public Cluster cluster(final String label) throws Exception
    {
        if (workDir == null)
        {
            throw new IllegalStateException("start the system first");
        }
        return KafkaCluster.start(workDir.resolve("data").resolve(label));
    }

    @Override
    public Footprint footprint()
    {
        return new Footprint(-1, -1);
    }

    @Override
    public List<String> storageFolders()
    {
        return List.of("data");
    }

    @Override
    public void close()
    {
        // the cluster is the scenario's, closed by it
    }
}
