package io.emcomm.kafka;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.server.common.MetadataVersion;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * In-JVM KRaft clusters for tests (issue 15), over Kafka's own test kit ({@link KafkaClusterTestKit} and
 * {@link TestKitNodes}, artifact {@code kafka-test-common-runtime}): brokers on free
 * loopback ports (one KRaft controller and N brokers, see {@link #start(int, Map)}), in a temporary folder removed on close. Faster to start than {@link LocalKafkaCluster}'s
 * processes, and a broker can be shut down through {@code brokers()}; use the processes where a broker must die
 * by SIGKILL.
 *
 * <p>Kafka's {@link Exit} exit and halt procedures are replaced before the first start: a broker that hits a
 * fatal error calls them, and the real ones would end the test JVM with every other test in it. The calls are
 * recorded ({@link #exitCalls()}) and thrown in the calling Kafka thread instead. Thread counts are low and the
 * cleaner small, as in {@link NodeConfig}: on 2 cores CPU runs out before memory. Shared by other modules'
 * tests through this module's test jar ({@code emcomm-kafka:tests}).
 */
public final class KafkaTestClusters
{
    private static final List<String> EXIT_CALLS = new CopyOnWriteArrayList<>();

    static
    {
        final Exit.Procedure refuse = (code, message) ->
        {
            EXIT_CALLS.add(code + ": " + message);
            throw new IllegalStateException("Kafka tried to end the test JVM with status " + code + ": " + message);
        };
        Exit.setExitProcedure(refuse);
        Exit.setHaltProcedure(refuse);
    }

    private KafkaTestClusters()
    {
    }

    /**
     * Formats and starts a cluster of one controller and {@code nodes} brokers and waits until the brokers are ready.
     *
     * @param nodes the number of brokers (1 or 3)
     * @return the running cluster: {@code bootstrapServers()}, {@code admin()}, {@code brokers()}; close it
     * @throws Exception whatever the kit throws while starting
     */
    public static KafkaClusterTestKit start(final int nodes) throws Exception
    {
        return start(nodes, Map.of());
    }

    /**
     * As {@link #start(int)}, with broker settings of the test's own on top of the small-machine ones.
     *
     * @param nodes    the number of nodes
     * @param settings broker settings (for example {@code min.insync.replicas}); these win
     * @return the running cluster
     * @throws Exception whatever the kit throws while starting
     */
    public static KafkaClusterTestKit start(final int nodes, final Map<String, String> settings) throws Exception
    {
        // One controller and N brokers apart, not N combined nodes: with combined nodes on Kafka 4.3.1 the kit's
        // follower controllers had their UpdateVoter requests refused as invalid and their raft threads stopped
        // ("Received unexpected invalid request error"), with or without unstable versions, with a static or a
        // dynamic quorum. Brokers are observers of the quorum and never send it. The newest released metadata
        // version, not the kit's default (the next one, under development).
        final TestKitNodes kitNodes = new TestKitNodes.Builder().setCombined(false).setNumBrokerNodes(nodes)
            .setNumControllerNodes(1).setBootstrapMetadataVersion(MetadataVersion.latestProduction()).build();
        final KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(kitNodes);
        final String replicas = Integer.toString(Math.min(3, nodes));
        final String minIsr = Integer.toString(nodes >= 3 ? 2 : 1);
        final Map<String, String> small = Map.ofEntries(
            Map.entry("num.network.threads", "1"),
            Map.entry("num.io.threads", "1"),
            Map.entry("num.replica.fetchers", "1"),
            Map.entry("num.recovery.threads.per.data.dir", "1"),
            Map.entry("background.threads", "1"),
            Map.entry("log.cleaner.threads", "1"),
            Map.entry("log.cleaner.dedupe.buffer.size", Integer.toString(2 << 20)),
            Map.entry("log.cleaner.io.buffer.size", Integer.toString(128 << 10)),
            Map.entry("auto.create.topics.enable", "false"),
            Map.entry("default.replication.factor", replicas),
            Map.entry("min.insync.replicas", minIsr),
            Map.entry("offsets.topic.replication.factor", replicas),
            Map.entry("offsets.topic.num.partitions", "1"),
            Map.entry("transaction.state.log.replication.factor", replicas),
            Map.entry("transaction.state.log.min.isr", minIsr),
            Map.entry("group.initial.rebalance.delay.ms", "0"));
        small.forEach(builder::setConfigProp);
        settings.forEach(builder::setConfigProp);
        final KafkaClusterTestKit kit = builder.build();
        try
        {
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
            return kit;
        }
        catch (final Exception ex)
        {
            kit.close();
            throw ex;
        }
    }

    /** @return every exit or halt Kafka attempted in this JVM ("status: message"), oldest first */
    public static List<String> exitCalls()
    {
        return List.copyOf(EXIT_CALLS);
    }
}
