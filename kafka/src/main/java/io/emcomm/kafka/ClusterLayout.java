package io.emcomm.kafka;

import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * What a local cluster's data folder remembers between starts, in {@value #FILE}: the cluster id its nodes were
 * formatted with and each node's two ports. Starting again on the folder reuses all of it, so the data is
 * readable (a node refuses storage formatted for another cluster id) and the bootstrap address does not change.
 *
 * <p>Ports: from a base port P, node {@code i} (1-based) listens for clients and other brokers on
 * {@code P + i - 1} and for the controller quorum on {@code P + N + i - 1}; base port 0 takes free ports from the
 * operating system (for tests). Everything listens on 127.0.0.1 only.
 *
 * @param clusterId the KRaft cluster id (Kafka's base64 {@link Uuid} form)
 * @param nodes     the nodes, node ids 1..N in order
 */
public record ClusterLayout(String clusterId, List<Node> nodes)
{
    /** The layout file in the data folder. */
    public static final String FILE = "cluster.properties";

    /** The loopback address every node binds and advertises. */
    public static final String HOST = "127.0.0.1";

    /**
     * Copies the node list.
     *
     * @param clusterId the KRaft cluster id
     * @param nodes     the nodes, ids 1..N
     */
    public ClusterLayout
    {
        nodes = List.copyOf(nodes);
    }

    /**
     * One node of the cluster: a combined broker and KRaft controller.
     *
     * @param id             the node id (1..N), both its broker id and its voter id
     * @param brokerPort     the PLAINTEXT listener clients bootstrap from
     * @param controllerPort the CONTROLLER listener of the quorum
     */
    public record Node(int id, int brokerPort, int controllerPort)
    {
        /** @return "127.0.0.1:brokerPort" */
        public String brokerAddress()
        {
            return HOST + ":" + brokerPort;
        }
    }

    /**
     * A new layout with a fresh cluster id.
     *
     * @param brokers  the number of nodes (1 or 3 in practice; any positive number works)
     * @param basePort the first port, see the class comment; 0 for free ports
     * @return the layout; ports are not checked here (see {@link #checkPortsFree})
     */
    public static ClusterLayout create(final int brokers, final int basePort)
    {
        return new ClusterLayout(Uuid.randomUuid().toString(), ports(brokers, basePort));
    }

    /**
     * The same cluster id on other ports (a restart with another {@code --port}).
     *
     * @param basePort the first port; 0 for free ports
     * @return the moved layout
     */
    public ClusterLayout withBasePort(final int basePort)
    {
        return new ClusterLayout(clusterId, ports(nodes.size(), basePort));
    }

    /** @return the node with this id */
    public Node node(final int id)
    {
        if (id < 1 || id > nodes.size())
        {
            throw new IllegalArgumentException("no node " + id + " in a " + nodes.size() + "-node cluster");
        }
        return nodes.get(id - 1);
    }

    /** @return "127.0.0.1:P1,127.0.0.1:P2,..." for {@code bootstrap.servers} */
    public String bootstrapServers()
    {
        return nodes.stream().map(Node::brokerAddress).collect(Collectors.joining(","));
    }

    /** @return "1@127.0.0.1:C1,2@127.0.0.1:C2,..." for {@code controller.quorum.voters} (a static quorum) */
    public String quorumVoters()
    {
        return nodes.stream().map(n -> n.id() + "@" + HOST + ":" + n.controllerPort()).collect(Collectors.joining(","));
    }

    /**
     * Reads {@value #FILE} from a data folder.
     *
     * @param dir the data folder
     * @return the layout, or null when the folder has none (a new cluster)
     * @throws ClusterFailure when the file exists but cannot be read or is incomplete
     */
    public static ClusterLayout read(final Path dir)
    {
        final Path file = dir.resolve(FILE);
        if (!Files.exists(file))
        {
            return null;
        }
        final Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8))
        {
            p.load(in);
            final int brokers = Integer.parseInt(p.getProperty("brokers"));
            final List<Node> nodes = new ArrayList<>();
            for (int id = 1; id <= brokers; id++)
            {
                nodes.add(new Node(id, Integer.parseInt(p.getProperty("node." + id + ".broker.port")),
                    Integer.parseInt(p.getProperty("node." + id + ".controller.port"))));
            }
            final String clusterId = p.getProperty("cluster.id");
            if (clusterId == null || clusterId.isBlank())
            {
                throw new IllegalArgumentException("no cluster.id");
            }
            return new ClusterLayout(clusterId, nodes);
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new ClusterFailure("cannot read " + file + ": " + ex.getMessage() + " (remove the data folder to start a new cluster)", ex);
        }
    }

    /**
     * Writes {@value #FILE} into a data folder (atomically: a crash leaves the old file or the new one).
     *
     * @param dir the data folder, which exists
     */
    public void write(final Path dir)
    {
        final Properties p = new Properties();
        p.setProperty("cluster.id", clusterId);
        p.setProperty("brokers", Integer.toString(nodes.size()));
        for (final Node n : nodes)
        {
            p.setProperty("node." + n.id() + ".broker.port", Integer.toString(n.brokerPort()));
            p.setProperty("node." + n.id() + ".controller.port", Integer.toString(n.controllerPort()));
        }
        final Path tmp = dir.resolve(FILE + ".tmp");
        try
        {
            try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8))
            {
                p.store(out, "EmComm local Kafka cluster: its id and ports (emcomm kafka reuses them)");
            }
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException ex)
        {
            throw new ClusterFailure("cannot write " + dir.resolve(FILE) + ": " + ex, ex);
        }
    }

    /**
     * Checks that every port of the layout can be bound on 127.0.0.1 now.
     *
     * @throws ClusterFailure "port P is in use (broker of node 2); choose other ports with --port"
     */
    public void checkPortsFree()
    {
        for (final Node n : nodes)
        {
            checkFree(n.brokerPort(), "broker of node " + n.id());
            checkFree(n.controllerPort(), "controller of node " + n.id());
        }
    }

    /**
     * Checks one port.
     *
     * @param port the port
     * @param role what it is for, for the message
     * @throws ClusterFailure when it is in use
     */
    static void checkFree(final int port, final String role)
    {
        // a listener answers a connection whatever socket options it was bound with; a bind alone can succeed
        // beside a socket that allows address reuse
        try (Socket probe = new Socket())
        {
            probe.connect(new InetSocketAddress(InetAddress.getByName(HOST), port), 500);
            throw new ClusterFailure("port " + port + " is in use (" + role + "); choose other ports with --port");
        }
        catch (final IOException refused)
        {
            // nobody listens: now make sure it can be bound
        }
        try (ServerSocket s = new ServerSocket())
        {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
        }
        catch (final IOException ex)
        {
            throw new ClusterFailure("port " + port + " is in use (" + role + "); choose other ports with --port");
        }
    }

    private static List<Node> ports(final int brokers, final int basePort)
    {
        if (brokers < 1)
        {
            throw new IllegalArgumentException("brokers must be at least 1, was " + brokers);
        }
        if (basePort < 0 || basePort + 2 * brokers - 1 > 65535)
        {
            throw new IllegalArgumentException("base port " + basePort + " leaves no room for " + 2 * brokers + " ports");
        }
        final List<Node> nodes = new ArrayList<>(brokers);
        if (basePort > 0)
        {
            for (int id = 1; id <= brokers; id++)
            {
                nodes.add(new Node(id, basePort + id - 1, basePort + brokers + id - 1));
            }
            return nodes;
        }
        // all sockets held open together so the operating system hands out 2N different ports
        final List<ServerSocket> held = new ArrayList<>();
        try
        {
            for (int i = 0; i < 2 * brokers; i++)
            {
                final ServerSocket s = new ServerSocket();
                held.add(s);
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
            }
            for (int id = 1; id <= brokers; id++)
            {
                nodes.add(new Node(id, held.get(id - 1).getLocalPort(), held.get(brokers + id - 1).getLocalPort()));
            }
            return nodes;
        }
        catch (final IOException ex)
        {
            throw new ClusterFailure("cannot find free ports on " + HOST + ": " + ex, ex);
        }
        finally
        {
            for (final ServerSocket s : held)
            {
                try
                {
                    s.close();
                }
                catch (final IOException ignore)
                {
                    // a socket that was never bound
                }
            }
        }
    }
}
