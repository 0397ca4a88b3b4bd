package io.emcomm.kafka.journal;

import io.emcomm.kafka.JournalTopics;
import io.emcomm.kafka.KafkaTestClusters;
import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.router.journal.DedupeWindows;
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

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
 * instead of jumping (CLUSTER.md, MirrorMaker's silent gaps). One cluster for the class.
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
            for (long token = 21; token <= 30; token++)
            {
                produce(producer, token, token == 25 ? 3 : token, outcomes); // token 25 retries sequence 3
            }
        }
    }

    private static void produce(final JournalProducer producer, final long token, final long sequence, final Outcomes outcomes)
        throws InterruptedException
    {
        final ByteBuf e = Unpooled.wrappedBuffer(Records.envelope("veh-1", sequence, Precedence.ROUTINE, 10));
        assertEquals(JournalProducer.Offer.QUEUED, producer.offer(token, Precedence.ROUTINE_VALUE, e, 0, e.readableBytes(), 5L, 3, "R1", ""));
        assertTrue(outcomes.await(token, 30)); // one at a time: the test's offsets are in token order
        offsets.add(outcomes.offset(token));
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
        assertTrue(applier.maxLatencyMicros() >= applier.lastLatencyMicros() && applier.lastLatencyMicros() >= 0);
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
}
