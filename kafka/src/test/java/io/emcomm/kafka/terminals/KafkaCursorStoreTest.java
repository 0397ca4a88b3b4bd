package io.emcomm.kafka.terminals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emcomm.kafka.JournalTopics;
import io.emcomm.kafka.KafkaTestClusters;
import io.emcomm.kafka.TopicRefused;
import io.emcomm.protocol.address.ChannelPattern;
import io.emcomm.router.terminal.AckWindow;
import io.emcomm.router.terminal.TerminalState;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link KafkaCursorStore} on an in-JVM Kafka cluster (one broker: the fencing is in the records, not in the
 * replication, which JournalTopicsTest covers on three): two stores are two router nodes of one site (issue 15 item 2).
 * Every wait is on a future with a bound; no sleeps.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaCursorStoreTest
{
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long WAIT_MS = WAIT.toMillis();

    static KafkaClusterTestKit kit;
    static Admin admin;

    @BeforeAll
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    static void start() throws Exception
    {
        kit = KafkaTestClusters.start(1);
        admin = kit.admin();
    }

    @AfterAll
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    static void stop() throws Exception
    {
        if (admin != null)
        {
            admin.close();
        }
        if (kit != null)
        {
            kit.close();
        }
        assertEquals(List.of(), KafkaTestClusters.exitCalls(), "no broker tried to end the JVM");
    }

    private static KafkaCursorStore open(final JournalTopics topics, final String node, final TerminalLostListener listener)
    {
        return KafkaCursorStore.open(KafkaCursorStoreConfig.of(kit.bootstrapServers(), topics, node)
            .withFlushInterval(Duration.ofMillis(20)), listener);
    }

    private static List<String> patterns(final TerminalState state)
    {
        return Arrays.stream(state.subscriptions()).map(ChannelPattern::pattern).toList();
    }

    @Test
    void aTerminalMovesToAnotherNodeAndAStaleNodeCannotChangeItsState() throws Exception
    {
        final JournalTopics topics = JournalTopics.withPrefix("move.");
        topics.ensure(admin, WAIT);
        final CompletableFuture<String> lostOnA = new CompletableFuture<>();
        final TerminalSnapshot before;
        try (KafkaCursorStore a = open(topics, "A", (t, owner, epoch) -> lostOnA.complete(t + " " + owner + " " + epoch));
             KafkaCursorStore b = open(topics, "B", (t, owner, epoch) -> { }))
        {
            final TerminalState onA = a.claim("t1", 0).get(WAIT_MS, TimeUnit.MILLISECONDS);
            final long epochA = a.snapshot("t1").epoch();
            assertTrue(a.owns("t1"));
            a.recordCursor(onA, 5);
            a.recordAck(onA, 7);
            a.recordAck(onA, 9);
            assertTrue(a.changeSubscriptionCommitted(onA, "flood.>", true).get(WAIT_MS, TimeUnit.MILLISECONDS));
            a.flush(onA).get(WAIT_MS, TimeUnit.MILLISECONDS);

            final TerminalState onB = b.claim("t1", 100).get(WAIT_MS, TimeUnit.MILLISECONDS);
            assertEquals(5, onB.cursor());
            assertEquals(AckWindow.DONE, onB.ackWindow().state(7));
            assertEquals(AckWindow.DONE, onB.ackWindow().state(9));
            assertEquals(List.of("flood.>"), patterns(onB));
            final long epochB = b.snapshot("t1").epoch();
            assertTrue(epochB > epochA);
            assertEquals("t1 B " + epochB, lostOnA.get(WAIT_MS, TimeUnit.MILLISECONDS));
            assertFalse(a.owns("t1"));
            assertTrue(b.owns("t1"));

            // A knows: its writes are dropped. A zombie that did not know yet writes into A's epoch: fenced.
            a.recordCursor(onA, 50);
            a.flush(onA).get(WAIT_MS, TimeUnit.MILLISECONDS);
            assertTrue(a.fencedWrites() >= 1);
            try (KafkaProducer<String, byte[]> zombie = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer()))
            {
                zombie.send(new ProducerRecord<>(topics.terminals(), 0, "t1|" + epochA + "|cursor", CursorRecord.of(50).encode()))
                    .get(WAIT_MS, TimeUnit.MILLISECONDS);
                zombie.send(new ProducerRecord<>(topics.terminals(), 0, "t1|" + epochA + "|subs",
                    new SubscriptionsRecord(1, 1, List.of("zombie.>")).encode())).get(WAIT_MS, TimeUnit.MILLISECONDS);
            }
            b.caughtUp().get(WAIT_MS, TimeUnit.MILLISECONDS);
            a.caughtUp().get(WAIT_MS, TimeUnit.MILLISECONDS);
            assertEquals(new CursorRecord(5, new long[] {7, 9}), b.snapshot("t1").cursor());
            assertEquals(List.of("flood.>"), b.snapshot("t1").subscriptions());
            assertEquals(5, onB.cursor());
            assertEquals(b.snapshot("t1"), a.snapshot("t1"), "both nodes read the same state");

            // the owner goes on; subscriptions change only through it
            b.recordCursor(onB, 12);
            assertTrue(b.changeSubscriptionCommitted(onB, "rescue.*", true).get(WAIT_MS, TimeUnit.MILLISECONDS));
            b.flush(onB).get(WAIT_MS, TimeUnit.MILLISECONDS);
            b.caughtUp().get(WAIT_MS, TimeUnit.MILLISECONDS);
            before = b.snapshot("t1");
            assertEquals(new CursorRecord(12, new long[0]), before.cursor());
            assertEquals(List.of("flood.>", "rescue.*"), before.subscriptions());
        }

        // a node restarted rebuilds the same view from the topic, and a new claim resumes from it
        try (KafkaCursorStore restarted = open(topics, "B", (t, owner, epoch) -> { }))
        {
            assertEquals(before, restarted.snapshot("t1"));
            assertTrue(restarted.contains("t1"));
            assertFalse(restarted.owns("t1"), "a restarted node owns nothing until a login claims");
            final TerminalState again = restarted.claim("t1", 0).get(WAIT_MS, TimeUnit.MILLISECONDS);
            assertEquals(12, again.cursor());
            assertEquals(List.of("flood.>", "rescue.*"), patterns(again));
        }
    }

    @Test
    void aTerminalsTopicThatIsNotCompactedIsRefusedAtStart() throws Exception
    {
        final JournalTopics topics = JournalTopics.withPrefix("deleted.");
        admin.createTopics(List.of(new NewTopic(topics.terminals(), 1, (short) 1)
            .configs(Map.of("cleanup.policy", "delete")))).all().get(WAIT_MS, TimeUnit.MILLISECONDS);
        assertThrows(TopicRefused.class, () -> topics.ensure(admin, WAIT), "the journal is created, the terminals topic refused");
        final TopicRefused refused = assertThrows(TopicRefused.class, () -> open(topics, "A", (t, owner, epoch) -> { }));
        assertEquals("topic deleted.terminals has cleanup.policy=delete; it must be compact (terminal state would be deleted"
            + " after retention.ms)", refused.getMessage());
    }
}
