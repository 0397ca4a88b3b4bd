package io.emcomm.kafka.node;

import io.emcomm.kafka.ClusterFailure;
import io.emcomm.kafka.JournalTopics;
import io.emcomm.kafka.TopicRefused;
import io.emcomm.kafka.journal.JournalApplier;
import io.emcomm.kafka.journal.JournalProducer;
import io.emcomm.kafka.journal.OffsetMirror;
import io.emcomm.kafka.terminals.KafkaCursorStoreConfig;
import io.emcomm.router.JournalBackend;
import io.emcomm.router.admin.ClusterStatus;
import io.emcomm.router.admin.ClusterTerminal;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.config.StartFailure;
import io.emcomm.router.journal.Journal;
import io.emcomm.router.journal.RetainedQueue;
import io.emcomm.router.sequence.OrderedLog;
import io.emcomm.router.sequence.Sequencer;
import io.emcomm.router.terminal.ClusterCursorStore;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * A router node's journal on the site's Kafka cluster (issue 15 Deliver 1; docs/cluster.md): at open, the journal
 * and terminals topics are created or checked ({@link JournalTopics}: a misconfigured topic refuses the start with
 * its message), the node's {@link OffsetMirror} is opened in the journal folder and its producers connect; at
 * {@link #startApplying}, the apply loop starts after the mirror's last offset (the router has rebuilt its dedupe
 * windows and latest positions from the mirror by then) and the call returns once the loop has applied up to the
 * log's end as it was at the call.
 *
 * <p>Control plane; the parts say their own threads.
 */
final class KafkaJournalBackend implements JournalBackend
{
    private static final Logger LOG = LoggerFactory.getLogger(KafkaJournalBackend.class);

    private final RouterConfig config;
    private final KafkaJournalProvider.Options options;
    private final LongSupplier clockMicros;
    private final OffsetMirror mirror;
    private final MirrorJournal journal;
    private final JournalProducer producer;
    private final KafkaLog log;
    /** Cursors, acks and subscriptions in the terminals topic; the router closes it (its cursor store). */
    private final NodeTerminals terminals;
    /** Where the producers' failures go: the sequencer, once {@link #startApplying} named it. */
    private volatile Sequencer sequencer;
    /** Set once by {@link #startApplying}; volatile as the status reads it from the operations and admin threads. */
    private volatile JournalApplier applier;

