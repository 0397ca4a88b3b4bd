package io.emcomm.kafka.node;

import io.emcomm.kafka.JournalTopics;
import io.emcomm.kafka.KafkaTestClusters;
import io.emcomm.kafka.journal.JournalRecord;
import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.NackReason;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.PublishAck;
import io.emcomm.protocol.wire.PublishNack;
import io.emcomm.router.Router;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.testing.AdminHttp;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import io.emcomm.testing.TestTerminal;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static io.emcomm.protocol.wire.TerminalKind.COMMAND_POST;
import static io.emcomm.protocol.wire.TerminalKind.GROUND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two router nodes on one 3-broker in-JVM Kafka cluster (issue 15 Deliver 1, 3 and 4), real routers over real TCP:
 * a publish on node A is delivered on A and on B under the record's Kafka offset; a retry through B gets the original
 * index and is delivered once; a terminal that reconnects to its node resumes from its cursor; FLASH overtakes a
 * ROUTINE backlog in A's producer (ROUTINE past its cap is refused busy); with two brokers of three down publishes
 * are nacked JOURNAL_UNAVAILABLE and service resumes when they return, nothing acknowledged lost. One cluster and
 * two nodes for the class; the broker test runs last.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaNodeTest
{
    private static final JournalTopics TOPICS = JournalTopics.withPrefix("node-test.");
    /** Small, so a burst of 32 KiB ROUTINE publishes builds a backlog in the producer and meets the cap. */
    private static final long ROUTINE_CAP = 256 << 10;

    @TempDir
    static Path data;
    static KafkaClusterTestKit cluster;
    static Router a;
    static Router b;
    static long started;

    @BeforeAll
    static void start() throws Exception
    {
        started = System.nanoTime();
        cluster = KafkaTestClusters.start(3);
        a = node("node-a");
        b = node("node-b");
    }

    private static Router node(final String id)
    {
        final KafkaJournalProvider.Options options = new KafkaJournalProvider.Options(TOPICS,
            s -> s.routineBytesCap(ROUTINE_CAP).deliveryTimeout(Duration.ofSeconds(3)), Duration.ofSeconds(60));
        final RouterConfig config = RouterConfig.loopback(data.resolve(id)).routerId(id).kafka(cluster.bootstrapServers())
            .build();
        return Router.start(new Router.Context().config(config).journalBackend(new KafkaJournalProvider(options)));
    }

    @AfterAll
    static void stop() throws Exception
    {
        try
        {
            if (a != null)
            {
                a.close();
            }
            if (b != null)
            {
                b.close();
            }
        }
        finally
        {
            if (cluster != null)
            {
                cluster.close();
            }
            System.out.printf("KafkaNodeTest: %.1f s with the cluster's start and stop%n", (System.nanoTime() - started) / 1e9);
        }
    }

    /**
     * Issue 15 Deliver 6: a Kafka node runs its admin endpoint; /status has the {@code cluster} object (no apply lag
     * once a publish is acknowledged: the ack is given on apply) and the scrape has the {@code emcomm_cluster_*} meters.
     */
    @Test
    @Order(0)
    void aKafkaNodeReportsItsPlaceInTheClusterInStatusAndMetrics() throws Exception
    {
        assertTrue(a.adminPort() > 0, "the admin endpoint runs on a Kafka node");
        final long index;
        try (TestTerminal veh = TestTerminal.login(a.port(), "veh-ops", GROUND, "520113001"))
        {
            index = veh.publish(veh.text("status check", Precedence.ROUTINE, "terminal:cp-ops").build()).getJournalIndex();
        }
        JsonNode node = null;
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) // the loop records the applied offset right after the apply that acked
        {
            node = new ObjectMapper().readTree(AdminHttp.get(a.adminPort(), "/status").body()).get("cluster");
            if (node.get("appliedOffset").asLong() >= index && node.get("applyLag").asLong() == 0)
            {
                break;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        assertEquals("kafka", node.get("backend").asText());
        assertEquals(cluster.bootstrapServers(), node.get("bootstrap").asText());
        assertEquals("node-a", node.get("routerId").asText());
        assertTrue(node.get("appliedOffset").asLong() >= index, node.toString());
        assertEquals(0, node.get("applyLag").asLong(), node.toString());
        assertTrue(node.get("endOffset").asLong() > index, node.toString());
        assertTrue(node.get("claims").asLong() >= 1, "the login claimed its terminal: " + node);
        assertEquals(0, node.get("journalUnavailable").asLong());
        assertTrue(node.has("produceLatencyMicros") && node.has("takeovers"), node.toString());

        final String scrape = AdminHttp.get(a.adminPort(), "/metrics").body();
        assertEquals(0, AdminHttp.sample(scrape, "emcomm_cluster_apply_lag_records"), scrape);
        assertTrue(AdminHttp.sample(scrape, "emcomm_cluster_claims_total") >= 1, scrape);
        assertTrue(scrape.contains("emcomm_cluster_produce_latency_seconds "), scrape);
        assertTrue(scrape.contains("emcomm_cluster_takeovers_total "), scrape);
        assertTrue(scrape.contains("emcomm_journal_files "), "retention measures the node's mirror: " + scrape);

        final String text = AdminHttp.get(a.adminPort(), "/status?format=text").body();
        assertTrue(text.contains("cluster   kafka " + cluster.bootstrapServers() + " node node-a: applied "), text);
    }

    @Test
    @Order(1)
    void aPublishOnNodeAIsDeliveredOnBothNodesUnderItsKafkaOffset() throws Exception
    {
        try (TestTerminal cpA = TestTerminal.login(a.port(), "cp-a", COMMAND_POST, "5201");
             TestTerminal cpB = TestTerminal.login(b.port(), "cp-b", COMMAND_POST, "5202");
             TestTerminal veh = TestTerminal.login(a.port(), "veh-1", GROUND, "520113001"))
        {
            final Envelope e = veh.text("road closed at km 12", Precedence.PRIORITY, "terminal:cp-a", "terminal:cp-b").build();
            final PublishAck ack = veh.publish(e);
            assertFalse(ack.getDuplicate());
            assertTrue(ack.getJournalIndex() > 0, "offset 0 is reserved: " + ack.getJournalIndex());

            final Delivery onB = cpB.awaitAndAck();
            final Delivery onA = cpA.awaitAndAck();
            assertEquals(ack.getJournalIndex(), onB.getJournalIndex());
            assertEquals(ack.getJournalIndex(), onA.getJournalIndex());
            assertEquals(e, onB.getEnvelope());
            assertEquals(e, onA.getEnvelope());
            final Envelope inKafka = envelopeAt(ack.getJournalIndex());
            assertEquals(e, inKafka, "the acknowledged index is the record's offset in the journal topic");
        }
    }

    /**
     * Found by the cluster demo: topics made outside a node (as {@code emcomm kafka} makes them, with
     * {@link JournalTopics#ensure}) had no marker at offset 0, so a site's first publish took offset 0 and was refused.
     * A node that finds the journal empty writes the marker, whoever created the topic.
     */
    @Test
    @Order(2)
    void aJournalTopicCreatedOutsideANodeStillNeverGivesOffsetZeroToAPublish() throws Exception
    {
        final JournalTopics made = JournalTopics.withPrefix("made-outside.");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers())))
        {
            assertTrue(made.ensure(admin, Duration.ofSeconds(60)).contains(made.journal()), "made here, not by a node");
        }
        final RouterConfig config = RouterConfig.loopback(data.resolve("made-outside")).routerId("node-c")
            .kafka(cluster.bootstrapServers()).build();
        try (Router c = Router.start(new Router.Context().config(config).journalBackend(new KafkaJournalProvider(
                 new KafkaJournalProvider.Options(made, s -> s, Duration.ofSeconds(60)))));
             TestTerminal veh = TestTerminal.login(c.port(), "veh-9", GROUND, "520113001"))
        {
            final PublishAck first = veh.publish(veh.text("first on the site", Precedence.ROUTINE, "terminal:cp-x").build());
            assertEquals(1, first.getJournalIndex(), "the site's first publish is acknowledged at offset 1, after the marker");
        }
    }

    @Test
    @Order(2)
    void aRetryThroughTheOtherNodeGetsTheOriginalIndexAndIsDeliveredOnce() throws Exception
    {
        try (TestTerminal cpB = TestTerminal.login(b.port(), "cp-b2", COMMAND_POST, "5202"))
        {
            final Envelope e;
            final long first;
            try (TestTerminal veh = TestTerminal.login(a.port(), "veh-2", GROUND, "520113001"))
            {
                e = veh.text("fuel low", Precedence.ROUTINE, "terminal:cp-b2").build();
                first = veh.publish(e).getJournalIndex();
            }
            try (TestTerminal veh = TestTerminal.login(b.port(), "veh-2", GROUND, "520113001"))
            {
                final PublishAck retry = veh.publish(e);
                assertTrue(retry.getDuplicate());
                assertEquals(first, retry.getJournalIndex());
                final Envelope marker = Envelope.newBuilder(e).setOriginSequence(e.getOriginSequence() + 1)
                    .setText(io.emcomm.protocol.wire.Text.newBuilder().setText("marker")).build();
                final long markerIndex = veh.publish(marker).getJournalIndex();
                assertTrue(markerIndex > first);

                assertEquals(first, cpB.awaitAndAck().getJournalIndex());
                assertEquals(markerIndex, cpB.awaitAndAck().getJournalIndex(), "the retry was not delivered again");
            }
        }
    }

    @Test
    @Order(3)
    void aTerminalThatReconnectsToItsNodeResumesFromItsCursor() throws Exception
    {
        final List<Long> sent = new ArrayList<>();
        try (TestTerminal veh = TestTerminal.login(a.port(), "veh-3", GROUND, "520113001"))
        {
            TestTerminal cp = TestTerminal.login(b.port(), "cp-b3", COMMAND_POST, "5202");
            try
            {
                sent.addAll(veh.publishMany(3, "sitrep", Precedence.ROUTINE, "terminal:cp-b3"));
                final long firstDelivered = cp.awaitDelivery().getJournalIndex();
                assertEquals(sent.get(0), firstDelivered);
                cp.ack(firstDelivered);
                assertEquals(sent.get(1), cp.awaitDelivery().getJournalIndex());
                assertEquals(sent.get(2), cp.awaitDelivery().getJournalIndex());
                cp.sync(); // the ack of the first is applied: the cursor is there
            }
            finally
            {
                cp.close();
            }
            sent.addAll(veh.publishMany(2, "while away", Precedence.ROUTINE, "terminal:cp-b3"));
            cp = TestTerminal.login(b.port(), "cp-b3", COMMAND_POST, "5202");
            try
            {
                for (int i = 1; i < sent.size(); i++)
                {
                    assertEquals(sent.get(i), cp.awaitAndAck().getJournalIndex(), "delivery " + i + " after the reconnect");
                }
                cp.sync();
                assertTrue(cp.drainDeliveries().isEmpty(), "nothing past the cursor twice");
            }
            finally
            {
                cp.close();
            }
        }
    }

    @Test
    @Order(4)
    void flashOvertakesARoutineBacklogInTheProducerAndRoutinePastTheCapIsRefusedBusy() throws Exception
    {
        try (TestTerminal cp = TestTerminal.login(b.port(), "cp-b4", COMMAND_POST, "5202");
             TestTerminal veh = TestTerminal.login(a.port(), "veh-4", GROUND, "520113001"))
        {
            final String padding = "x".repeat(32 << 10);
            final int routine = 64; // 2 MiB against a 256 KiB cap
            for (int i = 0; i < routine; i++)
            {
                veh.publishNoWait(veh.text(padding, Precedence.ROUTINE, "terminal:cp-b4").build());
            }
            final Envelope flash = veh.text("FLASH: evacuate", Precedence.FLASH, "terminal:cp-b4").build();
            veh.publishNoWait(flash);
            long flashIndex = -1;
            long lastRoutine = -1;
            int busy = 0;
            for (int i = 0; i <= routine; i++)
            {
                final TestTerminal.Frame f = veh.nextControl();
                if (f.type() == FrameType.PUBLISH_NACK_VALUE)
                {
                    final PublishNack nack = TestTerminal.parse(f, PublishNack.parser());
                    assertEquals(NackReason.RATE_LIMITED, nack.getReason(), nack.toString());
                    assertTrue(nack.getDetail().contains("busy"), nack.getDetail());
                    busy++;
                    continue;
                }
                final PublishAck ack = TestTerminal.parse(f, PublishAck.parser());
                if (ack.getOriginSequence() == flash.getOriginSequence())
                {
                    flashIndex = ack.getJournalIndex();
                }
                else
                {
                    lastRoutine = Math.max(lastRoutine, ack.getJournalIndex());
                }
            }
            assertTrue(busy > 0, "ROUTINE past the cap is refused busy");
            assertTrue(flashIndex > 0, "the FLASH is acknowledged");
            assertTrue(flashIndex < lastRoutine, "FLASH at " + flashIndex + " before the backlog's last ROUTINE at " + lastRoutine);
            boolean flashSeen = false;
            for (int i = 0; i < routine - busy + 1; i++)
            {
                flashSeen |= cp.awaitAndAck().getJournalIndex() == flashIndex;
            }
            assertTrue(flashSeen, "the FLASH is delivered on node B");
        }
    }

    @Test
    @Order(5)
    void aRestartedNodeResumesAfterItsMirrorWithItsDedupeAndCursorsRebuilt() throws Exception
    {
        try (TestTerminal cp = TestTerminal.login(a.port(), "cp-a6", COMMAND_POST, "5201"))
        {
            cp.sync(); // node A knows the terminal: its cursor is at the journal's end
        }
        final Envelope first;
        final long firstIndex;
        try (TestTerminal veh = TestTerminal.login(a.port(), "veh-6", GROUND, "520113001"))
        {
            first = veh.text("before the restart", Precedence.ROUTINE, "terminal:cp-a6").build();
            firstIndex = veh.publish(first).getJournalIndex();
        }
        a.close();
        final long whileDown;
        try (TestTerminal veh = TestTerminal.login(b.port(), "veh-6", GROUND, "520113001"))
        {
            whileDown = veh.publish(Envelope.newBuilder(first).setOriginSequence(first.getOriginSequence() + 1).build())
                .getJournalIndex();
        }
        a = node("node-a"); // returns once its apply loop has caught up with the record published on B

        try (TestTerminal veh = TestTerminal.login(a.port(), "veh-6", GROUND, "520113001"))
        {
            final PublishAck retry = veh.publish(first);
            assertTrue(retry.getDuplicate(), "the dedupe window was rebuilt from the mirror");
            assertEquals(firstIndex, retry.getJournalIndex());
        }
        try (TestTerminal cp = TestTerminal.login(a.port(), "cp-a6", COMMAND_POST, "5201"))
        {
            assertEquals(firstIndex, cp.awaitAndAck().getJournalIndex(), "caught up from the mirror");
            assertEquals(whileDown, cp.awaitAndAck().getJournalIndex(), "applied after the restart, from the log");
            cp.sync();
            assertTrue(cp.drainDeliveries().isEmpty());
        }
    }

    @Test
    @Order(6)
    void aMisconfiguredJournalTopicRefusesTheStartNamingIt() throws Exception
    {
        final JournalTopics bad = JournalTopics.withPrefix("bad.");
        try (org.apache.kafka.clients.admin.Admin admin = cluster.admin())
        {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(bad.journal(), 2, (short)3))).all()
                .get(60, TimeUnit.SECONDS);
        }
        final KafkaJournalProvider.Options options = new KafkaJournalProvider.Options(bad, s -> s, Duration.ofSeconds(60));
        final RouterConfig config = RouterConfig.loopback(data.resolve("node-c")).routerId("node-c")
            .kafka(cluster.bootstrapServers()).build();
        final io.emcomm.router.config.StartFailure refused = org.junit.jupiter.api.Assertions.assertThrows(
            io.emcomm.router.config.StartFailure.class,
            () -> Router.start(new Router.Context().config(config).journalBackend(new KafkaJournalProvider(options))));
        assertTrue(refused.getMessage().contains("topic bad.journal has 2 partitions; it must have 1"), refused.getMessage());
    }

    @Test
    @Order(7)
    void twoBrokersDownNackJournalUnavailableAndServiceResumesWithNothingAcknowledgedLost() throws Exception
    {
        try (TestTerminal cp = TestTerminal.login(b.port(), "cp-b5", COMMAND_POST, "5202");
             TestTerminal veh = TestTerminal.login(a.port(), "veh-5", GROUND, "520113001"))
        {
            final List<Long> acked = new ArrayList<>(veh.publishMany(3, "before", Precedence.ROUTINE, "terminal:cp-b5"));
            final List<BrokerServer> down = new ArrayList<>(cluster.brokers().values()).subList(1, 3);
            for (final BrokerServer broker : down)
            {
                broker.shutdown();
                broker.awaitShutdown();
            }
            final PublishNack nack = veh.publishExpectingNack(veh.text("while down", Precedence.FLASH, "terminal:cp-b5").build());
            assertEquals(NackReason.JOURNAL_UNAVAILABLE, nack.getReason());
            assertTrue(nack.getDetail().startsWith("Kafka: "), nack.getDetail());

            for (final BrokerServer broker : down)
            {
                broker.startup();
            }
            // the partition's ISR grows back over a few seconds: publish until one is acknowledged (each attempt
            // bounded by the 3 s delivery timeout)
            long resumed = -1;
            for (int attempt = 0; attempt < 30 && resumed < 0; attempt++)
            {
                veh.publishNoWait(veh.text("after", Precedence.FLASH, "terminal:cp-b5").build());
                final TestTerminal.Frame f = veh.nextControl();
                if (f.type() == FrameType.PUBLISH_ACK_VALUE)
                {
                    resumed = TestTerminal.parse(f, PublishAck.parser()).getJournalIndex();
                }
            }
            assertTrue(resumed > acked.get(2), "service resumes");
            acked.add(resumed);
            final List<Long> delivered = new ArrayList<>();
            for (int i = 0; i < acked.size(); i++)
            {
                delivered.add(cp.awaitAndAck().getJournalIndex());
            }
            assertEquals(acked, delivered, "everything acknowledged is delivered, once, in order");
            for (final long index : acked)
            {
                assertEquals("veh-5", envelopeAt(index).getOrigin(), "in the journal topic at " + index);
            }
        }
    }

    /** The envelope of the journal topic's record at {@code offset}, read with a consumer of the test's own. */
    private static Envelope envelopeAt(final long offset) throws Exception
    {
        final TopicPartition partition = new TopicPartition(TOPICS.journal(), 0);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer()))
        {
            consumer.assign(List.of(partition));
            consumer.seek(partition, offset);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline)
            {
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500)).records(partition))
                {
                    if (r.offset() == offset)
                    {
                        final JournalRecord record = new JournalRecord();
                        assertTrue(record.wrap(r.value()), record.problem());
                        return Envelope.parseFrom(java.util.Arrays.copyOfRange(r.value(), record.envelopeOffset(),
                            record.envelopeOffset() + record.envelopeLength()));
                    }
                }
            }
        }
        throw new AssertionError("no record at offset " + offset + " within 30 s");
    }
}
