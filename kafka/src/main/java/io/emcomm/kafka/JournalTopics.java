package io.emcomm.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The two topics of an EmComm site's Kafka cluster (issue 15, docs/cluster.md), created when missing and
 * checked when present:
 * <ul>
 *   <li>{@code <prefix>journal}: every accepted envelope, in the site's one total order. One partition (its
 *       offset is the journal index), replication factor min(3, brokers), {@code min.insync.replicas=2} on three
 *       or more brokers (with producers' {@code acks=all}: a record is acknowledged once two brokers hold it),
 *       {@code unclean.leader.election.enable=false} (an out-of-sync replica never becomes leader and truncates
 *       acknowledged records), {@code cleanup.policy=delete} capped by {@code retention.bytes} and not by time
 *       ({@code retention.ms=-1}: an unreachable terminal's backlog does not expire on a clock).</li>
 *   <li>{@code <prefix>terminals}: each terminal's cursor, out-of-order acks and subscriptions, keyed by
 *       terminal: {@code cleanup.policy=compact} (the latest value per key is kept for ever, unlike consumer-group
 *       offsets, which expire), with the same replication settings.</li>
 * </ul>
 * A topic that exists with a setting that breaks one of these guarantees is refused ({@link TopicRefused}) and
 * never altered. The prefix ({@value #DEFAULT_PREFIX} by default) lets several sites or tests share a cluster.
 *
 * @param prefix                 the topic names' prefix, for example "emcomm." or "test-42."
 * @param journalRetentionBytes  the journal's size cap per replica ({@code retention.bytes}), in bytes
 */
public record JournalTopics(String prefix, long journalRetentionBytes)
{
    /** The default prefix: topics {@code emcomm.journal} and {@code emcomm.terminals}. */
    public static final String DEFAULT_PREFIX = "emcomm.";

    /** The default journal size cap per replica: 1 GiB. */
    public static final long DEFAULT_RETENTION_BYTES = 1L << 30;

    /** The terminals topic's segment size: small, so that compaction (which skips the active segment) runs often. */
    static final int TERMINALS_SEGMENT_BYTES = 16 << 20;

    /**
     * Checks the values.
     *
     * @param prefix                the names' prefix
     * @param journalRetentionBytes the journal's size cap
     */
    public JournalTopics
    {
        if (prefix == null || !prefix.matches("[a-zA-Z0-9._-]*"))
        {
            throw new IllegalArgumentException("a topic prefix is letters, digits, '.', '_' and '-'; was " + prefix);
        }
        if (journalRetentionBytes < (1 << 20))
        {
            throw new IllegalArgumentException("the journal's retention.bytes must be at least 1 MiB, was " + journalRetentionBytes);
        }
    }

    /** @return topics {@code emcomm.journal} and {@code emcomm.terminals}, journal capped at 1 GiB */
    public static JournalTopics defaults()
    {
        return new JournalTopics(DEFAULT_PREFIX, DEFAULT_RETENTION_BYTES);
    }

    /**
     * Topics with another prefix, the default size cap.
     *
     * @param prefix the names' prefix
     * @return the topics
     */
    public static JournalTopics withPrefix(final String prefix)
    {
        return new JournalTopics(prefix, DEFAULT_RETENTION_BYTES);
    }

    /** @return the journal topic's name */
    public String journal()
    {
        return prefix + "journal";
    }

    /** @return the terminals topic's name */
    public String terminals()
    {
        return prefix + "terminals";
    }

    /**
     * Creates the topics that are missing, then checks both. Idempotent, and safe when several nodes do it at
     * once (a topic created by another between the check and the creation is simply checked).
     *
     * @param admin   a client of the cluster
     * @param timeout the deadline for the whole call
     * @return the names of the topics this call created (empty when both existed)
     * @throws TopicRefused when a topic exists with a wrong setting
     * @throws ClusterFailure when the cluster cannot be asked or refuses the creation (for example too few brokers)
     */
    public List<String> ensure(final Admin admin, final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        final int brokers = brokers(admin, deadline);
        final List<String> existing = existing(admin, deadline);
        final List<NewTopic> missing = new ArrayList<>();
        final short replicas = (short) Math.min(3, brokers);
        final String minIsr = Integer.toString(brokers >= 3 ? 2 : 1);
        if (!existing.contains(journal()))
        {
            missing.add(new NewTopic(journal(), 1, replicas).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_BYTES_CONFIG, Long.toString(journalRetentionBytes),
                TopicConfig.RETENTION_MS_CONFIG, "-1",
                TopicConfig.SEGMENT_BYTES_CONFIG, Long.toString(journalSegmentBytes()),
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minIsr,
                TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "false")));
        }
        if (!existing.contains(terminals()))
        {
            missing.add(new NewTopic(terminals(), 1, replicas).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(TERMINALS_SEGMENT_BYTES),
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minIsr,
                TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "false")));
        }
        final List<String> created = new ArrayList<>();
        if (!missing.isEmpty())
        {
            final Map<String, KafkaFuture<Void>> results = admin.createTopics(missing).values();
            for (final NewTopic topic : missing)
            {
                final String name = topic.name();
                try
                {
                    results.get(name).get(remaining(deadline), TimeUnit.NANOSECONDS);
                    created.add(name);
                }
                catch (final ExecutionException ex)
                {
                    if (!(ex.getCause() instanceof TopicExistsException))
                    {
                        throw new ClusterFailure("cannot create topic " + name + ": " + ex.getCause().getMessage(), ex.getCause());
                    }
                    // another node created it meanwhile: checked below like any existing topic
                }
                catch (final TimeoutException ex)
                {
                    throw new ClusterFailure("cannot create topic " + name + ": no answer within " + timeout.toSeconds() + " s", ex);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    throw new ClusterFailure("interrupted while creating topic " + name, ex);
                }
            }
        }
        check(admin, brokers, deadline, List.of(journal(), terminals()));
        return created;
    }

    /**
     * Checks both topics without creating anything.
     *
     * @param admin   a client of the cluster
     * @param timeout the deadline
     * @throws TopicRefused when a topic is missing or has a wrong setting
     * @throws ClusterFailure when the cluster cannot be asked
     */
    public void check(final Admin admin, final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        check(admin, brokers(admin, deadline), deadline, List.of());
    }

    /** {@code known}: topics known to exist, waited for while a new topic's metadata reaches every broker. */
    private void check(final Admin admin, final int brokers, final long deadline, final List<String> known)
    {
        final List<String> problems = new ArrayList<>();
        for (final String topic : List.of(journal(), terminals()))
        {
            final TopicDescription d = describe(admin, topic, deadline, known.contains(topic));
            if (d == null)
            {
                problems.add("topic " + topic + " does not exist; it is created when missing by emcomm kafka and by a router's start");
                continue;
            }
            final Config config = config(admin, topic, deadline);
            problems.addAll(topic.equals(journal()) ? journalProblems(d, config, brokers) : terminalsProblems(d, config, brokers));
        }
        if (!problems.isEmpty())
        {
            throw new TopicRefused(problems);
        }
    }

    private List<String> journalProblems(final TopicDescription d, final Config config, final int brokers)
    {
        final List<String> p = new ArrayList<>();
        final String topic = d.name();
        if (d.partitions().size() != 1)
        {
            p.add("topic " + topic + " has " + d.partitions().size() + " partitions; it must have 1 (one partition is the journal's"
                + " one total order: its offset is the journal index)");
        }
        final String policy = value(config, TopicConfig.CLEANUP_POLICY_CONFIG);
        if (policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT))
        {
            p.add("topic " + topic + " has cleanup.policy=" + policy + "; it must be delete (compaction would drop journal records"
                + " and leave gaps in the journal index)");
        }
        p.addAll(durabilityProblems(d, config, brokers));
        return p;
    }

    private List<String> terminalsProblems(final TopicDescription d, final Config config, final int brokers)
    {
        final List<String> p = new ArrayList<>();
        final String policy = value(config, TopicConfig.CLEANUP_POLICY_CONFIG);
        if (!policy.equals(TopicConfig.CLEANUP_POLICY_COMPACT))
        {
            p.add("topic " + d.name() + " has cleanup.policy=" + policy + "; it must be compact (terminal state would be deleted"
                + " after retention.ms)");
        }
        p.addAll(durabilityProblems(d, config, brokers));
        return p;
    }

    /** What acks=all needs to mean "committed": both topics. */
    private static List<String> durabilityProblems(final TopicDescription d, final Config config, final int brokers)
    {
        final List<String> p = new ArrayList<>();
        final String topic = d.name();
        final int replicas = d.partitions().isEmpty() ? 0 : d.partitions().get(0).replicas().size();
        final int wantReplicas = Math.min(3, brokers);
        if (replicas < wantReplicas)
        {
            p.add("topic " + topic + " has replication factor " + replicas + "; it must be at least " + wantReplicas + " on a cluster of "
                + brokers + " brokers (a broker lost would lose the records only it holds)");
        }
        if (value(config, TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG).equals("true"))
        {
            p.add("topic " + topic + " has unclean.leader.election.enable=true; it must be false (an out-of-sync replica made leader"
                + " drops records already acknowledged)");
        }
        final int minIsr = Integer.parseInt(value(config, TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG));
        if ((brokers >= 3 || replicas >= 3) && minIsr < 2)
        {
            p.add("topic " + topic + " has min.insync.replicas=" + minIsr + "; it must be at least 2 on a cluster of "
                + Math.max(brokers, replicas) + " brokers (acks=all would acknowledge a record only one broker holds)");
        }
        return p;
    }

    private long journalSegmentBytes()
    {
        // retention deletes whole segments: eight of them under the cap, 1 MiB to 1 GiB each
        return Math.max(1L << 20, Math.min(1L << 30, journalRetentionBytes / 8));
    }

    private static String value(final Config config, final String name)
    {
        final ConfigEntry e = config.get(name);
        return e == null || e.value() == null ? "" : e.value();
    }

    private static int brokers(final Admin admin, final long deadline)
    {
        return call(() -> admin.describeCluster().nodes().get(remaining(deadline), TimeUnit.NANOSECONDS).size(), "describe the cluster");
    }

    private static List<String> existing(final Admin admin, final long deadline)
    {
        return call(() -> new ArrayList<>(admin.listTopics().names().get(remaining(deadline), TimeUnit.NANOSECONDS)), "list topics");
    }

    /**
     * The topic's description, or null when it does not exist. A topic known to exist (just created, or listed)
     * may be unknown for a moment to the broker asked: retried then until the deadline.
     */
    private static TopicDescription describe(final Admin admin, final String topic, final long deadline, final boolean known)
    {
        return call(() ->
        {
            while (true)
            {
                try
                {
                    return admin.describeTopics(List.of(topic)).allTopicNames().get(remaining(deadline), TimeUnit.NANOSECONDS).get(topic);
                }
                catch (final ExecutionException ex)
                {
                    if (!(ex.getCause() instanceof UnknownTopicOrPartitionException))
                    {
                        throw ex;
                    }
                    if (!known || System.nanoTime() > deadline)
                    {
                        return null;
                    }
                    // a poll interval against the cluster's metadata propagation
                    TimeUnit.MILLISECONDS.sleep(100);
                }
            }
        }, "describe topic " + topic);
    }

    private static Config config(final Admin admin, final String topic, final long deadline)
    {
        final ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return call(() ->
        {
            while (true)
            {
                try
                {
                    return admin.describeConfigs(List.of(r)).all().get(remaining(deadline), TimeUnit.NANOSECONDS).get(r);
                }
                catch (final ExecutionException ex)
                {
                    // the topic was described, so it exists: a broker the new topic's metadata has not reached yet
                    // answers unknown topic for a moment after its creation
                    if (!(ex.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
                        || System.nanoTime() > deadline)
                    {
                        throw ex;
                    }
                    TimeUnit.MILLISECONDS.sleep(100); // a poll interval against the cluster's metadata propagation
                }
            }
        }, "read the settings of topic " + topic);
    }

    private static long remaining(final long deadline)
    {
        return Math.max(1, deadline - System.nanoTime());
    }

    private interface AdminCall<T>
    {
        T call() throws ExecutionException, TimeoutException, InterruptedException;
    }

    private static <T> T call(final AdminCall<T> c, final String what)
    {
        try
        {
            return c.call();
        }
        catch (final ExecutionException ex)
        {
            throw new ClusterFailure("cannot " + what + ": " + ex.getCause().getMessage(), ex.getCause());
        }
        catch (final TimeoutException ex)
        {
            throw new ClusterFailure("cannot " + what + ": the cluster did not answer in time", ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new ClusterFailure("interrupted while trying to " + what, ex);
        }
    }
}
