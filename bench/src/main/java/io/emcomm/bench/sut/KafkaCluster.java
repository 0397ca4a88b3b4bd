package io.emcomm.bench.sut;

import io.emcomm.bench.load.MessageListener;
import io.emcomm.bench.load.Payload;
import io.emcomm.kafka.ClusterSettings;
import io.emcomm.kafka.LocalKafkaCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The same 3-broker local Kafka cluster as {@link EmcommCluster}'s, driven by kafka-clients with no router: one topic
 * {@value #TOPIC} as EmComm's journal is made (1 partition, replication 3, {@code min.insync.replicas=2}); a publisher is
 * a {@link KafkaProducer} with EmComm's journal settings ({@code acks=all}, idempotent, {@code linger.ms=0}), acknowledged
 * when the producer's callback says committed; a subscriber a {@link KafkaConsumer} assigned the partition from its end
 * (no group), polling on a thread of its own. Every message goes to the one topic and a subscriber reads all of it (the
 * cluster scenarios have one channel each). The node index is ignored: a Kafka client talks to whichever broker leads.
 */
final class KafkaCluster implements Cluster
{
    static final String TOPIC = "bench";

    private final LocalKafkaCluster kafka;

    private KafkaCluster(final LocalKafkaCluster kafka)
    {
        this.kafka = kafka;
    }

    /** Starts the brokers (folder {@code dataDir/kafka}) and creates the topic; stops them if that fails. */
    static KafkaCluster start(final Path dataDir) throws Exception
    {
        final LocalKafkaCluster kafka = LocalKafkaCluster.start(
            ClusterSettings.of(dataDir.resolve("kafka").toAbsolutePath(), EmcommCluster.BROKERS).basePort(0));
        try (Admin admin = kafka.admin())
        {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short)EmcommCluster.BROKERS)
                .configs(Map.of("min.insync.replicas", "2", "unclean.leader.election.enable", "false"))))
                .all().get(60, TimeUnit.SECONDS);
            return new KafkaCluster(kafka);
        }
        catch (final Exception ex)
        {
            kafka.close();
            throw ex;
        }
    }

    @Override
    public int nodes()
    {
        return EmcommCluster.BROKERS;
    }

    @Override
    public BenchClient connect(final int node, final ClientSpec spec)
    {
        return new Client(kafka.bootstrapServers(), spec);
    }

    @Override
    public String describe()
    {
        return "kafka-clients alone on a " + EmcommCluster.BROKERS + "-broker Kafka cluster (topic " + TOPIC
            + ": 1 partition, replication 3, min.insync.replicas=2, acks=all, linger.ms=0)";
    }

    @Override
    public void close()
    {
        kafka.close();
    }

    /** Process ids of the brokers now running (for the test that closing leaves nothing behind). */
    List<Long> pids()
    {
        final List<Long> pids = new java.util.ArrayList<>();
        for (int id = 1; id <= kafka.size(); id++)
        {
            if (kafka.pid(id) > 0)
            {
                pids.add(kafka.pid(id));
            }
        }
        return pids;
    }

    /** A producer, and a consumer once subscribed. */
    static final class Client implements BenchClient
    {
        private final String bootstrap;
        private final ClientSpec spec;
        private final KafkaProducer<byte[], byte[]> producer;
        private final AtomicInteger inFlight = new AtomicInteger();
        private volatile boolean running = true;
        private KafkaConsumer<byte[], byte[]> consumer;
        private Thread reader;

        Client(final String bootstrap, final ClientSpec spec)
        {
            this.bootstrap = bootstrap;
            this.spec = spec;
            final Map<String, Object> p = new HashMap<>();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ProducerConfig.CLIENT_ID_CONFIG, spec.id());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
            this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public void subscribe(final String channel)
        {
            if (consumer != null)
            {
                return;
            }
            final Map<String, Object> c = new HashMap<>();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            c.put(ConsumerConfig.CLIENT_ID_CONFIG, spec.id() + "-reader");
            c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            final TopicPartition partition = new TopicPartition(TOPIC, 0);
            consumer.assign(List.of(partition));
            consumer.seekToEnd(List.of(partition));
            consumer.position(partition, Duration.ofSeconds(30)); // resolved now: what is published from here on is read
            reader = new Thread(this::read, spec.id() + "-reader");
            reader.setDaemon(true);
            reader.start();
        }

        private void read()
        {
            final MessageListener listener = spec.listener();
            try
            {
                while (running)
                {
                    for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500)))
                    {
                        final byte[] data = r.value();
                        listener.onMessage(Payload.stamp(data, 0), Payload.isFlash(data, 0));
                    }
                }
            }
            catch (final WakeupException closing)
            {
                // close() woke it
            }
            finally
            {
                consumer.close(Duration.ofSeconds(5));
            }
        }

        @Override
        public boolean publish(final Destination to, final long stampNanos, final boolean flash)
        {
            if (inFlight.get() >= spec.maxInFlight())
            {
                return false;
            }
            inFlight.incrementAndGet();
            final MessageListener acks = spec.ackListener();
            producer.send(new ProducerRecord<>(TOPIC, Payload.newArray(stampNanos, flash)), (metadata, failure) ->
            {
                inFlight.decrementAndGet();
                if (failure == null)
                {
                    acks.onMessage(stampNanos, flash);
                }
            });
            return true;
        }

        @Override
        public void flush()
        {
            // linger.ms=0: the producer's sender thread sends at once; KafkaProducer.flush() would wait for the acks
        }

        @Override
        public void close()
        {
            running = false;
            if (consumer != null)
            {
                consumer.wakeup();
                try
                {
                    reader.join(TimeUnit.SECONDS.toMillis(10));
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
            producer.close(Duration.ofSeconds(5));
        }
    }
}
