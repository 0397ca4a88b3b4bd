package io.emcomm.kafka.terminals;

import io.emcomm.kafka.ClusterFailure;
import io.emcomm.kafka.JournalTopics;
import io.emcomm.router.terminal.CursorStore;
import io.emcomm.router.terminal.TerminalState;
import io.emcomm.protocol.address.ChannelPattern;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CursorStore} over the compacted terminals topic (issue 15, Deliver 2; CLUSTER.md "emcomm.terminals"): a
 * terminal's cursor, out-of-order acknowledgements and channel subscriptions live in the cluster, so it may
 * reconnect to any router node and resume from its cursor with no gap and no duplicate past it.
 *
 * <p><b>Claims and epochs.</b> A node that accepts a terminal's login {@linkplain #claim claims} it: it writes a
 * claim record and waits until its reader has read the topic up to that record; the record's offset is the epoch.
 * State records are keyed {@code terminalId|epoch|field} ({@link TerminalKey}), so a node that lost the terminal
 * and does not know yet writes only into its own older epoch, and compaction can never let it replace the owner's
 * records. Readers take the newest claim's state only; the new owner starts from the newest state any epoch left
 * ({@link TerminalHistory}), copies it into its epoch and deletes the older epochs' keys. A node that reads another
 * node's newer claim of a terminal it owned tells its {@link TerminalLostListener} and drops its writes for it.
 *
 * <p><b>Writes.</b> Cursor moves and out-of-order acks are gathered per terminal and written at most once per
 * flush interval ({@link KafkaCursorStoreConfig#flushInterval()}): a record lost in a crash means redelivery, never
 * loss. A subscription change is written at once; {@link #changeSubscriptionCommitted} completes when its record is
 * read back in the terminal's newest epoch (committed, and not fenced), which is when a SUBSCRIBE may be acknowledged.
 *
 * <p><b>Threads.</b> Every method is safe from any thread. One reader thread ({@code emcomm-terminals-reader})
 * reads every partition with {@code assign()} (no consumer group) into the view, completes claims and subscription
 * changes, calls the listener and writes the due cursor records; futures complete on it, so continue with
 * {@code thenXxxAsync(..., executor)} and never block in a dependent stage. {@link #contains} and
 * {@link #snapshot} answer from the view without blocking; the record methods do not block (they take the
 * terminal's slot monitor, and a subscription change sends under the terminal's monitor, as the Chronicle store
 * writes under it).
 */
public final class KafkaCursorStore implements CursorStore
{
    private static final Logger LOG = LoggerFactory.getLogger(KafkaCursorStore.class);

    private final Producer<String, byte[]> producer;
    private final TerminalWriter writer;
    private final TerminalsReader reader;
    private final Duration claimTimeout;
    private final TerminalSlots slots = new TerminalSlots();
    private final ClaimCounts counts = new ClaimCounts();
    private final Thread thread;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * A store over the given clients. Tests pass Kafka's {@code MockProducer} and {@code MockConsumer} with
     * {@code startThread} false and drive the reader with {@link #pollOnce()} on a manual {@code nanoClock}.
     */
    KafkaCursorStore(final Producer<String, byte[]> producer, final Consumer<String, byte[]> consumer, final String topic,
        final String nodeId, final long instance, final KafkaCursorStoreConfig timing, final TerminalLostListener listener,
        final LongSupplier nanoClock, final boolean startThread)
    {
        this.producer = producer;
        this.claimTimeout = timing.claimTimeout();
        this.writer = new TerminalWriter(producer, topic, nodeId, instance);
        this.reader = new TerminalsReader(consumer, topic, new Ownership(slots, writer, listener, counts), writer, nanoClock,
            timing.flushInterval());
        slots.partitions(reader.partitionCount());
        if (startThread)
        {
            thread = new Thread(reader, "emcomm-terminals-reader");
            thread.setDaemon(true);
            thread.start();
        }
        else
        {
            thread = null;
        }
    }

    /**
     * Opens the store: checks the site's topics ({@link JournalTopics#check}, which refuses a terminals topic that
     * is not compacted), reads the terminals topic to its end, then keeps reading on its own thread. The calling
     * thread, which waits up to {@link KafkaCursorStoreConfig#startTimeout()}.
     *
     * @param config   the cluster, topics, node id and timings
     * @param listener told when another node takes over a terminal this node owned
     * @return the open store; close it
     * @throws io.emcomm.kafka.TopicRefused when a topic is missing or misconfigured (the message names the setting)
     * @throws ClusterFailure when the cluster does not answer in time
     */
    public static KafkaCursorStore open(final KafkaCursorStoreConfig config, final TerminalLostListener listener)
    {
        try (Admin admin = Admin.create(TerminalsClients.common(config)))
        {
            config.topics().check(admin, config.startTimeout());
        }
        final KafkaProducer<String, byte[]> producer = new KafkaProducer<>(TerminalsClients.producer(config));
        KafkaConsumer<String, byte[]> consumer = null;
        KafkaCursorStore store = null;
        try
        {
            consumer = new KafkaConsumer<>(TerminalsClients.consumer(config));
            TerminalsClients.fetchMetadata(producer, config);
            store = new KafkaCursorStore(producer, consumer, config.topics().terminals(), config.nodeId(),
                ThreadLocalRandom.current().nextLong(), config, listener, System::nanoTime, true);
            store.reader.caughtUp().get(config.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("terminals store open on {}: node {}, {} terminals", config.topics().terminals(), config.nodeId(),
                store.slots.size());
            return store;
        }
        catch (final ExecutionException | TimeoutException | InterruptedException | RuntimeException ex)
        {
            if (store != null)
            {
                store.close();
            }
            else
            {
                producer.close(Duration.ZERO);
                if (consumer != null)
                {
                    consumer.close();
                }
            }
            if (ex instanceof InterruptedException)
            {
                Thread.currentThread().interrupt();
            }
            if (ex instanceof RuntimeException r)
            {
                throw r;
            }
            throw new ClusterFailure("cannot read topic " + config.topics().terminals() + " to its end within "
                + config.startTimeout().toSeconds() + " s: " + ex, ex);
        }
    }

    /**
     * Claims the terminal for this node (a login accepted here): writes a claim and, once the reader reads it back,
     * takes over the newest state any epoch left, resets this node's {@link TerminalState} of the terminal to it,
     * and completes. From then on this node's writes for the terminal go into the claim's epoch, until another
     * node's newer claim is read (the listener is told). Any thread; does not wait for the cluster (a send waits at
     * most {@code max.block.ms}, 1 s, while the topic's metadata is missing). The router's login path waits on it off
     * the event loop and then starts the session on the state. A claim whose future timed out may still be read
     * later: this node then owns the terminal without a session, until the next claim.
     *
     * @param terminalId    the terminal
     * @param initialCursor the cursor of a terminal the cluster never saw (the journal's end at login)
     * @return the terminal's state on this node; fails with a {@link TimeoutException} after the claim timeout, or
     *     with the producer's exception when the claim could not be written
     */
    public CompletableFuture<TerminalState> claim(final String terminalId, final long initialCursor)
    {
        return writer.claim(slots.slot(terminalId, initialCursor), initialCursor)
            .orTimeout(claimTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** This node's state object of the terminal (without claiming: writes for it are dropped until a claim). */
    @Override
    public TerminalState terminal(final String terminalId, final long initialCursor)
    {
        return slots.slot(terminalId, initialCursor).state;
    }

    /** Every terminal this node knows: read from the topic or asked for here. Any thread; a live view. */
    @Override
    public Collection<TerminalState> terminals()
    {
        return slots.states();
    }

    /** Whether the terminal is known (read from the topic or asked for here). Any thread; does not block or allocate. */
    @Override
    public boolean contains(final String terminalId)
    {
        return slots.contains(terminalId);
    }

    /**
     * The cluster's state of the terminal as this node's reader has read it: the newest claim, its owner and its
     * epoch's state. Any thread.
     *
     * @param terminalId the terminal
     * @return the snapshot, or null when no record of the terminal was read
     */
    public TerminalSnapshot snapshot(final String terminalId)
    {
        final TerminalSlot slot = slots.get(terminalId);
        return slot == null ? null : slot.snapshot;
    }

    /**
     * Whether this node owns the terminal now (its claim is the newest it has read). Any thread.
     *
     * @param terminalId the terminal
     * @return true when this node owns it
     */
    public boolean owns(final String terminalId)
    {
        final TerminalSlot slot = slots.get(terminalId);
        if (slot == null)
        {
            return false;
        }
        synchronized (slot)
        {
            return slot.epoch != TerminalSlot.NONE;
        }
    }

    /**
     * Records the cursor; written at the next flush if this node owns the terminal, dropped otherwise. Any thread;
     * no allocation but the first time in a flush interval.
     */
    @Override
    public void recordCursor(final TerminalState terminal, final long cursor)
    {
        final TerminalSlot slot = slots.get(terminal.terminalId());
        if (slot == null)
        {
            writer.dropped();
            return;
        }
        synchronized (slot)
        {
            if (slot.epoch == TerminalSlot.NONE)
            {
                writer.dropped();
            }
            else if (cursor > slot.cursor)
            {
                slot.cursor = cursor;
                slot.acks.removeUpTo(cursor);
                writer.markDirty(slot);
            }
        }
    }

    /** Records an acknowledgement above the cursor; written with the next cursor record. Any thread. */
    @Override
    public void recordAck(final TerminalState terminal, final long index)
    {
        final TerminalSlot slot = slots.get(terminal.terminalId());
        if (slot == null)
        {
            writer.dropped();
            return;
        }
        synchronized (slot)
        {
            if (slot.epoch == TerminalSlot.NONE)
            {
                writer.dropped();
            }
            else if (index > slot.cursor)
            {
                slot.acks.add(index);
                writer.markDirty(slot);
            }
        }
    }

    /**
     * Writes the terminal's whole subscription set now, without waiting (the interface's
     * {@link #changeSubscription}); see {@link #changeSubscriptionCommitted} for the acknowledged change. Caller
     * holds the terminal's monitor.
     */
    @Override
    public void recordSubscription(final TerminalState terminal, final String pattern, final boolean subscribed)
    {
        writeSubscriptions(terminal);
    }

    private CompletableFuture<Void> writeSubscriptions(final TerminalState terminal)
    {
        final TerminalSlot slot = slots.get(terminal.terminalId());
        if (slot == null)
        {
            writer.dropped();
            return CompletableFuture.failedFuture(new TerminalLost("terminal " + terminal.terminalId() + " was never claimed here"));
        }
        final List<String> patterns = new ArrayList<>();
        for (final ChannelPattern p : terminal.subscriptions())
        {
            patterns.add(p.pattern());
        }
        final CompletableFuture<Void> written = writer.writeSubscriptions(slot, patterns);
        slot.lastSubscriptions = written;
        return written;
    }

    /**
     * Adds or removes a durable channel subscription; the future completes once the change is committed in the
     * terminal's newest epoch, which is when a SUBSCRIBE may be acknowledged (issue 15 item 2). Any thread; takes
     * the terminal's monitor briefly, does not block.
     *
     * @param terminal   the terminal (claimed by this node)
     * @param pattern    the channel pattern (protocol.md section 5.2)
     * @param subscribed true to subscribe, false to unsubscribe
     * @return true when the terminal's set changed; fails with {@link TerminalLost} when this node does not own the
     *     terminal or another node's claim came first, with a {@link TimeoutException} after the claim timeout, or
     *     with the producer's exception. An unchanged set waits for the last change of this node still in flight.
     */
    public CompletableFuture<Boolean> changeSubscriptionCommitted(final TerminalState terminal, final String pattern,
        final boolean subscribed)
    {
        final CompletableFuture<Void> written;
        final boolean changed;
        synchronized (terminal)
        {
            changed = subscribed ? terminal.subscribe(pattern) : terminal.unsubscribe(pattern);
            final TerminalSlot slot = slots.get(terminal.terminalId());
            final CompletableFuture<Void> last = slot == null ? null : slot.lastSubscriptions;
            if (changed || last == null || last.isCompletedExceptionally())
            {
                // a repeat after a failed write writes the set again, so a retried SUBSCRIBE can succeed
                written = writeSubscriptions(terminal);
            }
            else
            {
                written = last;
            }
        }
        return written.orTimeout(claimTimeout.toMillis(), TimeUnit.MILLISECONDS).thenApply(v -> changed);
    }

    /**
     * Writes the terminal's due cursor record now instead of at the next flush (a session ending: the next node
     * to claim it then finds the last acknowledgements). Any thread; does not block.
     *
     * @param terminal the terminal
     * @return completes when the cluster acknowledged the record (at once when none was due or this node does not
     *     own the terminal); fails with the producer's exception (the record is then due again)
     */
    public CompletableFuture<Void> flush(final TerminalState terminal)
    {
        final TerminalSlot slot = slots.get(terminal.terminalId());
        return slot == null ? CompletableFuture.completedFuture(null) : writer.flush(slot);
    }

    /**
     * A barrier for tests and tools: completes once this node's reader has read every record written to the topic
     * before the call. Any thread.
     *
     * @return the barrier
     */
    public CompletableFuture<Void> caughtUp()
    {
        return reader.caughtUp();
    }

    /** @return writes dropped because this node did not own the terminal (any thread) */
    public long fencedWrites()
    {
        return writer.fencedWrites();
    }

    /**
     * Where the cluster's terminals are: per router node id, the terminals whose newest claim (as this node's reader
     * has read it) is that node's — where each is connected now or was last connected. Any thread; a sorted copy.
     *
     * @return node id → terminal count; nodes with none are absent
     */
    public Map<String, Long> terminalsByNode()
    {
        return counts.byNode();
    }

    /** @return terminals whose newest claim is this node's (this node's id, any run of it); any thread */
    public long terminalsOwnedHere()
    {
        return counts.ownedBy(writer.node());
    }

    /**
     * @return this node's claims, since the store opened, of a terminal whose previous claim was another node's (it
     *     failed over or moved here); any thread
     */
    public long failovers()
    {
        return counts.failovers();
    }

    /** One pass of the reader, for tests without the thread. */
    void pollOnce()
    {
        reader.runOnce(Duration.ZERO);
    }

    /**
     * Writes the due cursor records, stops the reader and closes the clients; claims and subscription changes still
     * waiting fail. Any thread but the reader's; a second call does nothing.
     */
    @Override
    public void close()
    {
        if (closed.getAndSet(true))
        {
            return;
        }
        reader.stop();
        if (thread != null)
        {
            try
            {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        writer.flushDirty();
        writer.failWaiting(new IllegalStateException("the terminals store is closed"));
        producer.close(Duration.ofSeconds(5));
        reader.closeConsumer();
    }
}
