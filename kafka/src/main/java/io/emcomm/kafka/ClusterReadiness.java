package io.emcomm.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;

/**
 * Waits on a cluster through Kafka's Admin API: until {@code describeCluster} lists the expected brokers (they
 * are registered with the controller, unfenced, and serve metadata), or until a topic's partition 0 has a leader
 * that satisfies a condition. Polls every {@value #POLL_MS} ms with bounded Admin calls, within a deadline; a
 * broker process that ends meanwhile fails the wait at once with the tail of its log.
 */
public final class ClusterReadiness
{
    /** Pause between two polls; the Admin calls themselves wait for connections. */
    static final long POLL_MS = 200;

    private ClusterReadiness()
    {
    }

    /**
     * Settings of a short-lived Admin client for waits: short request and API timeouts so one poll cannot use
     * the whole deadline.
     *
     * @param bootstrap the bootstrap servers
     * @return the client settings
     */
    public static Map<String, Object> adminSettings(final String bootstrap)
    {
        final Map<String, Object> p = new HashMap<>();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "emcomm-readiness");
        return p;
    }

    /**
     * Waits until {@code describeCluster} lists exactly the brokers {@code ids}.
     *
     * @param admin     the client
     * @param ids       the broker ids expected
     * @param processes the broker processes to watch (may be empty for an in-JVM cluster)
     * @param timeout   the deadline
     * @throws ClusterFailure at the deadline (naming the brokers seen), or when a process ends
     */
    public static void awaitBrokers(final Admin admin, final Set<Integer> ids, final Collection<BrokerProcess> processes,
        final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        Set<Integer> seen = Set.of();
        String lastError = "";
        while (true)
        {
            checkAlive(processes);
            try
            {
                final Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000)).nodes()
                    .get(5, TimeUnit.SECONDS);
                seen = nodes.stream().map(Node::id).collect(Collectors.toSet());
                if (seen.equals(ids))
                {
                    return;
                }
            }
            catch (final ExecutionException | TimeoutException ex)
            {
                lastError = "; last error: " + (ex.getCause() == null ? ex : ex.getCause());
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new ClusterFailure("interrupted while waiting for brokers " + ids);
            }
            if (System.nanoTime() > deadline)
            {
                throw new ClusterFailure("the brokers " + ids + " were not all ready after " + timeout.toSeconds()
                    + " s (ready: " + seen + lastError + "); see the logs in each node-N/logs");
            }
            pause();
        }
    }

    /**
     * Waits until partition 0 of {@code topic} has a leader accepted by {@code accept}.
     *
     * @param admin   the client
     * @param topic   the topic
     * @param accept  which leader ids will do (for example "not the killed one")
     * @param timeout the deadline
     * @return the leader's id
     * @throws ClusterFailure at the deadline, naming the last leader seen (-1: none)
     */
    public static int awaitLeader(final Admin admin, final String topic, final IntPredicate accept, final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        int leader = -1;
        while (true)
        {
            leader = leaderOf(admin, topic);
            if (leader >= 0 && accept.test(leader))
            {
                return leader;
            }
            if (System.nanoTime() > deadline)
            {
                throw new ClusterFailure("topic " + topic + " has no acceptable leader after " + timeout.toSeconds()
                    + " s (leader: " + leader + ")");
            }
            pause();
        }
    }

    /**
     * The current leader of partition 0 of {@code topic}, as the metadata says now.
     *
     * @param admin the client
     * @param topic the topic
     * @return the leader's broker id, or -1 when it has none or cannot be asked
     */
    public static int leaderOf(final Admin admin, final String topic)
    {
        try
        {
            final TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS).get(topic);
            final TopicPartitionInfo p0 = d.partitions().get(0);
            return p0.leader() == null || p0.leader().isEmpty() ? -1 : p0.leader().id();
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            return -1;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void checkAlive(final Collection<BrokerProcess> processes)
    {
        for (final BrokerProcess p : processes)
        {
            if (!p.isAlive())
            {
                throw new ClusterFailure("the broker of node " + p.nodeId() + " ended (exit " + p.exitValue()
                    + ") while starting:\n" + p.tailOfLogs(20));
            }
        }
    }

    private static void pause()
    {
        try
        {
            // a poll interval against an outside system, not synchronisation within this program
            TimeUnit.MILLISECONDS.sleep(POLL_MS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new ClusterFailure("interrupted while waiting for the cluster");
        }
    }
}
