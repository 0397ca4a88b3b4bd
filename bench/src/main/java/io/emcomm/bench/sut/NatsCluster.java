package io.emcomm.bench.sut;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.StreamInfo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The NATS peer of {@link EmcommCluster}: {@value #SERVERS} nats-servers clustered over routes on loopback (each with
 * its client port, cluster port and monitoring port, all free ports), as the NATS documentation sets up a cluster. With
 * JetStream ({@code jetstream}) each server has its own store and the stream is created with replicas 3 (file
 * storage): a publish is acknowledged once the stream's Raft group has it on a quorum (2 of 3), the peer of Kafka's
 * acks=all with min.insync.replicas=2. Without ({@code nats}) it is core NATS: a publish on one server reaches a
 * subscriber on another over the route, stored nowhere. Defaults otherwise; nothing tuned for the benchmark.
 */
final class NatsCluster implements Cluster
{
    static final int SERVERS = 3;
    private static final Duration READY = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final boolean jetStream;
    private final List<ServerProcess> servers = new ArrayList<>();
    private final int[] clientPorts = new int[SERVERS];
    private final AtomicLong slowConsumerEvents = new AtomicLong();
    private final String label;

    private NatsCluster(final String label, final boolean jetStream)
    {
        this.label = label;
        this.jetStream = jetStream;
    }

    /**
     * Writes each server's configuration, starts the servers, waits until every one has routes to the other two and,
     * with JetStream, until the R3 stream is created (the cluster's meta leader is elected first) and has a leader.
     *
     * @param label    names the servers ({@code <label>-n<i>}, their configs and logs) and the cluster.
     * @param workDir  configs and logs.
     * @param storeDir JetStream stores, {@code storeDir/n<i>}.
     * @throws IOException when a server does not start or the cluster does not form within 60 s (all are stopped).
     * @throws SystemUnderTest.Unavailable when nats-server is not installed (and may not be).
     */
    static NatsCluster start(final String label, final boolean jetStream, final Path workDir, final Path storeDir)
        throws Exception
    {
        final Path executable = Peers.require("nats-server");
        final NatsCluster cluster = new NatsCluster(label, jetStream);
        try
        {
            final int[] routePorts = new int[SERVERS];
            final int[] monitorPorts = new int[SERVERS];
            for (int i = 0; i < SERVERS; i++)
            {
                cluster.clientPorts[i] = ServerProcess.freePort();
                routePorts[i] = ServerProcess.freePort();
                monitorPorts[i] = ServerProcess.freePort();
            }
            Files.createDirectories(workDir);
            for (int i = 0; i < SERVERS; i++)
            {
                final String name = label + "-n" + (i + 1);
                final Path config = workDir.resolve(name + ".conf");
                Files.writeString(config, config(name, label, cluster.clientPorts[i], monitorPorts[i], routePorts, i,
                    jetStream ? storeDir.resolve("n" + (i + 1)).toAbsolutePath() : null));
                cluster.servers.add(ServerProcess.start(name, List.of(executable.toString(), "-c",
                    config.toAbsolutePath().toString()), workDir, false));
            }
            for (int i = 0; i < SERVERS; i++)
            {
                cluster.servers.get(i).awaitPort(cluster.clientPorts[i], Duration.ofSeconds(20));
            }
            for (int i = 0; i < SERVERS; i++)
            {
                awaitRoutes(monitorPorts[i], SERVERS - 1);
            }
            if (jetStream)
            {
                cluster.createStream();
            }
            return cluster;
        }
        catch (final Exception ex)
        {
            cluster.close();
            throw ex;
        }
    }

    /** One server's configuration file (nats-server's own format). */
    static String config(final String name, final String clusterName, final int clientPort, final int monitorPort,
        final int[] routePorts, final int self, final Path store)
    {
        final StringBuilder routes = new StringBuilder();
        for (int j = 0; j < routePorts.length; j++)
        {
            if (j != self)
            {
                routes.append(routes.isEmpty() ? "" : ", ").append("\"nats-route://127.0.0.1:").append(routePorts[j]).append('"');
            }
        }
        return "server_name: \"" + name + "\"\n"
            + "listen: \"127.0.0.1:" + clientPort + "\"\n"
            + "http: \"127.0.0.1:" + monitorPort + "\"\n"
            + (store == null ? "" : "jetstream {\n  store_dir: \"" + store + "\"\n}\n")
            + "cluster {\n"
            + "  name: \"" + clusterName + "\"\n"
            + "  listen: \"127.0.0.1:" + routePorts[self] + "\"\n"
            + "  routes: [" + routes + "]\n"
            + "}\n";
    }

