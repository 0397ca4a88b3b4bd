package io.emcomm.bench.sut;

import io.emcomm.bench.load.MessageListener;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The clusters of the cluster scenarios (issue 15 item 7), started and stopped as a scenario does: EmComm's 3 Kafka
 * brokers and 2 router nodes carry a message published on node 1 to a subscriber on node 2, and closing the cluster
 * leaves none of the five processes running; the same brokers driven by kafka-clients alone (the {@code kafka} baseline)
 * acknowledge and deliver; the 3-server NATS cluster acknowledges a JetStream publish in its R3 stream, and closing
 * leaves no server running. Real processes over real TCP on loopback.
 */
class ClusterSystemsTest
{
    private static final int MESSAGES = 20;

    @TempDir
    Path dir;

    @Test
    @Timeout(240)
    void anEmcommClusterCarriesAPublishFromNodeOneToNodeTwoAndStopsEveryProcess() throws Exception
    {
        final List<Long> pids;
        final CountDownLatch delivered = new CountDownLatch(MESSAGES);
        final AtomicLong lastStamp = new AtomicLong();
        try (EmcommCluster cluster = EmcommCluster.start("cl-test", dir.resolve("work"), dir.resolve("data")))
        {
            pids = cluster.pids();
            assertEquals(EmcommCluster.BROKERS + EmcommCluster.NODES, pids.size(), "brokers and nodes: " + pids);
            assertTrue(pids.stream().allMatch(ClusterSystemsTest::alive), "all running: " + pids);
            assertEquals(2, cluster.nodes());
            try (BenchClient subscriber = cluster.connect(1, ClientSpec.subscriber("cl-sub", (stamp, flash) ->
                {
                    lastStamp.set(stamp);
                    delivered.countDown();
                }));
                 BenchClient publisher = cluster.connect(0, ClientSpec.publisher("cl-pub")))
            {
                subscriber.subscribe("cl-orders");
                publishAll(publisher, Destination.channel("cl-orders"));
                assertTrue(delivered.await(60, TimeUnit.SECONDS), "delivered on node 2: " + (MESSAGES - delivered.getCount()));
                assertEquals(MESSAGES, lastStamp.get(), "the last message published was the last delivered");
            }
        }
        for (final long pid : pids)
        {
            assertFalse(alive(pid), "process " + pid + " left running after close");
        }
        assertTrue(Files.isDirectory(dir.resolve("data").resolve("kafka")), "the brokers' data under the data folder");
        assertTrue(Files.exists(dir.resolve("work").resolve("cl-test-node-2.log")), "node logs kept in the work folder");
    }

    @Test
    @Timeout(120)
    void aJetStreamClusterAcknowledgesPublishesInItsR3StreamAndStopsEveryServer() throws Exception
    {
        Assumptions.assumeTrue(Peers.find("nats-server").isPresent(), "nats-server is not installed");
        final List<Long> pids;
        final CountDownLatch acked = new CountDownLatch(MESSAGES);
        final MessageListener acks = (stamp, flash) -> acked.countDown();
        try (NatsCluster cluster = NatsCluster.start("js-test", true, dir.resolve("work"), dir.resolve("store")))
        {
            pids = cluster.pids();
            assertEquals(NatsCluster.SERVERS, pids.size());
            try (BenchClient publisher = cluster.connect(0, ClientSpec.publisher("js-pub").persistedWithAcks(acks)))
            {
                publishAll(publisher, Destination.channel("js-orders"));
                assertTrue(acked.await(30, TimeUnit.SECONDS), "acknowledged: " + (MESSAGES - acked.getCount()));
            }
            assertTrue(Files.readString(dir.resolve("work").resolve("js-test-n2.conf")).contains("nats-route://127.0.0.1:"),
                "servers are routed to each other");
        }
        for (final long pid : pids)
        {
            assertFalse(alive(pid), "nats-server " + pid + " left running after close");
        }
    }

    /** The cluster rows' baseline: the same brokers, kafka-clients alone (no router). */
    @Test
    @Timeout(180)
    void theBrokersAloneAcknowledgeAndDeliverAndStopEveryBroker() throws Exception
    {
        final List<Long> pids;
        final CountDownLatch delivered = new CountDownLatch(MESSAGES);
        final CountDownLatch acked = new CountDownLatch(MESSAGES);
        final AtomicLong lastStamp = new AtomicLong();
        try (KafkaCluster cluster = KafkaCluster.start(dir.resolve("data")))
        {
            pids = cluster.pids();
            assertEquals(EmcommCluster.BROKERS, pids.size());
            try (BenchClient subscriber = cluster.connect(1, ClientSpec.subscriber("k-sub", (stamp, flash) ->
                {
                    lastStamp.set(stamp);
                    delivered.countDown();
                }));
                 BenchClient publisher = cluster.connect(0, ClientSpec.publisher("k-pub")
                     .persistedWithAcks((stamp, flash) -> acked.countDown())))
            {
                subscriber.subscribe("k-orders");
                publishAll(publisher, Destination.channel("k-orders"));
                assertTrue(acked.await(60, TimeUnit.SECONDS), "acknowledged: " + (MESSAGES - acked.getCount()));
                assertTrue(delivered.await(60, TimeUnit.SECONDS), "delivered: " + (MESSAGES - delivered.getCount()));
                assertEquals(MESSAGES, lastStamp.get(), "in order, the last published last");
            }
        }
        for (final long pid : pids)
        {
            assertFalse(alive(pid), "broker " + pid + " left running after close");
        }
    }

    private static void publishAll(final BenchClient publisher, final Destination to) throws InterruptedException
    {
        for (long i = 1; i <= MESSAGES; i++)
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!publisher.publish(to, i, false))
            {
                publisher.flush();
                assertTrue(System.nanoTime() < deadline, "publish " + i + " held back for 10 s");
                Thread.onSpinWait();
            }
        }
        publisher.flush();
    }

    private static boolean alive(final long pid)
    {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
