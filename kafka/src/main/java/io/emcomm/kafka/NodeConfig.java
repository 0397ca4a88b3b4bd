package io.emcomm.kafka;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Writes one node's files into {@code DIR/node-N/}: {@value #PROPERTIES} (what {@code kafka.Kafka} and the storage
 * formatter read), {@value #LOGBACK} (its logging, into {@code logs/server.log}), and makes {@code data/} (the
 * log directory: topic partitions and the KRaft metadata log) and {@code logs/}.
 *
 * <p>Every node is a combined broker and controller (for tests and development, not production: there the
 * controllers run apart) with a static quorum of all nodes on 127.0.0.1. The settings are sized for a 2-core
 * machine that also runs routers and tests: one network, I/O, replica-fetcher, cleaner and background thread each,
 * a 8 MiB cleaner buffer (the compacted terminals topic is small), no automatic topic creation (a misspelled
 * topic must fail, not appear with default settings), and internal topics replicated like the journal. A
 * failed broker is fenced after {@value #SESSION_TIMEOUT_MS} ms without a heartbeat, when a new partition
 * leader is elected.
 */
public final class NodeConfig
{
    /** The node's Kafka configuration file. */
    public static final String PROPERTIES = "node.properties";

    /** The node's logging configuration (logback, the launcher's logging backend). */
    public static final String LOGBACK = "logback.xml";

    /** Broker session timeout: how long a killed broker stays the partition leader at most. */
    static final int SESSION_TIMEOUT_MS = 6000;

    private NodeConfig()
    {
    }

    /** @return the folder of node {@code id} in the data folder */
    public static Path nodeDir(final Path dir, final int id)
    {
        return dir.resolve("node-" + id);
    }

    /** @return the Kafka log directory of node {@code id} (its partitions and metadata log) */
    public static Path dataDir(final Path dir, final int id)
    {
        return nodeDir(dir, id).resolve("data");
    }

    /** @return the folder of node {@code id}'s log files */
    public static Path logsDir(final Path dir, final int id)
    {
        return nodeDir(dir, id).resolve("logs");
    }

    /**
     * The Kafka settings of one node.
     *
     * @param dir    the cluster's data folder
     * @param layout the cluster's ids and ports
     * @param id     the node
     * @return the settings, in a stable order
     */
    public static Map<String, String> settings(final Path dir, final ClusterLayout layout, final int id)
    {
        final ClusterLayout.Node node = layout.node(id);
        final int n = layout.nodes().size();
        final String replicas = Integer.toString(Math.min(3, n));
        final String minIsr = Integer.toString(n >= 3 ? 2 : 1);
        final Map<String, String> s = new LinkedHashMap<>();
        s.put("process.roles", "broker,controller");
        s.put("node.id", Integer.toString(id));
        s.put("controller.quorum.voters", layout.quorumVoters());
        s.put("listeners", "PLAINTEXT://" + ClusterLayout.HOST + ":" + node.brokerPort()
            + ",CONTROLLER://" + ClusterLayout.HOST + ":" + node.controllerPort());
        s.put("advertised.listeners", "PLAINTEXT://" + node.brokerAddress());
        s.put("controller.listener.names", "CONTROLLER");
        s.put("inter.broker.listener.name", "PLAINTEXT");
        s.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        s.put("log.dirs", dataDir(dir, id).toAbsolutePath().toString());
        // durability: what docs/cluster.md explains; the journal topic sets its own too (JournalTopics)
        s.put("auto.create.topics.enable", "false");
        s.put("unclean.leader.election.enable", "false");
        s.put("default.replication.factor", replicas);
        s.put("min.insync.replicas", minIsr);
        s.put("offsets.topic.replication.factor", replicas);
        s.put("offsets.topic.num.partitions", "1");
        s.put("transaction.state.log.replication.factor", replicas);
        s.put("transaction.state.log.min.isr", minIsr);
        s.put("transaction.state.log.num.partitions", "1");
        s.put("share.coordinator.state.topic.replication.factor", replicas);
        s.put("share.coordinator.state.topic.min.isr", minIsr);
        s.put("group.initial.rebalance.delay.ms", "0");
        // a small machine: few threads, a small cleaner
        s.put("num.network.threads", "1");
        s.put("num.io.threads", "2");
        s.put("num.replica.fetchers", "1");
        s.put("num.recovery.threads.per.data.dir", "1");
        s.put("background.threads", "2");
        s.put("log.cleaner.threads", "1");
        s.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 << 20));
        s.put("log.cleaner.io.buffer.size", Integer.toString(256 << 10));
        // failover within seconds rather than the default 9 s session
        s.put("broker.heartbeat.interval.ms", "1000");
        s.put("broker.session.timeout.ms", Integer.toString(SESSION_TIMEOUT_MS));
        return s;
    }

    /**
     * Writes the node's files and makes its folders.
     *
     * @param dir    the cluster's data folder
     * @param layout the cluster's ids and ports
     * @param id     the node
     * @return the node's properties file
     * @throws ClusterFailure when a file cannot be written
     */
    public static Path write(final Path dir, final ClusterLayout layout, final int id)
    {
        final Path nodeDir = nodeDir(dir, id);
        final Path file = nodeDir.resolve(PROPERTIES);
        try
        {
            Files.createDirectories(dataDir(dir, id));
            Files.createDirectories(logsDir(dir, id));
            final Properties p = new Properties();
            settings(dir, layout, id).forEach(p::setProperty);
            try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8))
            {
                p.store(out, "node " + id + " of EmComm's local Kafka cluster " + layout.clusterId()
                    + " (written at every start by emcomm; edits are overwritten)");
            }
            Files.writeString(nodeDir.resolve(LOGBACK), logback(logsDir(dir, id)), StandardCharsets.UTF_8);
            return file;
        }
        catch (final IOException ex)
        {
            throw new ClusterFailure("cannot write " + file + ": " + ex, ex);
        }
    }

    /** Kafka's INFO log in logs/server.log, rolled at 10 MiB, three files kept; the request log stays off. */
    private static String logback(final Path logs)
    {
        final String base = logs.toAbsolutePath().toString().replace("&", "&amp;").replace("<", "&lt;");
        return """
            <configuration>
              <appender name="FILE" class="ch.qos.logback.core.rolling.RollingFileAppender">
                <file>%1$s/server.log</file>
                <rollingPolicy class="ch.qos.logback.core.rolling.FixedWindowRollingPolicy">
                  <fileNamePattern>%1$s/server.%%i.log</fileNamePattern>
                  <minIndex>1</minIndex>
                  <maxIndex>3</maxIndex>
                </rollingPolicy>
                <triggeringPolicy class="ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy">
                  <maxFileSize>10MB</maxFileSize>
                </triggeringPolicy>
                <encoder><pattern>[%%d{ISO8601}] %%-5level [%%thread] %%logger{36} - %%msg%%n</pattern></encoder>
              </appender>
              <logger name="kafka.request.logger" level="WARN"/>
              <logger name="org.apache.kafka.clients.NetworkClient" level="WARN"/>
              <root level="INFO"><appender-ref ref="FILE"/></root>
            </configuration>
            """.formatted(base);
    }
}