    /** Polls the server's /routez until it has {@code expected} routes (start-up only, off every measured path). */
    private static void awaitRoutes(final int monitorPort, final int expected) throws IOException
    {
        final long deadline = System.nanoTime() + READY.toNanos();
        final HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + monitorPort + "/routez"))
            .timeout(Duration.ofSeconds(2)).build();
        final HttpClient http = HttpClient.newHttpClient();
        int routes = -1;
        while (System.nanoTime() - deadline < 0)
        {
            try
            {
                final JsonNode body = JSON.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
                routes = body.path("num_routes").asInt(-1);
                if (routes >= expected)
                {
                    return;
                }
            }
            catch (final IOException notYet)
            {
                // the monitoring port is not up yet
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for the NATS routes", ex);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        throw new IOException("nats-server (monitor port " + monitorPort + ") had " + routes + " routes, not "
            + expected + ", after " + READY);
    }

    /**
     * Creates the R3 stream through server 1, retrying while JetStream answers that it has no meta leader yet, and
     * waits until the stream has a leader and two current replicas.
     */
    private void createStream() throws Exception
    {
        final long deadline = System.nanoTime() + READY.toNanos();
        try (Connection admin = Nats.connect(NatsSystem.options(clientPorts[0], "bench-admin", slowConsumerEvents)))
        {
            final JetStreamManagement management = admin.jetStreamManagement();
            Exception last = null;
            while (System.nanoTime() - deadline < 0)
            {
                try
                {
                    StreamInfo info;
                    try
                    {
                        info = management.getStreamInfo(NatsSystem.STREAM);
                    }
                    catch (final JetStreamApiException missing)
                    {
                        info = management.addStream(NatsSystem.stream(SERVERS));
                    }
                    final var clusterInfo = info.getClusterInfo();
                    if (clusterInfo != null && clusterInfo.getLeader() != null && clusterInfo.getReplicas() != null
                        && clusterInfo.getReplicas().stream().filter(r -> r.isCurrent()).count() == SERVERS - 1)
                    {
                        return;
                    }
                }
                catch (final JetStreamApiException | IOException notYet)
                {
                    // "JetStream system temporarily unavailable" until the meta leader is elected
                    last = notYet;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
            }
            throw new IOException("the R3 stream was not ready on the NATS cluster within " + READY
                + (last == null ? "" : ": " + last));
        }
    }

    @Override
    public int nodes()
    {
        return SERVERS;
    }

    @Override
    public BenchClient connect(final int node, final ClientSpec spec) throws Exception
    {
        final Connection connection = Nats.connect(NatsSystem.options(clientPorts[node], spec.id(), slowConsumerEvents));
        final NatsSystem.NatsClient client = new NatsSystem.NatsClient(connection, spec, jetStream ? connection.jetStream() : null);
        if (spec.inbox())
        {
            client.listen(NatsSystem.subject(Destination.terminal(spec.id())));
        }
        return client;
    }

    @Override
    public String describe()
    {
        return SERVERS + " clustered nats-servers" + (jetStream ? " with JetStream, stream " + NatsSystem.STREAM
            + " file storage replicas 3" : ", core NATS");
    }

    @Override
    public void close()
    {
        if (slowConsumerEvents.get() > 0)
        {
            System.err.println(label + ": " + slowConsumerEvents.get() + " slow-consumer events (client dropped messages)");
        }
        for (int i = servers.size() - 1; i >= 0; i--)
        {
            servers.get(i).close();
        }
        servers.clear();
    }

    /** Process ids of the servers now running (for the test that closing leaves nothing behind). */
    List<Long> pids()
    {
        return servers.stream().map(ServerProcess::pid).toList();
    }
}
