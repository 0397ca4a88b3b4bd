package io.emcomm.bench.sut;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.emcomm.bench.load.MessageListener;
import io.emcomm.bench.load.Payload;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code nats} (core pub/sub, stores nothing) and {@code jetstream} (a file-storage stream, asynchronous
 * publish with acknowledgements): nats-server started by the harness on a free loopback port, driven
 * through the jnats client.
 */
public final class NatsSystem implements SystemUnderTest
{
    static final String STREAM = "BENCH";
    /** Writes the CONNECT options of the idle connections (NATS protocol: {@code CONNECT {json}}). */
    private static final ObjectMapper JSON = new ObjectMapper();

    private final boolean jetStream;
    private final AtomicLong slowConsumerEvents = new AtomicLong();
    private ServerProcess server;
    private int port;
    private Path workDir;

    private NatsSystem(final boolean jetStream)
    {
        this.jetStream = jetStream;
    }

    public static NatsSystem core()
    {
        return new NatsSystem(false);
    }

    public static NatsSystem jetStream()
    {
        return new NatsSystem(true);
    }

    @Override
    public String name()
    {
        return jetStream ? "jetstream" : "nats";
    }

    @Override
    public Set<Capability> capabilities()
    {
        return jetStream ? EnumSet.of(Capability.PERSISTED, Capability.REPLAY, Capability.CLUSTER_PERSISTED)
            : EnumSet.of(Capability.PUB_SUB, Capability.IDLE_CONNECTIONS, Capability.CLUSTER_PUB_SUB);
    }

    @Override
    public void start(final Path workDir) throws Exception
    {
        final Path executable = Peers.require("nats-server");
        port = ServerProcess.freePort();
        final List<String> command = new ArrayList<>(List.of(executable.toString(), "-a", "127.0.0.1", "-p",
            Integer.toString(port)));
        if (jetStream)
        {
            command.addAll(List.of("-js", "-sd", workDir.resolve("jetstream").toAbsolutePath().toString()));
        }
        server = ServerProcess.start(name(), command, workDir, false);
        server.awaitPort(port, Duration.ofSeconds(20));
        if (jetStream)
        {
            try (Connection admin = Nats.connect(options("bench-admin")))
            {
                final JetStreamManagement management = admin.jetStreamManagement();
                management.addStream(stream(1));
            }
        }
        this.workDir = workDir;
    }

    /** The stream every JetStream publish lands in: file storage, {@code replicas} copies (1 alone, 3 in a cluster). */
    static StreamConfiguration stream(final int replicas)
    {
        return StreamConfiguration.builder()
            .name(STREAM)
            .subjects("bench.>", "term.>", "up.>")
            .storageType(StorageType.File)
            .replicas(replicas)
            .build();
    }

    /**
     * Three clustered nats-servers beside this one (which idles meanwhile): with JetStream and an R3 file stream for
     * {@code jetstream}, core only for {@code nats}; stores under {@code jetstream/} so they are discarded.
     */
    @Override
    public Cluster cluster(final String label) throws Exception
    {
        if (workDir == null)
        {
            throw new IllegalStateException("start the system first");
        }
        return NatsCluster.start(label, jetStream, workDir.resolve(label), workDir.resolve("jetstream").resolve(label));
    }

    Options options(final String connectionName)
    {
        return options(port, connectionName, slowConsumerEvents);
    }

    /**
     * Options of every harness connection to the server at {@code port}: no reconnect (a lost server fails the trial),
     * slow-consumer events (the client dropping messages) counted in {@code slowConsumers}.
     */
    static Options options(final int port, final String connectionName, final AtomicLong slowConsumers)
    {
        return new Options.Builder()
            .server("nats://127.0.0.1:" + port)
            .connectionName(connectionName)
            .noReconnect()
            .errorListener(new ErrorListener()
            {
                @Override
                public void slowConsumerDetected(final Connection conn, final io.nats.client.Consumer consumer)
                {
                    slowConsumers.incrementAndGet();
                }
            })
            .build();
    }

    static String subject(final Destination to)
    {
        return switch (to.kind())
        {
            case CHANNEL -> "bench." + to.name();
            case TERMINAL -> "term." + to.name();
            case UP -> "up." + String.join(".", Destination.regionLevels(to.name()));
        };
    }

    @Override
    public BenchClient connect(final ClientSpec spec) throws Exception
    {
        final Connection connection = Nats.connect(options(spec.id()));
        final NatsClient client = new NatsClient(connection, spec, jetStream ? connection.jetStream() : null);
        if (spec.inbox())
        {
            client.listen(subject(Destination.terminal(spec.id())));
        }
        if (spec.commandPost())
        {
            client.listen("up." + String.join(".", Destination.regionLevels(spec.region())) + ".>");
        }
        return client;
    }

