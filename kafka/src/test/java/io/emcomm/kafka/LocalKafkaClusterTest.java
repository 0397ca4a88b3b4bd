package io.emcomm.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three real broker processes from the Maven artifacts (issue 15): they start, the topics are created and
 * accepted, a record produced with acks=all reads back; SIGKILL of the journal's leader elects another and
 * acks=all still succeeds; the whole cluster started again on its folder keeps its id, ports and records. One
 * cluster for the class (the tests run in order, each leaving all three brokers running), so the class costs
 * one start and one restart.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalKafkaClusterTest
{
    private static final JournalTopics TOPICS = JournalTopics.defaults();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    static LocalKafkaCluster cluster;
    static final List<String> progress = java.util.Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    static void start()
    {
        cluster = LocalKafkaCluster.start(ClusterSettings.of(dir, 3).basePort(0).progress(progress::add));
    }

    @AfterAll
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    static void stop()
    {
        if (cluster != null)
        {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void threeBrokerProcessesServeTheTopicsAndAnAcksAllRecordReadsBack() throws Exception
    {
        assertEquals(List.of("formatting node 1/3", "formatting node 2/3", "formatting node 3/3"), progress.subList(0, 3));
        assertEquals("waiting for 3 brokers", progress.get(progress.size() - 1));
        for (int node = 1; node <= 3; node++)
        {
            assertTrue(cluster.isRunning(node));
            assertNotEquals(ProcessHandle.current().pid(), cluster.pid(node), "a process of its own");
            assertTrue(Files.exists(NodeConfig.logsDir(dir, node).resolve("server.log")), "Kafka logs into node-N/logs");
        }
        try (Admin admin = cluster.admin())
        {
            assertEquals(List.of(TOPICS.journal(), TOPICS.terminals()), TOPICS.ensure(admin, WAIT));
            assertEquals(List.of(), TOPICS.ensure(admin, WAIT), "the second time creates nothing and accepts both");
            assertEquals(3, admin.describeTopics(List.of(TOPICS.journal())).allTopicNames().get().get(TOPICS.journal())
                .partitions().get(0).replicas().size());
        }
        final RecordMetadata first = produce("before-the-kill");
        assertEquals(List.of("before-the-kill"), readAll().subList((int) first.offset(), (int) first.offset() + 1));
    }

    @Test
    @Order(2)
    void killingTheLeaderElectsAnotherAndAcksAllStillSucceeds() throws Exception
    {
        final int leader = cluster.awaitLeader(TOPICS.journal(), -1, WAIT);
        final long pid = cluster.pid(leader);
        cluster.kill(leader);
        assertTrue(ProcessHandle.of(pid).isEmpty() || !ProcessHandle.of(pid).get().isAlive(), "the leader's process is gone");
        final int next = cluster.awaitLeader(TOPICS.journal(), leader, WAIT);
        assertNotEquals(leader, next);
        // two of three brokers hold it: min.insync.replicas=2 is met
        final RecordMetadata during = produce("with-one-broker-down");
        assertEquals("with-one-broker-down", readAll().get((int) during.offset()));

        cluster.restart(leader);
        assertTrue(cluster.isRunning(leader));
        synchronized (progress)
        {
            assertTrue(progress.stream().noneMatch(l -> l.contains("ended")), "a kill asked for is not reported: " + progress);
        }
        assertEquals(List.of("before-the-kill", "with-one-broker-down"), readAll());
    }

    @Test
    @Order(3)
    void startingAgainOnTheSameFolderKeepsItsIdPortsAndRecords() throws Exception
    {
        final ClusterLayout before = cluster.layout();
        cluster.close();
        for (int node = 1; node <= 3; node++)
        {
            assertTrue(!cluster.isRunning(node), "stopped");
        }
        cluster = LocalKafkaCluster.start(ClusterSettings.of(dir, 3));
        assertEquals(before, cluster.layout(), "same cluster id and ports");
        try (Admin admin = cluster.admin())
        {
            TOPICS.check(admin, WAIT);
        }
        assertEquals(List.of("before-the-kill", "with-one-broker-down"), readAll());
    }

    @Test
    @Order(4)
    void aSecondClusterOnTheFolderOrOnItsPortsIsRefused(@TempDir final Path other)
    {
        final ClusterFailure sameDir = assertThrows(ClusterFailure.class,
            () -> LocalKafkaCluster.start(ClusterSettings.of(dir, 3)));
        assertEquals("data folder " + dir.toAbsolutePath() + " is in use by process " + ProcessHandle.current().pid()
            + " (a running local Kafka cluster)", sameDir.getMessage());

        final int port = cluster.layout().node(1).brokerPort();
        assertTrue(cluster.isRunning(1), "node 1 holds the port");
        final ClusterFailure samePorts = assertThrows(ClusterFailure.class, () ->
        {
            try (LocalKafkaCluster second = LocalKafkaCluster.start(ClusterSettings.of(other, 3).basePort(port)))
            {
                // not refused: closed here so that its brokers do not outlive the test
                second.size();
            }
        });
        assertEquals("port " + port + " is in use (broker of node 1); choose other ports with --port", samePorts.getMessage());
        try (ClusterFolderLock again = ClusterFolderLock.claim(other))
        {
            assertTrue(Files.exists(other.resolve(ClusterFolderLock.LOCK_FILE)), "the refused start let its folder go");
        }
    }

    private static RecordMetadata produce(final String value) throws Exception
    {
        final Map<String, Object> p = cluster.clientSettings();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer()))
        {
            return producer.send(new ProducerRecord<>(TOPICS.journal(), "uav-1", value)).get(40, TimeUnit.SECONDS);
        }
    }

    /** Every record of the journal topic, read from offset 0 to its end. */
    private static List<String> readAll()
    {
        final Map<String, Object> p = cluster.clientSettings();
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final TopicPartition tp = new TopicPartition(TOPICS.journal(), 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer()))
        {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            final long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
            final List<String> values = new ArrayList<>();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.position(tp, Duration.ofSeconds(30)) < end && System.nanoTime() < deadline)
            {
                for (final ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500)))
                {
                    values.add(r.value());
                }
            }
            return values;
        }
    }
}
