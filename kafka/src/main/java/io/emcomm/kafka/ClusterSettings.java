package io.emcomm.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How to start a {@link LocalKafkaCluster}.
 *
 * @param dir          the data folder (created if missing)
 * @param brokers      the number of nodes (1 or 3; a folder keeps the number it was made with)
 * @param basePort     the first port ({@link ClusterLayout}); 0 for free ports; {@link LocalKafkaCluster#REUSE_PORTS}
 * @param heapMb       each broker's maximum heap, in MiB
 * @param readyTimeout how long {@link LocalKafkaCluster#start} and {@link LocalKafkaCluster#restart} wait for brokers to be ready
 * @param progress     receives one line per step ("formatting node 1/3", "starting node 2/3", ...)
 * @param jvmOptions   more options for the broker JVMs, after the heap
 */
public record ClusterSettings(Path dir, int brokers, int basePort, int heapMb, Duration readyTimeout,
    Consumer<String> progress, List<String> jvmOptions)
{
    /**
     * Checks the values.
     *
     * @param dir          the data folder
     * @param brokers      the number of nodes
     * @param basePort     the first port
     * @param heapMb       the heap of each broker in MiB
     * @param readyTimeout the readiness deadline
     * @param progress     the progress lines' receiver
     * @param jvmOptions   extra broker JVM options
     */
    public ClusterSettings
    {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(readyTimeout, "readyTimeout");
        Objects.requireNonNull(progress, "progress");
        jvmOptions = List.copyOf(jvmOptions);
        if (brokers < 1)
        {
            throw new IllegalArgumentException("brokers must be at least 1, was " + brokers);
        }
        if (heapMb < 128)
        {
            throw new IllegalArgumentException("a broker needs at least 128 MiB of heap, was " + heapMb);
        }
    }

    /**
     * Defaults: folder's ports (else 19092), 384 MiB heap per broker, 120 s to be ready, no progress lines.
     *
     * @param dir     the data folder
     * @param brokers the number of nodes
     * @return the settings
     */
    public static ClusterSettings of(final Path dir, final int brokers)
    {
        return new ClusterSettings(dir, brokers, LocalKafkaCluster.REUSE_PORTS, 384, Duration.ofSeconds(120), line -> { }, List.of());
    }

    /** @return these settings with another first port (0: free ports) */
    public ClusterSettings basePort(final int port)
    {
        return new ClusterSettings(dir, brokers, port, heapMb, readyTimeout, progress, jvmOptions);
    }

    /** @return these settings with another progress receiver */
    public ClusterSettings progress(final Consumer<String> receiver)
    {
        return new ClusterSettings(dir, brokers, basePort, heapMb, readyTimeout, receiver, jvmOptions);
    }

    /** @return these settings with another broker heap, in MiB */
    public ClusterSettings heapMb(final int mb)
    {
        return new ClusterSettings(dir, brokers, basePort, mb, readyTimeout, progress, jvmOptions);
    }
}
