package io.emcomm.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A KRaft Kafka cluster of N broker processes on this machine, run from the Maven artifacts this program was
 * built with: no download, no Docker (issue 15). Each node is a combined broker and controller
 * ({@link NodeConfig}) in {@code DIR/node-N}, formatted by Kafka's storage tool ({@link StorageFormatter}) and run
 * as a child JVM ({@link BrokerProcess}) on this JVM's class path ({@link KafkaClasspath}). {@link #start} returns
 * once an Admin client sees all N brokers ({@link ClusterReadiness}).
 *
 * <p>The data folder is claimed for as long as the cluster runs ({@link ClusterFolderLock}); starting again on
 * it reuses its cluster id, its data and, unless other ports are asked for, its ports ({@link ClusterLayout}).
 * For failure tests: {@link #kill} one broker with SIGKILL, {@link #restart} it on the same data and ports,
 * {@link #leaderOf} a topic. {@link #close} stops every broker (SIGTERM, then SIGKILL after a grace period) and
 * lets the folder go. Thread-safe: the methods that change processes are synchronized.
 */
public final class LocalKafkaCluster implements AutoCloseable
{
    /** The first port when none is given and the folder has none: brokers 19092.., controllers after them. */
    public static final int DEFAULT_BASE_PORT = 19092;

    /** {@link ClusterSettings#basePort} that reuses the folder's ports, or takes {@link #DEFAULT_BASE_PORT} for a new folder. */
    public static final int REUSE_PORTS = -1;

    private static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private final ClusterSettings settings;
    private final Path dir;
    private final ClusterLayout layout;
    private final ClusterFolderLock lock;
    private final String classpath;
    private final Map<Integer, BrokerProcess> processes = new TreeMap<>();
    /** Processes ended on purpose (kill, stop, close): their exit is not news. */
    private final Set<BrokerProcess> ending = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private boolean closed;

    private LocalKafkaCluster(final ClusterSettings settings, final Path dir, final ClusterLayout layout,
        final ClusterFolderLock lock, final String classpath)
    {
        this.settings = settings;
        this.dir = dir;
        this.layout = layout;
        this.lock = lock;
        this.classpath = classpath;
    }

    /**
     * Starts the cluster and waits until every broker is ready.
     *
     * @param settings how
     * @return the running cluster; close it to stop the brokers
     * @throws ClusterFailure the folder is in use, a port is in use, the folder holds a cluster of another size,
     *                        the class path has no Kafka, formatting failed, or a broker did not become ready
     *                        (nothing keeps running then)
     */
    public static LocalKafkaCluster start(final ClusterSettings settings)
    {
        final Path dir = settings.dir().toAbsolutePath().normalize();
        final String classpath = KafkaClasspath.currentAsArgument();
        final ClusterFolderLock lock = ClusterFolderLock.claim(dir);
        LocalKafkaCluster cluster = null;
        try
        {
            final ClusterLayout layout = layout(dir, settings);
            layout.checkPortsFree();
            layout.write(dir);
            cluster = new LocalKafkaCluster(settings, dir, layout, lock, classpath);
            cluster.startAll();
            return cluster;
        }
        catch (final RuntimeException ex)
        {
            if (cluster != null)
            {
                cluster.close();
            }
            else
            {
                lock.close();
            }
            throw ex;
        }
    }

    private static ClusterLayout layout(final Path dir, final ClusterSettings settings)
    {
        final ClusterLayout existing = ClusterLayout.read(dir);
        if (existing == null)
        {
            return ClusterLayout.create(settings.brokers(),
                settings.basePort() == REUSE_PORTS ? DEFAULT_BASE_PORT : settings.basePort());
        }
        if (existing.nodes().size() != settings.brokers())
        {
            throw new ClusterFailure("data folder " + dir + " holds a " + existing.nodes().size() + "-broker cluster; start it with "
                + "--brokers " + existing.nodes().size() + " or use another folder");
        }
        if (settings.basePort() == REUSE_PORTS || settings.basePort() == existing.nodes().get(0).brokerPort())
        {
            return existing;
        }
        return existing.withBasePort(settings.basePort());
    }

    private synchronized void startAll()
    {
        final int n = layout.nodes().size();
        final List<Path> files = new ArrayList<>();
        for (final ClusterLayout.Node node : layout.nodes())
        {
            files.add(NodeConfig.write(dir, layout, node.id()));
        }
        for (final ClusterLayout.Node node : layout.nodes())
        {
            if (!StorageFormatter.isFormatted(dir, node.id()))
            {
                settings.progress().accept("formatting node " + node.id() + "/" + n);
                StorageFormatter.format(files.get(node.id() - 1), layout.clusterId());
            }
        }
        for (final ClusterLayout.Node node : layout.nodes())
        {
            settings.progress().accept("starting node " + node.id() + "/" + n + " (broker " + node.brokerAddress() + ")");
            launch(node.id());
        }
        settings.progress().accept("waiting for " + n + (n == 1 ? " broker" : " brokers"));
        awaitBrokers(allIds());
    }

    /** Starts a node's process; an exit nobody asked for is reported as a progress line, naming the log to read. */
    private void launch(final int node)
    {
        final BrokerProcess p = BrokerProcess.start(node, NodeConfig.nodeDir(dir, node), classpath, jvmOptions());
        processes.put(node, p);
        p.onExit(() ->
        {
            if (!ending.remove(p))
            {
                settings.progress().accept("the broker of node " + node + " ended (exit " + p.exitValue() + "); see "
                    + NodeConfig.logsDir(dir, node).resolve("server.log"));
            }
        });
    }

    private List<String> jvmOptions()
    {
        final List<String> opts = new ArrayList<>();
        opts.add("-Xmx" + settings.heapMb() + "m");
        opts.add("-Xms64m");
        // one small heap per broker on a shared 2-core machine: no GC worker threads, short pauses at this size
        opts.add("-XX:+UseSerialGC");
        opts.add("-XX:+ExitOnOutOfMemoryError");
        opts.add("-Djava.awt.headless=true");
        opts.addAll(settings.jvmOptions());
        return opts;
    }

    private Set<Integer> allIds()
    {
        return layout.nodes().stream().map(ClusterLayout.Node::id).collect(Collectors.toSet());
    }

    private void awaitBrokers(final Set<Integer> ids)
    {
        try (Admin admin = Admin.create(ClusterReadiness.adminSettings(bootstrapServers())))
        {
            ClusterReadiness.awaitBrokers(admin, ids, runningProcesses(), settings.readyTimeout());
        }
    }

    private Collection<BrokerProcess> runningProcesses()
    {
        return new ArrayList<>(processes.values());
    }

    /** @return "127.0.0.1:P1,127.0.0.1:P2,..." for {@code bootstrap.servers} */
    public String bootstrapServers()
    {
        return layout.bootstrapServers();
    }

    /** @return the cluster's id and ports */
    public ClusterLayout layout()
    {
        return layout;
    }

    /** @return the data folder, absolute */
    public Path dir()
    {
        return dir;
    }

    /** @return the number of nodes */
    public int size()
    {
        return layout.nodes().size();
    }

    /**
     * Client settings for this cluster ({@code bootstrap.servers}), to add to.
     *
     * @return a new mutable map
     */
    public Map<String, Object> clientSettings()
    {
        final Map<String, Object> p = new HashMap<>();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return p;
    }

    /**
     * A new Admin client with short timeouts ({@link ClusterReadiness#adminSettings}); the caller closes it.
     *
     * @return the client
     */
    public Admin admin()
    {
        return Admin.create(ClusterReadiness.adminSettings(bootstrapServers()));
    }

    /**
     * The process id of a node's broker.
     *
     * @param node the node id
     * @return the pid, or -1 when it is not running
     */
    public synchronized long pid(final int node)
    {
        final BrokerProcess p = processes.get(node);
        return p == null || !p.isAlive() ? -1 : p.pid();
    }

    /**
     * Whether a node's broker process is running.
     *
     * @param node the node id
     * @return true when running
     */
    public synchronized boolean isRunning(final int node)
    {
        final BrokerProcess p = processes.get(node);
        return p != null && p.isAlive();
    }

    /**
     * Kills a node's broker with SIGKILL and returns once the process is gone (the cluster has not necessarily
     * noticed yet: see {@link #awaitLeader}).
     *
     * @param node the node id
     */
    public synchronized void kill(final int node)
    {
        layout.node(node);
        final BrokerProcess p = processes.get(node);
        if (p != null && p.isAlive())
        {
            ending.add(p);
            p.kill();
        }
    }

    /**
     * Stops a node's broker in order (SIGTERM; SIGKILL after 20 s).
     *
     * @param node the node id
     */
    public synchronized void stop(final int node)
    {
        layout.node(node);
        final BrokerProcess p = processes.get(node);
        if (p != null && p.isAlive())
        {
            ending.add(p);
            p.stop(STOP_GRACE);
        }
    }

    /**
     * Starts a node's broker again, on the same data and ports, and waits until the cluster lists it.
     *
     * @param node the node id, whose broker is not running
     * @throws ClusterFailure when it is running, or does not become ready
     */
    public synchronized void restart(final int node)
    {
        if (closed)
        {
            throw new IllegalStateException("the cluster is closed");
        }
        layout.node(node);
        if (isRunning(node))
        {
            throw new ClusterFailure("the broker of node " + node + " is running (pid " + pid(node) + ")");
        }
        final Path file = NodeConfig.write(dir, layout, node);
        if (!StorageFormatter.isFormatted(dir, node))
        {
            // its folder was removed while it was down: it comes back empty and copies from the others
            StorageFormatter.format(file, layout.clusterId());
        }
        launch(node);
        final Set<Integer> running = processes.entrySet().stream().filter(e -> e.getValue().isAlive())
            .map(Map.Entry::getKey).collect(Collectors.toSet());
        running.add(node);
        awaitBrokers(running);
    }

    /**
     * The current leader of partition 0 of a topic.
     *
     * @param topic the topic
     * @return the leader's node id, or -1 when it has none
     */
    public int leaderOf(final String topic)
    {
        try (Admin admin = admin())
        {
            return ClusterReadiness.leaderOf(admin, topic);
        }
    }

    /**
     * Waits until partition 0 of a topic is led by a node other than {@code formerLeader} (after killing it, the
     * controller fences it within the broker session timeout, about 6 s, and elects an in-sync replica).
     *
     * @param topic        the topic
     * @param formerLeader the node that must not lead; -1 for any leader
     * @param timeout      the deadline
     * @return the new leader's node id
     * @throws ClusterFailure at the deadline
     */
    public int awaitLeader(final String topic, final int formerLeader, final Duration timeout)
    {
        try (Admin admin = admin())
        {
            return ClusterReadiness.awaitLeader(admin, topic, id -> id != formerLeader, timeout);
        }
    }

    /**
     * Stops every broker (SIGTERM to all, SIGKILL to any still running after 20 s) and lets the data folder go.
     * A second call does nothing.
     */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            // all at once: stopped one by one, the last ones wait for a quorum that has already left
            ending.addAll(processes.values());
            for (final BrokerProcess p : processes.values())
            {
                p.signalStop();
            }
            for (final BrokerProcess p : processes.values())
            {
                if (!p.waitFor(STOP_GRACE))
                {
                    p.kill();
                }
            }
        }
        finally
        {
            processes.clear();
            lock.close();
        }
    }
}
