package io.emcomm.kafka.terminals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that reads the whole terminals topic (every partition by {@code assign()}, from the beginning, no
 * consumer group: a group's committed offsets expire, CLUSTER.md) into the {@link TerminalsView}, and writes the
 * due cursor records once per flush interval. {@link #caughtUp()} completes once everything written before the
 * call has been read. The loop is {@link #runOnce} so tests can drive it by hand on a manual clock.
 */
final class TerminalsReader implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(TerminalsReader.class);
    private static final Duration MAX_POLL = Duration.ofMillis(100);

    private final Consumer<String, byte[]> consumer;
    private final List<TopicPartition> partitions = new ArrayList<>();
    private final TerminalsView view = new TerminalsView();
    private final TerminalsView.Events events;
    private final TerminalWriter writer;
    private final LongSupplier nanoClock;
    private final long flushNanos;
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> barrierRequests = new ConcurrentLinkedQueue<>();
    private final List<Barrier> barriers = new ArrayList<>();
    private long lastFlush;
    private volatile boolean running = true;

    private record Barrier(Map<TopicPartition, Long> ends, CompletableFuture<Void> reached)
    {
    }

    /**
     * Assigns every partition of {@code topic} and seeks to the beginning. Calling thread (the consumer is used by
     * the reader thread only afterwards).
     */
    TerminalsReader(final Consumer<String, byte[]> consumer, final String topic, final TerminalsView.Events events,
        final TerminalWriter writer, final LongSupplier nanoClock, final Duration flushInterval)
    {
        this.consumer = consumer;
        this.events = events;
        this.writer = writer;
        this.nanoClock = nanoClock;
        this.flushNanos = flushInterval.toNanos();
        final List<PartitionInfo> infos = consumer.partitionsFor(topic);
        if (infos == null || infos.isEmpty())
        {
            throw new IllegalStateException("topic " + topic + " has no partitions (does it exist?)");
        }
        for (final PartitionInfo p : infos)
        {
            partitions.add(new TopicPartition(topic, p.partition()));
        }
        partitions.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        lastFlush = nanoClock.getAsLong();
    }

    /** The topic's partition count (a terminal's records all go to one, by its id). */
    int partitionCount()
    {
        return partitions.size();
    }

    /** The view; reader thread only. */
    TerminalsView view()
    {
        return view;
    }

    /**
     * A barrier: completes once the reader has read every record written to the topic before this call (the
     * partitions' end offsets as the reader asks for them). Any thread.
     */
    CompletableFuture<Void> caughtUp()
    {
        final CompletableFuture<Void> reached = new CompletableFuture<>();
        barrierRequests.add(reached);
        return reached;
    }

    @Override
    public void run()
    {
        try
        {
            while (running)
            {
                try
                {
                    runOnce(MAX_POLL);
                }
                catch (final WakeupException ex)
                {
                    // close() woke the poll
                }
                catch (final RuntimeException ex)
                {
                    if (!running)
                    {
                        break;
                    }
                    // the consumer retries connections itself; what reaches here is logged and the loop goes on
                    LOG.warn("terminals reader: {}", ex.toString(), ex);
                }
            }
        }
        finally
        {
            final IllegalStateException closed = new IllegalStateException("the terminals store is closed");
            barrierRequests.forEach(b -> b.completeExceptionally(closed));
            barriers.forEach(b -> b.reached.completeExceptionally(closed));
        }
    }

    /** One pass: poll at most {@code timeout} (less when a flush is due sooner), apply, barriers, flush. */
    void runOnce(final Duration timeout)
    {
        final long untilFlush = Math.max(0, flushNanos - (nanoClock.getAsLong() - lastFlush));
        final Duration wait = timeout.toNanos() < untilFlush ? timeout : Duration.ofNanos(untilFlush);
        for (final ConsumerRecord<String, byte[]> r : consumer.poll(wait))
        {
            view.apply(r.key(), r.value(), r.offset(), events);
        }
        checkBarriers();
        final long now = nanoClock.getAsLong();
        if (now - lastFlush >= flushNanos)
        {
            lastFlush = now;
            writer.flushDirty();
        }
    }

    private void checkBarriers()
    {
        CompletableFuture<Void> request;
        while ((request = barrierRequests.poll()) != null)
        {
            barriers.add(new Barrier(consumer.endOffsets(partitions), request));
        }
        for (final Iterator<Barrier> it = barriers.iterator(); it.hasNext();)
        {
            final Barrier b = it.next();
            boolean reached = true;
            for (final Map.Entry<TopicPartition, Long> e : b.ends.entrySet())
            {
                reached &= consumer.position(e.getKey()) >= e.getValue();
            }
            if (reached)
            {
                it.remove();
                b.reached.complete(null);
            }
        }
    }

    /** Ends the loop: the thread leaves {@link #run} soon after. Any thread. */
    void stop()
    {
        running = false;
        consumer.wakeup();
    }

    /** Closes the consumer once the loop has ended. */
    void closeConsumer()
    {
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
