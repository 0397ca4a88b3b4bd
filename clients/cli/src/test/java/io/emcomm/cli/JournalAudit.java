package io.emcomm.cli;

import io.emcomm.kafka.journal.JournalRecord;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.Precedence;
import com.google.protobuf.InvalidProtocolBufferException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The journal topic read back whole with a plain consumer, as the nodes' appliers see it: each record's value a
 * {@link JournalRecord} around the envelope as published. The appliers dedupe by (origin, sequence), first occurrence
 * wins (docs/cluster.md), so a message's journal index is the offset of its first record, and a later record of the
 * same (origin, sequence) is a re-offer (a retry through another node that had not yet applied the first) that no
 * node indexes or delivers. This class keeps, for each (origin, sequence) of the origins asked for, that first offset
 * and how many records it has in all.
 */
final class JournalAudit
{
    /** The first record of one message in the topic. */
    record Entry(String origin, long sequence, Precedence precedence, long offset, int records)
    {
    }

    private final Map<String, Entry> entries = new HashMap<>();
    private long recordsRead;
    private long reOffers;

    private JournalAudit()
    {
    }

    /**
     * Reads the journal topic from offset 0 to its current end.
     *
     * @param bootstrap    the cluster
     * @param topic        the journal topic
     * @param originPrefix keep only messages from origins starting with this
     * @param timeout      for the whole read
     */
    static JournalAudit read(final String bootstrap, final String topic, final String originPrefix, final Duration timeout)
    {
        final Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        final TopicPartition tp = new TopicPartition(topic, 0);
        final JournalAudit audit = new JournalAudit();
        final JournalRecord record = new JournalRecord();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer()))
        {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            final long end = consumer.endOffsets(List.of(tp), timeout).get(tp);
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (consumer.position(tp, timeout) < end)
            {
                if (System.nanoTime() > deadline)
                {
                    throw new AssertionError("read " + audit.recordsRead + " records of " + topic + " up to offset "
                        + consumer.position(tp) + " of " + end + " within " + timeout.toSeconds() + " s");
                }
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500)))
                {
                    audit.recordsRead++;
                    if (record.wrap(r.value()))
                    {
                        audit.add(envelope(record, r.offset()), r.offset(), originPrefix);
                    }
                }
            }
        }
        return audit;
    }

    private static Envelope envelope(final JournalRecord record, final long offset)
    {
        try
        {
            return Envelope.parseFrom(ByteBuffer.wrap(record.array(), record.envelopeOffset(), record.envelopeLength()));
        }
        catch (final InvalidProtocolBufferException ex)
        {
            throw new AssertionError("the record at offset " + offset + " holds no envelope", ex);
        }
    }

    private void add(final Envelope e, final long offset, final String originPrefix)
    {
        if (!e.getOrigin().startsWith(originPrefix))
        {
            return;
        }
        final String id = e.getOrigin() + "/" + e.getOriginSequence();
        final Entry first = entries.get(id);
        if (first == null)
        {
            entries.put(id, new Entry(e.getOrigin(), e.getOriginSequence(), e.getPrecedence(), offset, 1));
        }
        else
        {
            reOffers++;
            entries.put(id, new Entry(first.origin(), first.sequence(), first.precedence(), first.offset(), first.records() + 1));
        }
    }

    /** The first record of a message ("origin/sequence"), or null when the topic has none. */
    Entry entry(final String id)
    {
        return entries.get(id);
    }

    /** Every message of the origins asked for, by id. */
    Map<String, Entry> entries()
    {
        return Map.copyOf(entries);
    }

    long recordsRead()
    {
        return recordsRead;
    }

    /** Records that repeated a message already in the topic (skipped by every applier). */
    long reOffers()
    {
        return reOffers;
    }
}
