package io.emcomm.kafka.terminals;

import io.emcomm.kafka.ClusterFailure;
import io.emcomm.kafka.JournalTopics;
import io.emcomm.router.terminal.AckWindow;
import io.emcomm.router.terminal.CursorStore;
import io.emcomm.router.terminal.TerminalState;
import io.emcomm.protocol.address.ChannelPattern;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
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
    private final TerminalLostListener listener;
    private final Duration claimTimeout;
    private final ConcurrentHashMap<String, TerminalSlot> slots = new ConcurrentHashMap<>();
    private final Collection<TerminalState> states;
    private final Thread thread;

    /**
     * A store over the given clients. Tests pass Kafka's {@code MockProducer} and {@code MockConsumer} with
     * {@code startThread} false and drive the reader with {@link #pollOnce()} on a manual {@code nanoClock}.
     */
    KafkaCursorStore(final Producer<String, byte[]> producer, final Consumer<String, byte[]> consumer, final String topic,
        final String nodeId, final long instance, final KafkaCursorStoreConfig timing, final TerminalLostListener listener,
        final LongSupplier nanoClock, final boolean startThread)
    {
        this.producer = producer;
        this.listener = listener;
        this.claimTimeout = timing.claimTimeout();
        this.writer = new TerminalWriter(producer, topic, nodeId, instance);
        this.reader = new TerminalsReader(consumer, topic, new ViewEvents(), writer, nanoClock, timing.flushInterval());
        this.states = new StateCollection(slots.values());
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
        final Map<String, Object> common = new HashMap<>();
        common.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        common.putAll(config.clientSettings());
        try (Admin admin = Admin.create(common))
        {
            config.topics().check(admin, config.startTimeout());
        }
        final Map<String, Object> p = new HashMap<>(common);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "emcomm-terminals-" + config.nodeId());
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(1000, config.claimTimeout().toMillis()));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(500, config.claimTimeout().toMillis() / 2));
        // a send blocks its caller (an event loop, under the terminal's monitor for a subscription) while metadata is
        // missing or the buffer is full: bounded, and the metadata is fetched at open below
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) Math.min(1000, config.claimTimeout().toMillis()));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.putAll(config.clientSettings());
        final Map<String, Object> c = new HashMap<>(common);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // a position below the log's start (records deleted) resumes at the start, never silently at the end
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "emcomm-terminals-reader-" + config.nodeId());
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.putAll(config.clientSettings());
        final KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p);
        KafkaConsumer<String, byte[]> consumer = null;
        KafkaCursorStore store = null;
        try
        {
            consumer = new KafkaConsumer<>(c);
            fetchMetadata(producer, config);
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

    /** The topic's metadata now, so that a claim's send does not wait for it on an event loop. */
    private static void fetchMetadata(final Producer<String, byte[]> producer, final KafkaCursorStoreConfig config)
    {
        final long deadline = System.nanoTime() + config.startTimeout().toNanos();
        while (true)
        {
            try
            {
                producer.partitionsFor(config.topics().terminals());
                return;
            }
            catch (final org.apache.kafka.common.errors.TimeoutException ex)
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

    /**
     * Claims the terminal for this node (a login accepted here): writes a claim and, once the reader reads it back,
     * takes over the newest state any epoch left, resets this node's {@link TerminalState} of the terminal to it,
     * and completes. From then on this node's writes for the terminal go into the claim's epoch, until another
     * node's newer claim is read (the listener is told). Any thread; does not block. The router's login path waits
     * on it off the event loop and then starts the session on the state.
     *
     * @param terminalId    the terminal
     * @param initialCursor the cursor of a terminal the cluster never saw (the journal's end at login)
     * @return the terminal's state on this node; fails with a {@link TimeoutException} after the claim timeout, or
     *     with the producer's exception when the claim could not be written
     */
    public CompletableFuture<TerminalState> claim(final String terminalId, final long initialCursor)
    {
        return writer.claim(slot(terminalId, initialCursor), initialCursor).orTimeout(claimTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** This node's state object of the terminal (without claiming: writes for it are dropped until a claim). */
    @Override
    public TerminalState terminal(final String terminalId, final long initialCursor)
    {
        return slot(terminalId, initialCursor).state;
    }

    private TerminalSlot slot(final String terminalId, final long initialCursor)
    {
        final TerminalSlot known = slots.get(terminalId);
        return known != null ? known : slots.computeIfAbsent(terminalId,
            id -> new TerminalSlot(id, partition(id), CursorStore.newState(id, initialCursor)));
    }

    private int partition(final String terminalId)
    {
        return Utils.toPositive(Utils.murmur2(terminalId.getBytes(StandardCharsets.UTF_8))) % reader.partitionCount();
    }

    /** Every terminal this node knows: read from the topic or asked for here. Any thread; a live view. */
    @Override
    public Collection<TerminalState> terminals()
    {
        return states;
    }

    /** Whether the terminal is known (read from the topic or asked for here). Any thread; does not block or allocate. */
    @Override
    public boolean contains(final String terminalId)
    {
        return slots.containsKey(terminalId);
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

    /** One pass of the reader, for tests without the thread. */
    void pollOnce()
    {
        reader.runOnce(Duration.ZERO);
    }

    /**
     * Writes the due cursor records, stops the reader and closes the clients; claims and subscription changes still
     * waiting fail. Any thread but the reader's.
     */
    @Override
    public void close()
    {
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

    /** What the view's changes mean for this node. Reader thread. */
    private final class ViewEvents implements TerminalsView.Events
    {
        @Override
        public void claimed(final TerminalHistory history, final ClaimRecord claim, final ClaimRecord previous,
            final TerminalSnapshot takeover)
        {
            final TerminalSlot slot = slot(history.terminalId(), takeover.cursor().cursor());
            slot.snapshot = history.snapshot();
            if (claim.madeBy(writer.node(), writer.instance()))
            {
                synchronized (slot)
                {
                    slot.epoch = takeover.epoch();
                    slot.cursor = takeover.cursor().cursor();
                    slot.acks.set(takeover.cursor().acks());
                    slot.dirty = false;
                }
                slot.everOwned = true;
                reset(slot.state, takeover);
                writer.copy(slot, takeover);
                writer.delete(slot.partition, history.olderKeys());
                final CompletableFuture<TerminalState> waiting = writer.claimRead(claim.nonce());
                if (waiting != null)
                {
                    waiting.complete(slot.state);
                }
                return;
            }
            final boolean lost;
            synchronized (slot)
            {
                lost = slot.epoch != TerminalSlot.NONE;
                slot.epoch = TerminalSlot.NONE;
                slot.dirty = false;
            }
            if (!slot.everOwned)
            {
                slot.state.cursor(takeover.cursor().cursor());
            }
            if (lost)
            {
                LOG.info("terminal {} taken over by node {} (epoch {})", slot.terminalId, claim.node(), takeover.epoch());
                try
                {
                    listener.terminalLost(slot.terminalId, claim.node(), takeover.epoch());
                }
                catch (final RuntimeException ex)
                {
                    LOG.warn("terminal-lost listener failed for {}", slot.terminalId, ex);
                }
            }
        }

        @Override
        public void current(final TerminalHistory history, final TerminalKey key, final Object value)
        {
            final TerminalSlot slot = slot(history.terminalId(), -1);
            slot.snapshot = history.snapshot();
            if (value instanceof SubscriptionsRecord s && s.instance() == writer.instance())
            {
                writer.subscriptionsRead(s.nonce(), true, slot.terminalId);
            }
            else if (value instanceof CursorRecord c && !slot.everOwned)
            {
                slot.state.cursor(c.cursor());
            }
        }

        @Override
        public void fenced(final TerminalHistory history, final TerminalKey key, final Object value)
        {
            final TerminalSlot slot = slot(history.terminalId(), -1);
            if (value instanceof SubscriptionsRecord s && s.instance() == writer.instance())
            {
                writer.subscriptionsRead(s.nonce(), false, slot.terminalId);
            }
            if (history.claim() != null && history.claim().madeBy(writer.node(), writer.instance()))
            {
                // a zombie's write after this node's claim: garbage in a key nobody reads again
                writer.delete(slot.partition, List.of(key));
            }
        }
    }

    /** Makes this node's state object of the terminal the taken-over state. Reader thread. */
    private static void reset(final TerminalState state, final TerminalSnapshot takeover)
    {
        synchronized (state)
        {
            final AckWindow window = state.ackWindow();
            window.forgetSent();
            while (window.popDoneUpTo(Long.MAX_VALUE))
            {
                // empty the ledger: what an earlier session of this node acknowledged is in the takeover if it was written
            }
            state.cursor(takeover.cursor().cursor());
            for (final long ack : takeover.cursor().acks())
            {
                CursorStore.restoreAck(state, ack);
            }
            for (final ChannelPattern p : state.subscriptions())
            {
                if (!takeover.subscriptions().contains(p.pattern()))
                {
                    state.unsubscribe(p.pattern());
                }
            }
            for (final String p : takeover.subscriptions())
            {
                state.subscribe(p);
            }
        }
    }

    /** The slots' states as a collection, without copying. */
    private static final class StateCollection extends java.util.AbstractCollection<TerminalState>
    {
        private final Collection<TerminalSlot> slots;

        StateCollection(final Collection<TerminalSlot> slots)
        {
            this.slots = slots;
        }

        @Override
        public java.util.Iterator<TerminalState> iterator()
        {
            final java.util.Iterator<TerminalSlot> it = slots.iterator();
            return new java.util.Iterator<>()
            {
                @Override
                public boolean hasNext()
                {
                    return it.hasNext();
                }

                @Override
                public TerminalState next()
                {
                    return it.next().state;
                }
            };
        }

        @Override
        public int size()
        {
            return slots.size();
        }
    }
}
