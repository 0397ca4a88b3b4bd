package io.emcomm.cli;

import io.emcomm.kafka.ClusterSettings;
import io.emcomm.kafka.JournalTopics;
import io.emcomm.kafka.LocalKafkaCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An EmComm site as an operator runs it on one machine (issue 15, docs/cluster.md): a 3-broker local Kafka cluster
 * ({@link LocalKafkaCluster}, broker processes in {@code DIR/kafka}) and three router nodes, each {@code emcomm router
 * --kafka BOOTSTRAP --router-id node-N} in a child JVM of its own ({@link ChildCliRouter}, data in {@code DIR/node-N},
 * output in {@code DIR/node-N.log}). The failure moves of {@link ClusterChaosTest}: SIGKILL a node and start it
 * again on its data folder and port; SIGKILL the broker leading the journal partition and start it again, waiting
 * until it is back in sync. Every wait is for a condition with a deadline.
 *
 * <p>Not thread-safe: the test thread drives it.
 */
final class ChaosSite implements AutoCloseable
{
    static final JournalTopics TOPICS = JournalTopics.defaults();
    private static final Duration IN_SYNC = Duration.ofSeconds(60);

    private final LocalKafkaCluster kafka;
    private final List<ChildCliRouter> nodes;

    private ChaosSite(final LocalKafkaCluster kafka, final List<ChildCliRouter> nodes)
    {
        this.kafka = kafka;
        this.nodes = nodes;
    }

    /**
     * Starts the brokers (free ports), then the nodes one after the other (the first creates the topics).
     *
     * @param dir      the site's folder
     * @param nodes    how many router nodes
     * @param progress receives one line per step, for the test log
     */
    static ChaosSite start(final Path dir, final int nodes, final java.util.function.Consumer<String> progress)
        throws IOException
    {
        final ClusterSettings defaults = ClusterSettings.of(dir.resolve("kafka"), 3).basePort(0).heapMb(256)
            .progress(line -> progress.accept("kafka: " + line));
        // C1 alone: a broker restarted mid-test is back in sync sooner when it does not also run C2 on two busy cores
        final LocalKafkaCluster kafka = LocalKafkaCluster.start(new ClusterSettings(defaults.dir(), defaults.brokers(),
            defaults.basePort(), defaults.heapMb(), defaults.readyTimeout(), defaults.progress(), List.of("-XX:TieredStopAtLevel=1")));
        final List<ChildCliRouter> started = new ArrayList<>();
        try
        {
            // One event loop: three nodes, three brokers and the test share two cores. Heartbeats and idle timeouts stay
            // at their defaults: a killed node's connections end at once (the kernel resets them), and short ones
            // made the terminals leave live nodes whose event loops the loaded machine had stalled for a second.
            final List<String> jvm = List.of("-Demcomm.io.threads=1");
            for (int n = 1; n <= nodes; n++)
            {
                final String id = "node-" + n;
                started.add(ChildCliRouter.start(id, dir.resolve(id), jvm,
                    "--kafka", kafka.bootstrapServers(), "--router-id", id));
                progress.accept(id + " listening on " + started.get(n - 1).port());
            }
            return new ChaosSite(kafka, started);
        }
        catch (final IOException | RuntimeException | Error ex)
        {
            for (final ChildCliRouter r : started)
            {
                closeQuietly(r);
            }
            kafka.close();
            throw ex;
        }
    }

    /** The node numbered {@code n} from 1. */
    ChildCliRouter node(final int n)
    {
        return nodes.get(n - 1);
    }

    /** The name of the node listening on {@code port}, e.g. "node-2". */
    String nameOfPort(final int port)
    {
        return nodes.stream().filter(r -> r.port() == port).map(ChildCliRouter::name).findFirst().orElse("port " + port);
    }

    int nodeCount()
    {
        return nodes.size();
    }

    /** The terminal addresses of the nodes numbered {@code order} (from 1), in that order: a terminal's router list. */
    List<InetSocketAddress> routers(final int... order)
    {
        final List<InetSocketAddress> list = new ArrayList<>();
        for (final int n : order)
        {
            list.add(new InetSocketAddress("127.0.0.1", node(n).port()));
        }
        return list;
    }

    LocalKafkaCluster kafka()
    {
        return kafka;
    }

    /** {@code kill -9} of a node; returns once its process is gone. */
    void killNode(final int n) throws InterruptedException
    {
        node(n).kill();
    }

    /** Starts a killed node again on its data folder and port; returns once it listens (it has applied the topic). */
    void restartNode(final int n) throws IOException
    {
        final int before = node(n).port();
        node(n).restart();
        if (node(n).port() != before)
        {
            // terminals dial the addresses they were given: a node back on another port would not be found
            throw new AssertionError(node(n).name() + " came back on port " + node(n).port() + " instead of " + before);
        }
    }

    /** The broker leading the journal partition (waiting for it to have one). */
    int journalLeader()
    {
        return kafka.awaitLeader(TOPICS.journal(), -1, IN_SYNC);
    }

    /** SIGKILL of a broker; returns once its process is gone. */
    void killBroker(final int broker)
    {
        kafka.kill(broker);
    }

    /**
     * Starts a killed broker again and waits until every partition of both topics has all three replicas in sync,
     * so that the next kill never meets a partition with fewer than {@code min.insync.replicas} left.
     */
    void restartBroker(final int broker) throws InterruptedException
    {
        kafka.restart(broker);
        final long deadline = System.nanoTime() + IN_SYNC.toNanos();
        String last = "";
        try (Admin admin = kafka.admin())
        {
            while (System.nanoTime() < deadline)
            {
                try
                {
                    final Map<String, TopicDescription> topics = admin.describeTopics(List.of(TOPICS.journal(), TOPICS.terminals()))
                        .allTopicNames().get(10, TimeUnit.SECONDS);
                    last = topics.toString();
                    if (topics.values().stream().flatMap(t -> t.partitions().stream()).allMatch(ChaosSite::fullyInSync))
                    {
                        return;
                    }
                }
                catch (final java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex)
                {
                    last = ex.toString();
                }
                // the admin API has no "tell me when the ISR grows": ask again shortly
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
        throw new AssertionError("broker " + broker + " did not rejoin the in-sync replicas within " + IN_SYNC.toSeconds()
            + " s: " + last);
    }

    private static boolean fullyInSync(final TopicPartitionInfo p)
    {
        return p.leader() != null && p.isr().size() == p.replicas().size();
    }

    /** Stops the nodes (SIGTERM), then the brokers. */
    @Override
    public void close()
    {
        for (final ChildCliRouter r : nodes)
        {
            closeQuietly(r);
        }
        kafka.close();
    }

    private static void closeQuietly(final ChildCliRouter r)
    {
        try
        {
            r.close();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
