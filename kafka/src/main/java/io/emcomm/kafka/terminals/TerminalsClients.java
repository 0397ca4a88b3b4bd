package io.emcomm.kafka.terminals;

import io.emcomm.kafka.ClusterFailure;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Kafka client settings of a {@link KafkaCursorStore}: an idempotent producer with {@code acks=all} (a record
 * is committed when acknowledged: what a SUBSCRIBE's acknowledgement waits for, issue 15 item 2), no linger (the
 * store batches cursor records itself), and a consumer without a group or auto-commit (it is {@code assign()}ed
 * every partition and reads from the beginning, CLUSTER.md). The configuration's own client settings win. Not
 * instantiable.
 */
final class TerminalsClients
{
    private TerminalsClients()
    {
    }

    /** Settings every client shares: the bootstrap servers and the configuration's own. */
    static Map<String, Object> common(final KafkaCursorStoreConfig config)
    {
        final Map<String, Object> common = new HashMap<>();
        common.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        common.putAll(config.clientSettings());
        return common;
    }

    static Map<String, Object> producer(final KafkaCursorStoreConfig config)
    {
        final Map<String, Object> p = common(config);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "emcomm-terminals-" + config.nodeId());
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(1000, config.claimTimeout().toMillis()));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(500, config.claimTimeout().toMillis() / 2));
        // a send blocks its caller (an event loop, under the terminal's monitor for a subscription) while metadata is
        // missing or the buffer is full: bounded, and the metadata is fetched at open (fetchMetadata)
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) Math.min(1000, config.claimTimeout().toMillis()));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.putAll(config.clientSettings());
        return p;
    }

    static Map<String, Object> consumer(final KafkaCursorStoreConfig config)
    {
        final Map<String, Object> c = common(config);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // a position below the log's start (records deleted) resumes at the start, never silently at the end
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "emcomm-terminals-reader-" + config.nodeId());
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.putAll(config.clientSettings());
        return c;
    }

    /** The topic's metadata now, so that a claim's send does not wait for it on an event loop. */
    static void fetchMetadata(final Producer<String, byte[]> producer, final KafkaCursorStoreConfig config)
    {
        final long deadline = System.nanoTime() + config.startTimeout().toNanos();
        while (true)
        {
            try
            {
                producer.partitionsFor(config.topics().terminals());
                return;
            }
            catch (final TimeoutException ex)
            {
                if (System.nanoTime() > deadline)
                {
                    throw new ClusterFailure("no metadata for topic " + config.topics().terminals() + " within "
                        + config.startTimeout().toSeconds() + " s", ex);
                }
                // each attempt waits max.block.ms itself
            }
        }
    }
}