    KafkaJournalBackend(final RouterConfig config, final KafkaJournalProvider.Options options, final LongSupplier clockMicros)
    {
        this.config = config;
        this.options = options;
        this.clockMicros = clockMicros;
        final String bootstrap = config.journal().kafkaBootstrap();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap)))
        {
            final var created = options.topics().ensure(admin, options.startTimeout());
            if (!created.isEmpty())
            {
                LOG.info("created topics {} on {}", created, bootstrap);
            }
            // whoever made the topic (this node, `emcomm kafka`, an operator's kafka-topics.sh), an empty journal
            // gets its marker before the first publish can take offset 0
            if (endOffset(bootstrap) == 0)
            {
                reserveOffsetZero(bootstrap);
            }
        }
        catch (final TopicRefused ex)
        {
            throw new StartFailure("emcomm.kafka.bootstrap=" + bootstrap + ": " + ex.getMessage(), ex);
        }
        catch (final ClusterFailure | KafkaException ex)
        {
            throw new StartFailure("emcomm.kafka.bootstrap=" + bootstrap + ": the Kafka cluster: " + ex.getMessage(), ex);
        }
        mirror = new OffsetMirror(config.journalDir());
        JournalProducer p = null;
        try
        {
            p = new JournalProducer(options.producer().apply(JournalProducer.Settings.of(bootstrap,
                options.topics().journal(), config.routerId())), new JournalProducer.Completion()
                {
                    @Override
                    public void committed(final long token, final long offset)
                    {
                        // answered when this node's apply loop reaches the record
                    }

                    @Override
                    public void failed(final long token, final String detail)
                    {
                        final Sequencer s = sequencer;
                        if (s != null)
                        {
                            s.logFailed(token, detail);
                        }
                    }
                });
        }
        catch (final KafkaException ex)
        {
            mirror.close();
            throw new StartFailure("emcomm.kafka.bootstrap=" + bootstrap + ": cannot produce to "
                + options.topics().journal() + ": " + ex.getMessage(), ex);
        }
        producer = p;
        journal = new MirrorJournal(mirror);
        log = new KafkaLog(producer);
        try
        {
            terminals = NodeTerminals.open(options.terminals().apply(KafkaCursorStoreConfig.of(bootstrap, options.topics(),
                config.routerId())));
        }
        catch (final TopicRefused ex)
        {
            producer.close();
            mirror.close();
            throw new StartFailure("emcomm.kafka.bootstrap=" + bootstrap + ": " + ex.getMessage(), ex);
        }
        catch (final ClusterFailure | KafkaException ex)
        {
            producer.close();
            mirror.close();
            throw new StartFailure("emcomm.kafka.bootstrap=" + bootstrap + ": the terminals topic: " + ex.getMessage(), ex);
        }
    }

    /** {@inheritDoc} The terminals topic's store (issue 15 Deliver 2): any node serves any terminal. */
    @Override
    public ClusterCursorStore cursorStore()
    {
        return terminals;
    }

    /**
     * An empty journal topic gets a value-less marker at offset 0, which every node skips as malformed: offset 0 is
     * never a journal index (0 means "none" on the wire, {@link NodeApply#RESERVED_OFFSET}). Two nodes starting on
     * one empty topic at once may both write one; the second lands at offset 1 and is skipped the same way, a gap in
     * the index like a duplicate dropped at apply.
     */
    private void reserveOffsetZero(final String bootstrap)
    {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer()))
        {
            p.send(new ProducerRecord<>(options.topics().journal(), 0, null, null))
                .get(options.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            throw new StartFailure("emcomm.kafka.bootstrap=" + bootstrap + ": cannot write the first record of "
                + options.topics().journal() + ": " + ex, ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new StartFailure("interrupted while writing the first record of " + options.topics().journal(), ex);
        }
    }

    /** {@inheritDoc} The mirror: the router's retention settings apply to it (the topic has its own). */
    @Override
    public RetainedQueue retainedQueue()
    {
        return mirror;
    }

    @Override
    public Journal journal()
    {
        return journal;
    }

    @Override
    public OrderedLog log()
    {
        return log;
    }

    @Override
    public void startApplying(final Sequencer sequencer)
    {
        this.sequencer = sequencer;
        final String bootstrap = config.journal().kafkaBootstrap();
        final long from = mirror.lastOffset() + 1;
        final long end = endOffset(bootstrap);
        applier = new JournalApplier(JournalApplier.newConsumer(bootstrap, "emcomm-" + config.routerId() + "-apply", Map.of()),
            options.topics().journal(), from, new NodeApply(sequencer, journal, config.routerId(), () ->
            {
            }), clockMicros).start();
        final long deadline = System.nanoTime() + options.startTimeout().toNanos();
        while (applier.appliedOffset() < end - 1)
        {
            if (!applier.isRunning() || System.nanoTime() > deadline)
            {
                final Throwable failure = applier.failure();
                throw new StartFailure("emcomm.kafka.bootstrap=" + bootstrap + ": the journal apply loop did not catch up "
                    + "from offset " + from + " to " + end + " (at " + (applier.appliedOffset() + 1) + ")"
                    + (failure == null ? " within " + options.startTimeout().toSeconds() + " s" : ": " + failure), failure);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // start-up only: the loop reports no event to wait on
        }
        LOG.info("journal {} applied from offset {} to {}; taking publishes", options.topics().journal(), from, end);
    }

    /** The log's end offset now: what the node must have applied before it takes publishes. */
    private long endOffset(final String bootstrap)
    {
        final TopicPartition partition = new TopicPartition(options.topics().journal(), 0);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap)))
        {
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                .get(options.startTimeout().toMillis(), TimeUnit.MILLISECONDS).offset();
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            throw new StartFailure("emcomm.kafka.bootstrap=" + bootstrap + ": cannot read the end of "
                + options.topics().journal() + ": " + ex, ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new StartFailure("interrupted while reading the end of " + options.topics().journal(), ex);
        }
    }

    @Override
    public String describe()
    {
        return "kafka " + options.topics().journal() + " at " + config.journal().kafkaBootstrap() + ", mirror to offset "
            + mirror.lastOffset();
    }

    /**
     * {@inheritDoc} The apply loop's offsets, lag and produce-to-apply latency (values it keeps anyway), this
     * node's terminal claims, takeovers and failovers, and where the cluster's terminals are by node. Before the loop starts: nothing applied, lag 0.
     */
    @Override
    public ClusterStatus clusterStatus()
    {
        final JournalApplier a = applier;
        final String bootstrap = config.journal().kafkaBootstrap();
        if (a == null)
        {
            return new ClusterStatus("kafka", bootstrap, mirror.lastOffset(), mirror.lastOffset() + 1, 0, 0, 0,
                terminals.claims(), terminals.takeovers(), terminals.failovers(), terminals.terminalsHere(),
                terminals.terminalsByNode());
        }
        return new ClusterStatus("kafka", bootstrap, a.appliedOffset(), a.endOffset(), a.lag(), a.lastLatencyMicros(),
            a.maxLatencyMicros(), terminals.claims(), terminals.takeovers(), terminals.failovers(),
            terminals.terminalsHere(), terminals.terminalsByNode());
    }

    /** {@inheritDoc} From the terminals topic as this node's reader has read it (every node reads all of it). */
    @Override
    public ClusterTerminal clusterTerminal(final String terminalId)
    {
        return terminals.where(terminalId);
    }

    /** The apply loop (so far), for tests and status. */
    JournalApplier applier()
    {
        return applier;
    }

    @Override
    public void close()
    {
        terminals.close(); // the router closed it already (its cursor store) unless its start failed; a second close does nothing
        producer.close(); // records in flight still get their answers while the loop applies them
        if (applier != null)
        {
            applier.close();
        }
        mirror.close();
    }
}