    @Override
    public long replayAll(final String publisherId, final Destination publishedTo, final long expected,
        final Duration timeout) throws Exception
    {
        try (Connection connection = Nats.connect(options("bench-replay")))
        {
            final JetStream js = connection.jetStream();
            final JetStreamSubscription subscription = js.subscribe(subject(publishedTo),
                PushSubscribeOptions.builder().stream(STREAM).ordered(true).build());
            long count = 0;
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (count < expected && System.nanoTime() - deadline < 0)
            {
                final Message message = subscription.nextMessage(Duration.ofSeconds(5));
                if (message == null)
                {
                    break;
                }
                count++;
            }
            subscription.unsubscribe();
            return count;
        }
    }

    @Override
    public IdleConnections openIdle(final IdleConnections.Plan plan, final String idPrefix) throws Exception
    {
        final byte[] connect = ("CONNECT " + JSON.createObjectNode().put("verbose", false).put("pedantic", false)
            + "\r\nPING\r\n").getBytes(StandardCharsets.US_ASCII);
        return IdleConnections.open(port, plan, new IdleConnections.Handshake()
        {
            @Override
            public ByteBuf hello(final ByteBufAllocator alloc, final int index)
            {
                return alloc.ioBuffer(connect.length).writeBytes(connect);
            }

            @Override
            public boolean complete(final ByteBuf received)
            {
                final String text = received.toString(StandardCharsets.US_ASCII);
                if (text.contains("-ERR"))
                {
                    throw new IllegalStateException("nats-server refused a connection: " + text.trim());
                }
                return text.contains("PONG");
            }
        });
    }

    @Override
    public Footprint footprint()
    {
        return new Footprint(server.rssBytes(), -1);
    }

    @Override
    public List<String> storageFolders()
    {
        return List.of("jetstream");
    }

    @Override
    public void close()
    {
        if (slowConsumerEvents.get() > 0)
        {
            // jnats drops messages for a subscriber that falls behind: those trials show them as lost.
            System.err.println(name() + ": " + slowConsumerEvents.get() + " slow-consumer events (client dropped messages)");
        }
        if (server != null)
        {
            server.close();
            server = null;
        }
    }

    /** One jnats connection; deliveries arrive on its dispatcher thread. */
    static final class NatsClient implements BenchClient
    {
        private final Connection connection;
        private final ClientSpec spec;
        private final JetStream jetStream;
        private final AtomicInteger inFlight = new AtomicInteger();
        private Dispatcher dispatcher;
        private Destination lastDestination;
        private String lastSubject;

        NatsClient(final Connection connection, final ClientSpec spec, final JetStream jetStream)
        {
            this.connection = connection;
            this.spec = spec;
            this.jetStream = jetStream;
        }

        void listen(final String subject) throws Exception
        {
            if (dispatcher == null)
            {
                final MessageListener listener = spec.listener();
                dispatcher = connection.createDispatcher(message ->
                {
                    final byte[] data = message.getData();
                    listener.onMessage(Payload.stamp(data, 0), Payload.isFlash(data, 0));
                });
            }
            dispatcher.subscribe(subject);
            connection.flush(FramedConnection.HANDSHAKE_TIMEOUT);
        }

        @Override
        public void subscribe(final String channel) throws Exception
        {
            listen(subject(Destination.channel(channel)));
        }

        @Override
        public boolean publish(final Destination to, final long stampNanos, final boolean flash)
        {
            if (to != lastDestination)
            {
                lastSubject = subject(to);
                lastDestination = to;
            }
            // A fresh array each time: the client may still hold the previous one in its outgoing queue.
            final byte[] data = Payload.newArray(stampNanos, flash);
            if (jetStream == null)
            {
                connection.publish(lastSubject, data);
                return true;
            }
            if (inFlight.get() >= spec.maxInFlight())
            {
                return false;
            }
            inFlight.incrementAndGet();
            final MessageListener acks = spec.ackListener();
            jetStream.publishAsync(lastSubject, data).whenComplete((ack, failure) ->
            {
                inFlight.decrementAndGet();
                if (failure == null)
                {
                    acks.onMessage(stampNanos, flash);
                }
            });
            return true;
        }

        @Override
        public void flush()
        {
            // jnats's writer thread flushes by itself; an explicit flush would be a round trip to the server.
        }

        @Override
        public void close()
        {
            try
            {
                connection.close();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
