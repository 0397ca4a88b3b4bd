package io.emcomm.kafka.journal;

import io.emcomm.kafka.JournalTopics;
import io.emcomm.kafka.KafkaTestClusters;
import io.emcomm.protocol.wire.Precedence;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The journal's append side on a 3-broker in-JVM KRaft cluster (issue 15 Deliver 1, 3 and 4): FLASH does not
 * queue behind a ROUTINE backlog; ROUTINE/PRIORITY are BUSY past their cap while FLASH/IMMEDIATE go; with two of
 * three brokers down (min.insync.replicas=2) a record fails with Kafka's error within the delivery timeout, and
 * succeeds again once they are back. One cluster for the class; the broker test runs last.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JournalProducerTest
{
    private static final JournalTopics TOPICS = JournalTopics.withPrefix("producer-test.");
    private static final int ROUTINE_PADDING = 64 << 10;

    static KafkaClusterTestKit cluster;
    private final AtomicLong tokens = new AtomicLong();

    @BeforeAll
    static void start() throws Exception
    {
        cluster = KafkaTestClusters.start(3);
        try (Admin admin = cluster.admin())
        {
            TOPICS.ensure(admin, Duration.ofSeconds(60));
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

    private static JournalProducer.Settings settings(final long routineCap)
    {
        return JournalProducer.Settings.of(cluster.bootstrapServers(), TOPICS.journal(), "node-1").routineBytesCap(routineCap);
    }

    private static ByteBuf envelope(final String origin, final long sequence, final Precedence precedence, final int padding)
    {
        return Unpooled.wrappedBuffer(Records.envelope(origin, sequence, precedence, padding));
    }

    private JournalProducer.Offer offer(final JournalProducer producer, final long token, final Precedence precedence, final int padding)
    {
        final ByteBuf e = envelope("veh-1", token, precedence, padding);
        return producer.offer(token, precedence.getNumber(), e, 0, e.readableBytes(), 1L, 3, "R1.A", "");
    }

    @Test
    @Order(1)
    void flashIsCommittedBeforeTheRoutineBacklogDrains() throws Exception
    {
        final Outcomes outcomes = new Outcomes();
        try (JournalProducer producer = new JournalProducer(settings(8L << 20), outcomes))
        {
            final List<Long> routine = new ArrayList<>();
            while (true)
            {
                final long token = tokens.incrementAndGet();
                if (offer(producer, token, Precedence.ROUTINE, ROUTINE_PADDING) == JournalProducer.Offer.BUSY)
                {
                    break; // the ROUTINE producer's backlog is full: 8 MiB of 64 KiB records
                }
                routine.add(token);
            }
            assertTrue(routine.size() >= 100, "a backlog of " + routine.size());
            final long flash = tokens.incrementAndGet();
            assertEquals(JournalProducer.Offer.QUEUED, offer(producer, flash, Precedence.FLASH, 100));

            assertTrue(outcomes.await(flash, 60), outcomes.failure(flash));
            long lastRoutine = -1;
            int after = 0;
            for (final long token : routine)
            {
                assertTrue(outcomes.await(token, 60), outcomes.failure(token));
                lastRoutine = Math.max(lastRoutine, outcomes.offset(token));
                after += outcomes.offset(token) > outcomes.offset(flash) ? 1 : 0;
            }
            assertTrue(outcomes.offset(flash) < lastRoutine, "FLASH at " + outcomes.offset(flash) + ", the backlog's last at " + lastRoutine);
            assertTrue(after > routine.size() / 2, after + " of " + routine.size() + " ROUTINE records committed after the FLASH");
            assertEquals(0, producer.routineBytesInFlight());
            assertEquals(0, producer.recordsInFlight());
        }
    }

    @Test
    @Order(2)
    void routineAndPriorityAreBusyPastTheCapWhileFlashAndImmediateStillGo() throws Exception
    {
        final Outcomes outcomes = new Outcomes();
        final long cap = 256 << 10;
        try (JournalProducer producer = new JournalProducer(settings(cap), outcomes))
        {
            final List<Long> queued = new ArrayList<>();
            JournalProducer.Offer last;
            do
            {
                final long token = tokens.incrementAndGet();
                last = offer(producer, token, Precedence.ROUTINE, ROUTINE_PADDING);
                if (last == JournalProducer.Offer.QUEUED)
                {
                    queued.add(token);
                }
                assertTrue(producer.routineBytesInFlight() <= cap, producer.routineBytesInFlight() + " bytes in flight");
            }
            while (last == JournalProducer.Offer.QUEUED && queued.size() < 100);
            assertEquals(JournalProducer.Offer.BUSY, last, "past the cap at once");
            assertEquals(JournalProducer.Offer.BUSY, offer(producer, tokens.incrementAndGet(), Precedence.PRIORITY, ROUTINE_PADDING),
                "PRIORITY shares the ROUTINE lane's cap");

            final long flash = tokens.incrementAndGet();
            final long immediate = tokens.incrementAndGet();
            assertEquals(JournalProducer.Offer.QUEUED, offer(producer, flash, Precedence.FLASH, ROUTINE_PADDING));
            assertEquals(JournalProducer.Offer.QUEUED, offer(producer, immediate, Precedence.IMMEDIATE, ROUTINE_PADDING));
            assertTrue(outcomes.await(flash, 60));
            assertTrue(outcomes.await(immediate, 60));
            for (final long token : queued)
            {
                assertTrue(outcomes.await(token, 60));
            }
            assertEquals(0, producer.routineBytesInFlight());
            final long again = tokens.incrementAndGet();
            assertEquals(JournalProducer.Offer.QUEUED, offer(producer, again, Precedence.ROUTINE, ROUTINE_PADDING), "the cap frees as records commit");
            assertTrue(outcomes.await(again, 60));
        }
    }

    @Test
    @Order(3)
    void twoOfThreeBrokersDownFailsWithKafkasErrorAndCommitsAgainWhenTheyReturn() throws Exception
    {
        final Outcomes outcomes = new Outcomes();
        try (JournalProducer producer = new JournalProducer(settings(4L << 20).deliveryTimeout(Duration.ofSeconds(3)), outcomes))
        {
            final long before = tokens.incrementAndGet();
            offer(producer, before, Precedence.ROUTINE, 100);
            assertTrue(outcomes.await(before, 30));

            final List<BrokerServer> down = new ArrayList<>(cluster.brokers().values()).subList(1, 3);
            for (final BrokerServer b : down)
            {
                b.shutdown();
                b.awaitShutdown();
            }
            final long flash = tokens.incrementAndGet();
            final long routine = tokens.incrementAndGet();
            assertEquals(JournalProducer.Offer.QUEUED, offer(producer, flash, Precedence.FLASH, 100));
            assertEquals(JournalProducer.Offer.QUEUED, offer(producer, routine, Precedence.ROUTINE, 100));
            assertFalse(outcomes.await(flash, 30), "not committed with one broker of three");
            assertFalse(outcomes.await(routine, 30));
            assertTrue(outcomes.failure(flash).startsWith("Kafka: "), outcomes.failure(flash));
            assertEquals(0, producer.routineBytesInFlight(), "a failed record frees its bytes");

            for (final BrokerServer b : down)
            {
                b.startup();
            }
            // the partition's ISR grows back over a few seconds: offer until one commits (each attempt bounded
            // by the 3 s delivery timeout), then the next ones commit at once
            boolean committed = false;
            for (int attempt = 0; attempt < 30 && !committed; attempt++)
            {
                final long token = tokens.incrementAndGet();
                offer(producer, token, Precedence.FLASH, 100);
                committed = outcomes.await(token, 30);
            }
            assertTrue(committed, "commits again once the brokers are back");
            final long after = tokens.incrementAndGet();
            offer(producer, after, Precedence.ROUTINE, 100);
            assertTrue(outcomes.await(after, 30), outcomes.failure(after));
            assertTrue(outcomes.offset(after) > outcomes.offset(before));
        }
    }

}
