package io.emcomm.kafka.journal;

import io.netty.buffer.ByteBuf;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One {@link KafkaProducer} of the journal and the records it has in flight. {@link JournalProducer} has two:
 * FLASH/IMMEDIATE and ROUTINE/PRIORITY (issue 15 Deliver 3), so urgent records never wait in the ROUTINE
 * producer's accumulator.
 *
 * <p>The lane is its own (single, stateless) producer {@link Callback}: Kafka completes the records sent to one
 * partition in send order, so the tokens and sizes of the records in flight are a FIFO ring, pushed under the
 * lane's lock together with the send (so ring order is send order) and popped by the producer's I/O thread
 * without a lock. No object of ours per record; Kafka's client still makes its own ({@link ProducerRecord}, its
 * future and callback wrapper, the value array). A failure Kafka reports inside {@code send} (on the offering
 * thread) is recognised by the thread and retracts the record just pushed.
 *
 * <p>Thread-safety: {@link #offer} from any thread (serialised by the lane's lock); completions on the
 * producer's I/O thread ({@code kafka-producer-network-thread | <client.id>}).
 */
final class ProducerLane implements Callback
{
    private static final Logger LOG = LoggerFactory.getLogger(ProducerLane.class);

    private final String name;
    private final Producer<byte[], JournalRecordDraft> producer;
    private final String topic;
    private final String routerId;
    private final JournalProducer.Completion completion;
    private final long byteCap;
    private final AtomicLong bytesInFlight = new AtomicLong();
    private final long[] tokens;
    private final int[] sizes;
    private final int mask;
    private final JournalRecordDraft draft = new JournalRecordDraft();
    private final Object lock = new Object();
    /** Advanced by the I/O thread only. */
    private volatile long head;
    /** Advanced under {@link #lock} only. */
    private volatile long tail;
    /** The thread inside {@code send} right now, to tell a failure Kafka reports there from a completion. */
    private volatile Thread sending;
    private Exception inSendFailure;
    private long lastOffset = -1;
    private volatile boolean closed;

    /**
     * @param ringSize records in flight at most (a power of two); past it the lane answers BUSY
     * @param byteCap  value bytes in flight past which the lane answers BUSY ({@link Long#MAX_VALUE}: no cap)
     */
    ProducerLane(final String name, final Producer<byte[], JournalRecordDraft> producer, final String topic, final String routerId,
        final JournalProducer.Completion completion, final int ringSize, final long byteCap)
    {
        if (Integer.bitCount(ringSize) != 1)
        {
            throw new IllegalArgumentException("ring size must be a power of two: " + ringSize);
        }
        this.name = name;
        this.producer = producer;
        this.topic = topic;
        this.routerId = routerId;
        this.completion = completion;
        this.byteCap = byteCap;
        this.tokens = new long[ringSize];
        this.sizes = new int[ringSize];
        this.mask = ringSize - 1;
    }

    JournalProducer.Offer offer(final long token, final ByteBuf envelope, final int offset, final int length,
        final long journaledAtMicros, final int originKind, final String region, final String ingress)
    {
        final Exception failure;
        final int size;
        synchronized (lock)
        {
            if (closed)
            {
                return JournalProducer.Offer.CLOSED;
            }
            draft.set(journaledAtMicros, originKind, region, ingress, token, envelope, offset, length);
            size = draft.encodedLength(routerId);
            final long inFlight = bytesInFlight.get();
            final long t = tail;
            if (t - head > mask || (inFlight > 0 && inFlight + size > byteCap))
            {
                draft.envelope = null;
                return JournalProducer.Offer.BUSY;
            }
            bytesInFlight.addAndGet(size);
            final int slot = (int)(t & mask);
            tokens[slot] = token;
            sizes[slot] = size;
            tail = t + 1;
            inSendFailure = null;
            sending = Thread.currentThread();
            Exception thrown = null;
            try
            {
                producer.send(new ProducerRecord<>(topic, 0, null, draft), this);
            }
            catch (final RuntimeException ex)
            {
                thrown = ex; // closed producer, interrupted, a fatal producer state
            }
            finally
            {
                sending = null;
                draft.envelope = null;
            }
            failure = thrown != null ? thrown : inSendFailure;
            if (failure != null)
            {
                // no completion will come for it: the I/O thread never reaches this slot
                tail = t;
                bytesInFlight.addAndGet(-size);
            }
        }
        if (failure != null)
        {
            completion.failed(token, JournalProducer.detail(failure));
        }
        return JournalProducer.Offer.QUEUED;
    }

    /** Kafka's completion of the oldest record in flight (I/O thread), or of the one being sent (offering thread). */
    @Override
    public void onCompletion(final RecordMetadata metadata, final Exception exception)
    {
        if (Thread.currentThread() == sending)
        {
            inSendFailure = exception != null ? exception : new IllegalStateException("completed inside send without an error");
            return;
        }
        final long h = head;
        if (h >= tail) // volatile read: also makes the slot written before the send visible here, whatever Kafka does inside
        {
            LOG.error("journal lane {}: a completion with no record in flight", name);
            return;
        }
        final int slot = (int)(h & mask);
        final long token = tokens[slot];
        final int size = sizes[slot];
        head = h + 1;
        bytesInFlight.addAndGet(-size);
        if (exception == null)
        {
            final long offset = metadata.offset();
            if (offset <= lastOffset)
            {
                // Kafka's in-order completion per partition is what matches tokens to records; say so if it ever breaks
                LOG.error("journal lane {}: offset {} completed after {}; tokens may be mismatched", name, offset, lastOffset);
            }
            lastOffset = offset;
            completion.committed(token, offset);
        }
        else
        {
            completion.failed(token, JournalProducer.detail(exception));
        }
    }

    long bytesInFlight()
    {
        return bytesInFlight.get();
    }

    long recordsInFlight()
    {
        return tail - head;
    }

    /** Waits for the metadata of the journal's partition (start; blocks up to the producer's max.block.ms). */
    void awaitMetadata()
    {
        producer.partitionsFor(topic);
    }

    void close(final Duration timeout)
    {
        synchronized (lock)
        {
            closed = true;
        }
        producer.close(timeout);
    }
}
