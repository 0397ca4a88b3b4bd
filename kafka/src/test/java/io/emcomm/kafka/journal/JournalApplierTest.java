package io.emcomm.kafka.journal;

import io.emcomm.kafka.JournalTopics;
import io.emcomm.kafka.KafkaTestClusters;
import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.router.journal.DedupeWindows;
import io.emcomm.router.journal.JournalEntry;
import io.emcomm.router.journal.JournalReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The apply loop on a real (one-broker, in-JVM) cluster (issue 15 Deliver 1): every record in offset order from
 * the offset asked, a malformed one skipped and counted without stopping, the producing node's token matched to
 * the record, lag and latency tracked, a clean stop; and an offset that retention deleted stops the loop loudly
 * instead of jumping (CLUSTER.md, MirrorMaker's silent gaps); and the parts composed on two nodes, a retry through
 * the other node answered with the original offset. One cluster for the class.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JournalApplierTest
{
    private static final JournalTopics TOPICS = JournalTopics.withPrefix("applier-test.");

    static KafkaClusterTestKit cluster;
    /** Offsets of the records produced in {@link #start()}: token i at offsets.get(i - 1); the malformed one at malformedAt. */
    static final List<Long> offsets = new ArrayList<>();
    static long malformedAt;

    /** What a node's handler saw: offset, the record's token, its origin sequence, dedupe's decision. */
    private record Applied(long offset, long token, long sequence, long decision)
    {
    }

    @BeforeAll
    static void start() throws Exception
    {
        cluster = KafkaTestClusters.start(1);
        try (Admin admin = cluster.admin())
        {
            TOPICS.ensure(admin, Duration.ofSeconds(60));
        }
        final Outcomes outcomes = new Outcomes();
        try (JournalProducer producer = new JournalProducer(JournalProducer.Settings.of(cluster.bootstrapServers(), TOPICS.journal(), "n1"),
            outcomes))
        {
            for (long token = 1; token <= 20; token++)
            {
                produce(producer, token, token, outcomes);
            }
            malformedAt = produceRaw(new byte[] {7, 7});
            // a burst, not awaited one by one: values of one length share the serializer's array, and the tokens read
            // back below prove Kafka copied each before the next overwrote it
            for (long token = 21; token <= 30; token++)
            {
                offer(producer, token, token == 25 ? 3 : token); // token 25 retries sequence 3
            }
            for (long token = 21; token <= 30; token++)
            {
                assertTrue(outcomes.await(token, 30));
                offsets.add(outcomes.offset(token)); // one lane: committed in offer order
            }
        }
    }

    private static void produce(final JournalProducer producer, final long token, final long sequence, final Outcomes outcomes)
        throws InterruptedException
    {
        offer(producer, token, sequence);
        assertTrue(outcomes.await(token, 30)); // one at a time: the test's offsets are in token order
        offsets.add(outcomes.offset(token));
    }

    private static void offer(final JournalProducer producer, final long token, final long sequence)
    {
        final ByteBuf e = Unpooled.wrappedBuffer(Records.envelope("veh-1", sequence, Precedence.ROUTINE, 10));
        assertEquals(JournalProducer.Offer.QUEUED, producer.offer(token, Precedence.ROUTINE_VALUE, e, 0, e.readableBytes(), 5L, 3, "R1", ""));
    }

    private static long produceRaw(final byte[] value) throws Exception
    {
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            cluster.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer()))
        {
            return raw.send(new ProducerRecord<>(TOPICS.journal(), 0, null, value)).get(30, TimeUnit.SECONDS).offset();
        }
    }

    @AfterAll
    static void stop() throws Exception
    {
        if (cluster != null)
        {
            cluster.close();
        }
    }

    /** A node's handler: dedupe decides, the applied records are kept, a latch counts every offset handled. */
    private static final class Node implements ApplyHandler
    {
        final ApplyDedupe dedupe = new ApplyDedupe(new DedupeWindows());
        final List<Applied> applied = new ArrayList<>();
        final List<Long> malformed = new ArrayList<>();
        final CountDownLatch handled;
        final CompletableFuture<Throwable> stopped = new CompletableFuture<>();

        Node(final int expected)
        {
            this.handled = new CountDownLatch(expected);
        }

        @Override
        public void apply(final long offset, final JournalRecord record)
        {
            final long decision = dedupe.decide(offset, record);
            final EnvelopeHeader h = dedupe.header();
            assertTrue(record.producedBy("n1"));
            applied.add(new Applied(offset, record.publishToken(), h.originSequence(), decision));
            handled.countDown();
        }

        @Override
        public void malformed(final long offset, final String problem)
        {
            malformed.add(offset);
            handled.countDown();
        }

        @Override
        public void stopped(final Throwable failure)
        {
            stopped.complete(failure);
        }
    }

    private static JournalApplier applier(final Node node, final long from)
    {
        return new JournalApplier(JournalApplier.newConsumer(cluster.bootstrapServers(), "test-applier", Map.of()), TOPICS.journal(),
            from, node, () -> System.currentTimeMillis() * 1000);
    }

    @Test
    @Order(1)
    void everyRecordInOffsetOrderMalformedSkippedTokensMatchedAndACleanStop() throws Exception
    {
        final Node node = new Node(31);
        final JournalApplier applier = applier(node, 0).start();
        assertTrue(node.handled.await(60, TimeUnit.SECONDS), "31 records handled");
        applier.close();
        assertFalse(applier.isRunning());
        assertNull(applier.failure());

        assertEquals(List.of(malformedAt), node.malformed);
        assertEquals(1, applier.malformed());
        assertEquals(30, node.applied.size());
        long expectedOffset = 0;
        for (final Applied a : node.applied)
        {
            expectedOffset += expectedOffset == malformedAt ? 1 : 0;
            assertEquals(expectedOffset++, a.offset(), "in offset order, nothing missed");
            assertEquals(offsets.get((int)a.token() - 1), a.offset(), "the token carried in the record is the one its offer had");
            if (a.token() == 25)
            {
                assertEquals(3, a.sequence());
                assertEquals(offsets.get(2), a.decision(), "a retry of sequence 3: the first occurrence's offset");
            }
            else
            {
                assertEquals(ApplyDedupe.FIRST, a.decision());
            }
        }
        assertEquals(30, applier.appliedOffset());
        assertEquals(31, applier.endOffset());
        assertEquals(0, applier.lag());
        // every record was produced before this applier was made: catch-up, whose age is not a produce latency (found
        // by a fresh operator: a node restarted after a SIGKILL showed a 35 s "produce" maximum)
        assertEquals(0, applier.maxLatencyMicros(), "catch-up left out of the produce latency");
    }

    @Test
    @Order(2)
    void aNodeResumesFromTheOffsetItAsksFor() throws Exception
    {
        final long from = offsets.get(24); // token 25
        final Node node = new Node(31 - (int)from);
        final JournalApplier applier = applier(node, from).start();
        assertTrue(node.handled.await(60, TimeUnit.SECONDS));
        applier.close();
        assertEquals(from, node.applied.get(0).offset());
        assertEquals(25, node.applied.get(0).token());
        assertEquals(ApplyDedupe.FIRST, node.applied.get(0).decision(), "this node never saw sequence 3's first occurrence");
        assertEquals(31 - from, node.applied.size());
    }

    @Test
    @Order(3)
    void anOffsetRetentionDeletedStopsTheLoopInsteadOfJumping() throws Exception
    {
        try (Admin admin = cluster.admin())
        {
            admin.deleteRecords(Map.of(new TopicPartition(TOPICS.journal(), 0), RecordsToDelete.beforeOffset(10))).all()
                .get(30, TimeUnit.SECONDS);
        }
        final Node node = new Node(1);
        final JournalApplier applier = applier(node, 5).start();
        final Throwable failure = node.stopped.get(60, TimeUnit.SECONDS);
        assertInstanceOf(OffsetOutOfRangeException.class, failure);
        assertEquals(failure, applier.failure());
        assertTrue(node.applied.isEmpty(), "nothing applied past the gap");
        applier.close();
        assertFalse(applier.isRunning());
    }

    /**
     * The parts composed as the router will compose them, on two nodes of one log: node A journals (veh-7, 1); the
     * terminal's retry of it through node B is answered with A's offset (B's own token, matched at apply); a new
     * sequence through B is journaled; both nodes decide alike and their mirrors hold the same first occurrences.
     */
    @Test
    @Order(4)
    void aRetryThroughAnotherNodeIsAnsweredWithTheOriginalOffsetAndBothMirrorsAgree(@TempDir final Path dir) throws Exception
    {
        final long from = 31; // the log's end after the records of start()
        final ClusterNode a = new ClusterNode("node-a", dir.resolve("a"), from, 3);
        final ClusterNode b = new ClusterNode("node-b", dir.resolve("b"), from, 3);
        try (a; b)
        {
            a.publish(1, "veh-7", 1);
            assertTrue(a.outcomes.await(1, 30), "committed through A");
            b.publish(1, "veh-7", 1); // the terminal reconnected to B and retried
            assertTrue(b.outcomes.await(1, 30));
            b.publish(2, "veh-7", 2);
            assertTrue(a.handled.await(60, TimeUnit.SECONDS) && b.handled.await(60, TimeUnit.SECONDS));

            final long original = a.outcomes.offset(1);
            assertEquals(original, a.acks.get(1L), "A's publisher: acked at the record's offset once applied");
            assertEquals(original, b.acks.get(1L), "B's publisher of the retry: the original offset, not its own record's");
            assertTrue(b.outcomes.offset(1) > original, "the retry is a record of its own in the log");
            assertEquals(b.outcomes.offset(2), b.acks.get(2L));
            assertEquals(a.decisions, b.decisions, "every node decides alike");
            assertEquals(List.of(original, b.outcomes.offset(2)), mirrored(a.mirror));
            assertEquals(mirrored(a.mirror), mirrored(b.mirror));
        }
    }

    private static List<Long> mirrored(final OffsetMirror mirror)
    {
        final List<Long> offsets = new ArrayList<>();
        final JournalEntry entry = new JournalEntry();
        try (JournalReader reader = mirror.newReader())
        {
            while (reader.next(entry))
            {
                offsets.add(entry.index());
            }
        }
        return offsets;
    }

    /**
     * One router node's journal side, as the router will wire it: a producer whose completions only report failures,
     * an apply loop that decides dedupe, mirrors first occurrences, and answers this node's publishers by token.
     */
    private static final class ClusterNode implements ApplyHandler, AutoCloseable
    {
        final String id;
        final Outcomes outcomes = new Outcomes();
        final JournalProducer producer;
        final OffsetMirror mirror;
        final ApplyDedupe dedupe = new ApplyDedupe(new DedupeWindows());
        final JournalApplier applier;
        final Map<Long, Long> acks = new ConcurrentHashMap<>();
        final Map<Long, Long> decisions = new ConcurrentHashMap<>();
        final CountDownLatch handled;

        ClusterNode(final String id, final Path dir, final long from, final int records)
        {
            this.id = id;
            this.handled = new CountDownLatch(records);
            this.producer = new JournalProducer(JournalProducer.Settings.of(cluster.bootstrapServers(), TOPICS.journal(), id), outcomes);
            this.mirror = new OffsetMirror(dir);
            this.applier = new JournalApplier(JournalApplier.newConsumer(cluster.bootstrapServers(), id + "-apply", Map.of()),
                TOPICS.journal(), from, this, () -> System.currentTimeMillis() * 1000).start();
        }

        void publish(final long token, final String origin, final long sequence)
        {
            final ByteBuf e = Unpooled.wrappedBuffer(Records.envelope(origin, sequence, Precedence.FLASH, 10));
            assertEquals(JournalProducer.Offer.QUEUED, producer.offer(token, Precedence.FLASH_VALUE, e, 0, e.readableBytes(), 5L, 3, "R1", ""));
        }

        @Override
        public void apply(final long offset, final JournalRecord record)
        {
            final long decision = dedupe.decide(offset, record);
            decisions.put(offset, decision);
            if (decision == ApplyDedupe.FIRST)
            {
                mirror.append(offset, record);
            }
            if (record.producedBy(id))
            {
                acks.put(record.publishToken(), decision == ApplyDedupe.FIRST ? offset : decision);
            }
            handled.countDown();
        }

        @Override
        public void close()
        {
            applier.close();
            producer.close();
            mirror.close();
        }
    }
}
