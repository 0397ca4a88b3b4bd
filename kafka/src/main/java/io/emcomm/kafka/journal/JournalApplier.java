package io.emcomm.kafka.journal;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * The apply loop of a node (issue 15 Deliver 1; CLUSTER.md "Every node reads the whole journal"): one thread,
 * {@value #THREAD_NAME}, reads partition 0 of the journal topic with {@code assign()} (no consumer group: no
 * rebalances, no committed offsets to expire) from a given offset, in offset order, and hands each record to an
 * {@link ApplyHandler}. A record that does not parse is logged in one line naming its offset and the problem,
 * counted, and skipped; the loop never stops for one. A value-less record is the offset-0 marker (or a second one
 * written by a node that started at the same moment): skipped without a word.
 *
 * <p>It tracks the apply lag (records in the log past the last applied, as of the last fetch) and the latency
 * from each record's produce timestamp (Kafka's CreateTime, set by the producing node's client, in milliseconds)
 * to its apply, on the injected clock, for records produced since the applier was made (older ones are catch-up
 * after a restart, whose age says nothing of the cluster); across nodes that latency includes the clocks' difference.
 *
 * <p>The loop stops for good only when the next offset is no longer in the log ({@code auto.offset.reset=none}:
 * never a silent jump, the lesson of MirrorMaker's reset to earliest, CLUSTER.md); the handler hears of it
 * ({@link ApplyHandler#stopped}) and {@link #failure()} holds it. {@link #close()} stops the loop cleanly: the
 * record being applied completes, the consumer closes on the loop's own thread.
 *
 * <p>Thread-safety: the getters from any thread; {@link #applyAvailable} on one thread at a time (the loop's, or
 * a test's before {@link #start()}).
 */
public final class JournalApplier implements AutoCloseable
{
    /** The apply loop's thread. */
    public static final String THREAD_NAME = "emcomm-journal-apply";
    private static final Logger LOG = LoggerFactory.getLogger(JournalApplier.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final Consumer<byte[], byte[]> consumer;
    private final TopicPartition partition;
    private final ApplyHandler handler;
    private final LongSupplier clockMicros;
    /** When this applier was made: records produced before it are catch-up, left out of the latency. */
    private final long startedAtMicros;
    private final JournalRecord record = new JournalRecord();
    private final Thread thread;
    private volatile boolean running;
    private volatile long appliedOffset;
    private volatile long endOffset;
    private volatile long malformed;
    private volatile long lastLatencyMicros;
    private volatile long maxLatencyMicros;
    private volatile Throwable failure;

    /**
     * @param consumer    a consumer of its own (not shared; {@link #newConsumer}, or Kafka's MockConsumer in tests);
     *                    the applier assigns it, seeks it, and closes it
     * @param topic       the journal topic
     * @param fromOffset  the first offset to apply (the node's mirror's last offset + 1; 0 for a new node)
     * @param handler     what to do with each record
     * @param clockMicros the apply clock, microseconds since the epoch
     */
    public JournalApplier(final Consumer<byte[], byte[]> consumer, final String topic, final long fromOffset,
        final ApplyHandler handler, final LongSupplier clockMicros)
    {
        this.consumer = consumer;
        this.partition = new TopicPartition(topic, 0);
        this.handler = handler;
        this.clockMicros = clockMicros;
        this.startedAtMicros = clockMicros.getAsLong();
        this.appliedOffset = fromOffset - 1;
        this.endOffset = fromOffset;
        consumer.assign(List.of(partition));
        consumer.seek(partition, fromOffset);
        this.thread = new Thread(this::run, THREAD_NAME);
        this.thread.setDaemon(true);
    }

    /**
     * A consumer for the apply loop: no group, no auto commit, no offset reset, byte arrays.
     *
     * @param bootstrap Kafka's bootstrap servers
     * @param clientId  the client id (the node's router id in it)
     * @param overrides further consumer settings
     * @return the consumer; hand it to one applier
     */
    public static Consumer<byte[], byte[]> newConsumer(final String bootstrap, final String clientId, final Map<String, Object> overrides)
    {
        final Map<String, Object> c = new HashMap<>(overrides);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        c.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        return new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Starts the loop's thread, {@value #THREAD_NAME}.
     *
     * @return this
     */
    public JournalApplier start()
    {
        running = true;
        thread.start();
        return this;
    }

    private void run()
    {
        try
        {
            while (running)
            {
                applyAvailable(POLL);
            }
        }
        catch (final WakeupException ex)
        {
            // close(): running is false
        }
        catch (final KafkaException | IllegalStateException ex)
        {
            failure = ex;
            LOG.error("the journal apply loop stopped at offset {}: {}", appliedOffset + 1, ex.toString());
            handler.stopped(ex);
        }
        finally
        {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /**
     * One fetch: waits up to {@code timeout} for records and applies those that came, in offset order.
     *
     * @param timeout how long to wait for records
     * @return records handed to the handler or skipped as malformed
     * @throws KafkaException what the consumer throws (offset out of range; wakeup on close)
     */
    public int applyAvailable(final Duration timeout)
    {
        final ConsumerRecords<byte[], byte[]> records = consumer.poll(timeout);
        int n = 0;
        for (final ConsumerRecord<byte[], byte[]> r : records.records(partition))
        {
            final long offset = r.offset();
            if (r.value() == null)
            {
                // the value-less marker a node writes into an empty journal (offset 0 is never an index): not news
                LOG.debug("journal record at offset {} is a marker: skipped", offset);
            }
            else if (record.wrap(r.value()))
            {
                handler.apply(offset, record);
            }
            else
            {
                malformed++;
                LOG.warn("journal record at offset {} skipped: {}", offset, record.problem());
                handler.malformed(offset, record.problem());
            }
            // a record produced before this loop started is catch-up: its age is not the cluster's produce latency
            if (r.timestamp() >= 0 && r.timestamp() * 1000 >= startedAtMicros)
            {
                final long latency = clockMicros.getAsLong() - r.timestamp() * 1000;
                lastLatencyMicros = latency;
                if (latency > maxLatencyMicros)
                {
                    maxLatencyMicros = latency;
                }
            }
            appliedOffset = offset;
            n++;
        }
        final OptionalLong lag = consumer.currentLag(partition);
        if (lag.isPresent())
        {
            endOffset = appliedOffset + 1 + lag.getAsLong();
        }
        else if (appliedOffset >= endOffset)
        {
            endOffset = appliedOffset + 1;
        }
        return n;
    }

    /** @return the offset of the last record applied or skipped; fromOffset − 1 before the first */
    public long appliedOffset()
    {
        return appliedOffset;
    }

    /** @return the log's end offset (next offset to be written) as of the last fetch */
    public long endOffset()
    {
        return endOffset;
    }

    /** @return records in the log not yet applied, as of the last fetch: end offset − (applied + 1) */
    public long lag()
    {
        return Math.max(0, endOffset - appliedOffset - 1);
    }

    /** @return records skipped because they did not parse */
    public long malformed()
    {
        return malformed;
    }

    /** @return the last record's latency from its produce timestamp to its apply, in microseconds */
    public long lastLatencyMicros()
    {
        return lastLatencyMicros;
    }

    /** @return the largest such latency seen, in microseconds */
    public long maxLatencyMicros()
    {
        return maxLatencyMicros;
    }

    /** @return why the loop stopped for good, or null */
    public Throwable failure()
    {
        return failure;
    }

    /** @return whether the loop's thread is running */
    public boolean isRunning()
    {
        return thread.isAlive();
    }

    /**
     * Stops the loop after the record being applied and waits for its thread to close the consumer. Control
     * plane; from any thread but the loop's. Without {@link #start()}, closes the consumer here.
     */
    @Override
    public void close()
    {
        if (thread.getState() == Thread.State.NEW)
        {
            consumer.close(Duration.ofSeconds(5));
            return;
        }
        running = false;
        if (!thread.isAlive())
        {
            return; // stopped on its own (failure), consumer closed there
        }
        consumer.wakeup();
        try
        {
            thread.join(10_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
