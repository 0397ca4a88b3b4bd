package io.emcomm.kafka.journal;

import io.emcomm.protocol.wire.Precedence;
import io.netty.buffer.ByteBuf;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The append side of the Kafka journal (issue 15 Deliver 1 and 3): offers accepted envelopes to partition 0 of the
 * journal topic through two {@link KafkaProducer}s, one for FLASH/IMMEDIATE and one for ROUTINE/PRIORITY, so an
 * urgent record never queues behind a ROUTINE backlog in a producer (the log itself is FIFO: CLUSTER.md,
 * "Precedence"). Both produce with {@code acks=all}, {@code enable.idempotence=true}, {@code linger.ms=0} (Kafka 4's
 * default is 5 ms) and a short {@code delivery.timeout.ms}; a record Kafka has not committed by then fails with
 * Kafka's error, which the router turns into a {@code JOURNAL_UNAVAILABLE} nack naming it.
 *
 * <p>ROUTINE/PRIORITY value bytes in flight are capped ({@link Settings#routineBytesCap()}): past the cap
 * {@link #offer} answers {@link Offer#BUSY} at once (the router nacks the publish busy) while FLASH/IMMEDIATE
 * still go. Completion is one {@link Completion} callback for the producer's lifetime, with the token the offer
 * carried: no future per record.
 *
 * <p>Committed is not acknowledged: the router acknowledges a publish when its node's {@link JournalApplier}
 * reaches the record (dedupe is decided there), matching it by this node's router id and the token carried in
 * the record; the completion's offset is for metrics and for a failure's refusal.
 *
 * <p>Thread-safety: {@link #offer} from any thread (the publishers' event loops); each lane serialises its
 * offers under its own lock. Completions run on the lane producer's I/O thread, or, for a failure Kafka reports
 * at once, on the offering thread before {@link #offer} returns; they must not block.
 */
public final class JournalProducer implements AutoCloseable
{
    /** What {@link #offer} did with a record. */
    public enum Offer
    {
        /** Handed to Kafka; exactly one {@link Completion} call for its token follows (possibly before offer returns). */
        QUEUED,
        /** Refused at once: the ROUTINE/PRIORITY cap of bytes in flight, or the lane's record ring, is full. */
        BUSY,
        /** Refused at once: the producer is closed. */
        CLOSED
    }

    /** Where the outcome of a {@link Offer#QUEUED} record goes. Must not block: it runs on Kafka's I/O thread. */
    public interface Completion
    {
        /**
         * The record is committed (acks=all: held by min.insync.replicas brokers).
         *
         * @param token  the offer's publish token
         * @param offset the record's offset in partition 0 (its journal index)
         */
        void committed(long token, long offset);

        /**
         * The record was not committed: the delivery timeout expired, or Kafka refused it.
         *
         * @param token  the offer's publish token
         * @param detail one line naming Kafka's error, for the nack's detail ("Kafka: TimeoutException: ...")
         */
        void failed(long token, String detail);
    }

    /**
     * How a node produces to the journal.
     *
     * @param bootstrap          Kafka's bootstrap servers ({@code emcomm.kafka.bootstrap})
     * @param topic              the journal topic ({@code JournalTopics#journal()})
     * @param routerId           this node's router id, written into every record (ASCII letters, digits, {@code . _ -})
     * @param deliveryTimeout    Kafka's {@code delivery.timeout.ms} (also its request.timeout.ms and max.block.ms)
     * @param routineBytesCap    ROUTINE/PRIORITY value bytes in flight past which offers are BUSY
     * @param ringSize           records in flight per lane at most (a power of two)
     * @param overrides          further producer settings (tests: batch.size); the durability ones cannot be overridden
     */
    public record Settings(String bootstrap, String topic, String routerId, Duration deliveryTimeout, long routineBytesCap,
        int ringSize, Map<String, Object> overrides)
    {
        /** Default ROUTINE/PRIORITY bytes in flight: 4 MiB. */
        public static final long DEFAULT_ROUTINE_BYTES_CAP = 4L << 20;
        /**
         * Default delivery timeout: 15 s, longer than a leader failover (the dead leader fenced after
         * {@code broker.session.timeout.ms}, 9 s by Kafka's default, then a leader elected), so that the producer's own
         * idempotent retry reaches the new leader and a publish caught by a leader's death is acknowledged late rather
         * than nacked. With 5 s the failover loop of {@code ClusterChaosTest} saw publishes nacked JOURNAL_UNAVAILABLE
         * that the new leader already held, journaled and delivered.
         */
        public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofSeconds(15);
        /** Default ring: 65536 records in flight per lane. */
        public static final int DEFAULT_RING_SIZE = 1 << 16;

        /**
         * Checks the values.
         *
         * @param bootstrap       the bootstrap servers
         * @param topic           the journal topic
         * @param routerId        the node's router id
         * @param deliveryTimeout Kafka's delivery timeout (at least 100 ms)
         * @param routineBytesCap ROUTINE/PRIORITY value bytes in flight at most (positive)
         * @param ringSize        records in flight per lane at most (a power of two)
         * @param overrides       further producer settings
         * @throws IllegalArgumentException when a value is out of range
         */
        public Settings
        {
            if (routerId == null || !routerId.matches("[A-Za-z0-9._-]{1,255}"))
            {
                throw new IllegalArgumentException("a router id is 1 to 255 letters, digits, '.', '_' or '-'; was " + routerId);
            }
            if (deliveryTimeout.toMillis() < 100)
            {
                throw new IllegalArgumentException("the delivery timeout must be at least 100 ms, was " + deliveryTimeout);
            }
            if (routineBytesCap < 1)
            {
                throw new IllegalArgumentException("the ROUTINE cap must be positive, was " + routineBytesCap);
            }
            overrides = Map.copyOf(overrides);
        }

        /**
         * The defaults for a node.
         *
         * @param bootstrap the bootstrap servers
         * @param topic     the journal topic
         * @param routerId  the node's router id
         * @return settings with a 15 s delivery timeout and a 4 MiB ROUTINE cap
         */
        public static Settings of(final String bootstrap, final String topic, final String routerId)
        {
            return new Settings(bootstrap, topic, routerId, DEFAULT_DELIVERY_TIMEOUT, DEFAULT_ROUTINE_BYTES_CAP, DEFAULT_RING_SIZE, Map.of());
        }

        /**
         * @param timeout Kafka's delivery.timeout.ms
         * @return these settings with another delivery timeout
         */
        public Settings deliveryTimeout(final Duration timeout)
        {
            return new Settings(bootstrap, topic, routerId, timeout, routineBytesCap, ringSize, overrides);
        }

        /**
         * @param bytes ROUTINE/PRIORITY value bytes in flight at most
         * @return these settings with another ROUTINE/PRIORITY cap
         */
        public Settings routineBytesCap(final long bytes)
        {
            return new Settings(bootstrap, topic, routerId, deliveryTimeout, bytes, ringSize, overrides);
        }

        /**
         * @param more further producer settings (acks, idempotence, linger and the timeouts are always this class's)
         * @return these settings with further producer settings
         */
        public Settings overrides(final Map<String, Object> more)
        {
            return new Settings(bootstrap, topic, routerId, deliveryTimeout, routineBytesCap, ringSize, more);
        }
    }

    private final ProducerLane urgent;
    private final ProducerLane routine;
    private final Duration closeTimeout;

    /**
     * Opens both producers and waits for the journal partition's metadata, so the first offer does not block on it.
     * Control plane (the node's start).
     *
     * @param settings   how to produce
     * @param completion the outcome of every queued record
     * @throws KafkaException when the cluster does not answer within the delivery timeout, or the topic is unknown
     */
    public JournalProducer(final Settings settings, final Completion completion)
    {
        ProducerLane u = null;
        ProducerLane r = null;
        try
        {
            u = new ProducerLane("urgent", new KafkaProducer<>(config(settings, "urgent"), new ByteArraySerializer(),
                new JournalRecordDraft.RecordSerializer(settings.routerId())), settings.topic(), settings.routerId(), completion,
                settings.ringSize(), Long.MAX_VALUE);
            r = new ProducerLane("routine", new KafkaProducer<>(config(settings, "routine"), new ByteArraySerializer(),
                new JournalRecordDraft.RecordSerializer(settings.routerId())), settings.topic(), settings.routerId(), completion,
                settings.ringSize(), settings.routineBytesCap());
            u.awaitMetadata();
            r.awaitMetadata();
        }
        catch (final RuntimeException ex)
        {
            if (u != null)
            {
                u.close(Duration.ZERO);
            }
            if (r != null)
            {
                r.close(Duration.ZERO);
            }
            throw ex;
        }
        this.urgent = u;
        this.routine = r;
        this.closeTimeout = settings.deliveryTimeout();
    }

    private static Map<String, Object> config(final Settings s, final String lane)
    {
        final Map<String, Object> c = new HashMap<>(s.overrides());
        final int timeoutMs = (int)s.deliveryTimeout().toMillis();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap());
        c.put(ProducerConfig.CLIENT_ID_CONFIG, "emcomm-" + s.routerId() + "-journal-" + lane);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // delivery.timeout.ms >= linger.ms + request.timeout.ms is Kafka's rule
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeoutMs);
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        c.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
        // at most 5 with idempotence keeps order across retries
        c.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        return c;
    }

    /**
     * Offers one accepted envelope to the journal. The bytes are copied into the record before this returns; the
     * caller keeps ownership of {@code envelope}. Any thread; does not block (the journal partition's metadata is
     * known from the start).
     *
     * @param token             this node's publish token, returned in the {@link Completion} and carried in the record
     * @param precedence        the envelope's precedence number (FLASH and IMMEDIATE take the urgent producer)
     * @param envelope          the envelope bytes as received
     * @param offset            where they start in {@code envelope}
     * @param length            their length (at least 1)
     * @param journaledAtMicros this node's clock, microseconds since the epoch
     * @param originKind        the publishing session's TerminalKind number
     * @param originRegion      the publishing session's region code
     * @param ingress           "" for a publish that entered at this site; the federation link otherwise
     * @return {@link Offer#QUEUED} (a completion follows), {@link Offer#BUSY} or {@link Offer#CLOSED}
     */
    public Offer offer(final long token, final int precedence, final ByteBuf envelope, final int offset, final int length,
        final long journaledAtMicros, final int originKind, final String originRegion, final String ingress)
    {
        return (isUrgent(precedence) ? urgent : routine).offer(token, envelope, offset, length, journaledAtMicros, originKind,
            originRegion, ingress);
    }

    /**
     * @param precedence a precedence number as on the wire
     * @return true for FLASH and IMMEDIATE, which take the urgent producer
     */
    public static boolean isUrgent(final int precedence)
    {
        return precedence == Precedence.FLASH_VALUE || precedence == Precedence.IMMEDIATE_VALUE;
    }

    /** @return ROUTINE/PRIORITY value bytes offered and not yet completed */
    public long routineBytesInFlight()
    {
        return routine.bytesInFlight();
    }

    /** @return records offered and not yet completed, both lanes */
    public long recordsInFlight()
    {
        return urgent.recordsInFlight() + routine.recordsInFlight();
    }

    /** One line naming Kafka's error, for a nack's detail. */
    static String detail(final Exception e)
    {
        return "Kafka: " + e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /**
     * Stops offering, waits up to the delivery timeout of each lane for the records in flight (each still gets
     * its completion: committed, or failed when Kafka gives up), then closes both producers. Control plane.
     */
    @Override
    public void close()
    {
        urgent.close(closeTimeout);
        routine.close(closeTimeout);
    }
}
