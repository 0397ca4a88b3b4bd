package io.emcomm.kafka.terminals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import io.emcomm.kafka.JournalTopics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A one-partition terminals topic shared by several stores ("nodes") built on Kafka's {@link MockProducer} and
 * {@link MockConsumer}: the test decides when each node's sent records reach the log ({@link #pump}) and when each
 * node reads ({@link #read}), so races between nodes are written out step by step, on a manual clock.
 */
final class MockLog
{
    static final String TOPIC = "test.terminals";
    static final Duration FLUSH = Duration.ofMillis(50);
    private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);

    private final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    final AtomicLong nanos = new AtomicLong();
    private long nextOffset;

    /** One store and its clients. */
    final class Node
    {
        final String id;
        final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
        final KafkaCursorStore store;
        /** Every loss told to the listener: "terminal newOwner epoch". */
        final List<String> lost = new CopyOnWriteArrayList<>();
        private int pumped;

        Node(final String id, final long instance)
        {
            this.id = id;
            consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, null, null, null)));
            consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
            store = new KafkaCursorStore(producer, consumer, TOPIC, id, instance,
                KafkaCursorStoreConfig.of("mock:0", JournalTopics.withPrefix("test."), id).withFlushInterval(FLUSH),
                (terminal, owner, epoch) -> lost.add(terminal + " " + owner + " " + epoch), nanos::get, false);
            for (final ConsumerRecord<String, byte[]> r : records)
            {
                consumer.addRecord(r);
            }
        }

        /** The records this node sent and no pump moved to the log yet. */
        List<ProducerRecord<String, byte[]>> unsent()
        {
            final List<ProducerRecord<String, byte[]>> h = producer.history();
            return h.subList(pumped, h.size());
        }
    }

    /** A new node reading the log from its beginning. */
    Node node(final String id)
    {
        final Node n = new Node(id, nodes.size() + 1);
        nodes.add(n);
        return n;
    }

    /** Moves what {@code node} sent so far onto the log, in order, and offers it to every node's consumer. */
    void pump(final Node node)
    {
        for (final ProducerRecord<String, byte[]> r : node.unsent())
        {
            append(r.key(), r.value());
        }
        node.pumped = node.producer.history().size();
    }

    /** Appends a record as another writer would (a node outside the test's stores). */
    long append(final String key, final byte[] value)
    {
        final ConsumerRecord<String, byte[]> r = new ConsumerRecord<>(TOPIC, 0, nextOffset++, key, value);
        records.add(r);
        for (final Node n : nodes)
        {
            n.consumer.addRecord(r);
        }
        return r.offset();
    }

    /** Every node reads what is on the log. */
    void read(final Node... which)
    {
        for (final Node n : which.length == 0 ? nodes.toArray(new Node[0]) : which)
        {
            n.store.pollOnce();
        }
    }

    /** Lets every node read (and flush what is due), pumps what they sent, and again, until nothing new is sent. */
    void settle()
    {
        while (true)
        {
            read();
            boolean moved = false;
            for (final Node n : nodes)
            {
                moved |= !n.unsent().isEmpty();
                pump(n);
            }
            if (!moved)
            {
                return;
            }
        }
    }

    /** Closes every node's store. */
    void close()
    {
        nodes.forEach(n -> n.store.close());
    }

    /** Moves the manual clock past one flush interval. */
    void passFlushInterval()
    {
        nanos.addAndGet(FLUSH.toNanos());
    }

    /** The log as it is. */
    List<ConsumerRecord<String, byte[]>> records()
    {
        return List.copyOf(records);
    }

    /**
     * The log as compaction leaves it at most: the last record of each key, at its own offset, in offset order,
     * keys whose last record is a tombstone removed.
     */
    List<ConsumerRecord<String, byte[]>> compacted()
    {
        final Map<String, ConsumerRecord<String, byte[]>> last = new LinkedHashMap<>();
        for (final ConsumerRecord<String, byte[]> r : records)
        {
            last.put(r.key(), r);
        }
        return last.values().stream().filter(r -> r.value() != null)
            .sorted((a, b) -> Long.compare(a.offset(), b.offset())).toList();
    }

    /** Replaces the log with {@code log} (a compacted one) for nodes made from now on. */
    void replaceWith(final List<ConsumerRecord<String, byte[]>> log)
    {
        records.clear();
        records.addAll(log);
    }
}
