package io.emcomm.cli.demo;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emcomm.kafka.journal.JournalRecord;
import io.emcomm.protocol.wire.Envelope;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cluster's journal read back from Kafka after the scenario, by a plain consumer of its own (no node's mirror):
 * every record of the journal topic's one partition from the beginning to the end offset, each decoded
 * ({@link JournalRecord}) to its envelope, under the rule every node applies (CLUSTER.md "Publish"): the record's
 * offset is its journal index, offset 0 is a marker and no index, and the first record of an (origin, sequence)
 * is the message while a later one (a publish retried through another node) is a duplicate that no node applies.
 * What {@code emcomm demo --cluster}'s "lost" is checked against.
 *
 * @param audit      the journal entries (first occurrences), in index order
 * @param records    records read, the marker and duplicates included
 * @param duplicates later records of an (origin, sequence) already in the log, dropped at apply by every node
 * @param unusable   records that do not decode (the marker at offset 0 included)
 * @param byNode     how many journal entries each node produced (the record's router id)
 * @param outOfOrder origins whose sequences are not increasing in journal order
 */
record ClusterJournal(JournalAudit audit, int records, int duplicates, int unusable, Map<String, Integer> byNode,
    List<String> outOfOrder)
{
    /**
     * Reads the whole journal topic.
     *
     * @param bootstrap the cluster's bootstrap servers
     * @param topic     the journal topic's name
     * @param timeout   how long the read may take
     * @return what it holds
     * @throws Demo.DemoException when the topic cannot be read to its end in time, or an envelope does not parse
     */
    static ClusterJournal read(final String bootstrap, final String topic, final Duration timeout)
    {
        final Map<String, Object> settings = Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.CLIENT_ID_CONFIG, "emcomm-demo-audit",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        final TopicPartition partition = new TopicPartition(topic, 0);
        final long deadline = System.nanoTime() + timeout.toNanos();
        final List<JournalAudit.Entry> entries = new ArrayList<>();
        final Set<String> seen = new HashSet<>();
        final Map<String, Integer> byNode = new LinkedHashMap<>();
        final Map<String, Long> lastSequence = new HashMap<>();
        final Set<String> outOfOrder = new java.util.TreeSet<>();
        final JournalRecord record = new JournalRecord();
        int records = 0;
        int duplicates = 0;
        int unusable = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings))
        {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            final long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
            while (consumer.position(partition, timeout) < end)
            {
                if (System.nanoTime() > deadline)
                {
                    throw new Demo.DemoException("could not read " + topic + " to its end (offset " + end + ") within "
                        + timeout.toSeconds() + " s");
                }
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500)))
                {
                    records++;
                    if (r.offset() == 0 || !record.wrap(r.value()))
                    {
                        unusable++;
                        continue;
                    }
                    final Envelope envelope = envelope(r.offset(), record);
                    final String id = envelope.getOrigin() + "/" + envelope.getOriginSequence();
                    if (!seen.add(id))
                    {
                        duplicates++;
                        continue;
                    }
                    entries.add(new JournalAudit.Entry(r.offset(), record.journaledAtMicros(), envelope));
                    byNode.merge(record.routerId(), 1, Integer::sum);
                    final Long last = lastSequence.put(envelope.getOrigin(), envelope.getOriginSequence());
                    if (last != null && last >= envelope.getOriginSequence())
                    {
                        outOfOrder.add(envelope.getOrigin());
                    }
                }
            }
        }
        catch (final KafkaException ex)
        {
            throw new Demo.DemoException("cannot read the journal topic " + topic + " at " + bootstrap + ": " + ex.getMessage());
        }
        return new ClusterJournal(JournalAudit.of(entries), records, duplicates, unusable, byNode, List.copyOf(outOfOrder));
    }

    private static Envelope envelope(final long offset, final JournalRecord record)
    {
        try
        {
            return Envelope.parseFrom(ByteBuffer.wrap(record.array(), record.envelopeOffset(), record.envelopeLength()));
        }
        catch (final InvalidProtocolBufferException ex)
        {
            throw new Demo.DemoException("journal record at offset " + offset + " does not parse: " + ex.getMessage());
        }
    }
}
