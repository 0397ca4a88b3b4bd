package io.emcomm.kafka.terminals;

import io.emcomm.kafka.JournalTopics;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link KafkaCursorStore} reaches the cluster and paces its writes. Immutable; any thread.
 *
 * @param bootstrap      Kafka's {@code bootstrap.servers}, for example {@code 127.0.0.1:9092}
 * @param topics         the site's topics; the store uses {@link JournalTopics#terminals()}
 * @param nodeId         this router node's id ({@code emcomm.router.id}), written in its claims and told to the
 *                       node that loses a terminal
 * @param flushInterval  cursor and out-of-order ack records are written at most once per terminal per interval
 *                       (a record lost in a crash means redelivery of that interval's messages, never loss)
 * @param claimTimeout   how long a claim or a subscription change may wait for its record to be read back before
 *                       its future fails with a {@link java.util.concurrent.TimeoutException}
 * @param startTimeout   how long opening may take: checking the topic and reading it to its end
 * @param clientSettings extra producer and consumer settings (security, for example); these win over the store's
 */
public record KafkaCursorStoreConfig(String bootstrap, JournalTopics topics, String nodeId, Duration flushInterval,
    Duration claimTimeout, Duration startTimeout, Map<String, Object> clientSettings)
{
    /** The default flush interval: 50 ms. */
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(50);
    /** The default claim timeout: 10 s. */
    public static final Duration DEFAULT_CLAIM_TIMEOUT = Duration.ofSeconds(10);
    /** The default start timeout: 60 s. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

    /** Checks the values and copies the map. */
    public KafkaCursorStoreConfig
    {
        Objects.requireNonNull(bootstrap, "bootstrap");
        Objects.requireNonNull(topics, "topics");
        if (nodeId == null || nodeId.isEmpty())
        {
            throw new IllegalArgumentException("a node id is needed: it names the claimant of a terminal");
        }
        if (flushInterval.isNegative() || flushInterval.isZero() || claimTimeout.isNegative() || claimTimeout.isZero()
            || startTimeout.isNegative() || startTimeout.isZero())
        {
            throw new IllegalArgumentException("intervals and timeouts must be positive");
        }
        clientSettings = Map.copyOf(clientSettings);
    }

    /**
     * The defaults for a node.
     *
     * @param bootstrap the cluster's bootstrap servers
     * @param topics    the site's topics
     * @param nodeId    this node's id
     * @return the settings
     */
    public static KafkaCursorStoreConfig of(final String bootstrap, final JournalTopics topics, final String nodeId)
    {
        return new KafkaCursorStoreConfig(bootstrap, topics, nodeId, DEFAULT_FLUSH_INTERVAL, DEFAULT_CLAIM_TIMEOUT,
            DEFAULT_START_TIMEOUT, Map.of());
    }

    /**
     * @param interval the flush interval
     * @return these settings with another flush interval
     */
    public KafkaCursorStoreConfig withFlushInterval(final Duration interval)
    {
        return new KafkaCursorStoreConfig(bootstrap, topics, nodeId, interval, claimTimeout, startTimeout, clientSettings);
    }

    /**
     * @param timeout the claim timeout
     * @return these settings with another claim timeout
     */
    public KafkaCursorStoreConfig withClaimTimeout(final Duration timeout)
    {
        return new KafkaCursorStoreConfig(bootstrap, topics, nodeId, flushInterval, timeout, startTimeout, clientSettings);
    }
}
