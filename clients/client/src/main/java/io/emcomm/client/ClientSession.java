package io.emcomm.client;

import io.emcomm.protocol.address.Address;
import io.emcomm.protocol.address.AddressException;
import io.emcomm.protocol.address.ChannelPattern;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.ReplayRequest;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The implementation of {@link EmcommClient} (Aeron's {@code Aeron} to its conductor): builds one terminal's parts
 * and checks the caller's arguments, then leaves the work to them. The {@link ClientConductor} owns the session's
 * state, the {@link ConnectionSupervisor} connects and reconnects, the {@link DeliveryDispatch} hands deliveries to
 * the {@link Dispatcher}'s thread, each connection's {@link RouterProxy} encodes what is sent and its
 * {@link ClientHandler} decodes what arrives. Time is the injected {@link ClientClock}'s.
 *
 * <p>Threads: every method is thread-safe (see {@link EmcommClient}); the parts run on the shared network thread
 * ({@link SharedEventLoop}) and the client's dispatch thread.
 */
final class ClientSession implements EmcommClient
{
    private static final long MIN_SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MAX_SWEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ClientOptions options;
    private final EventLoopGroup group;
    /**
     * This session's network thread, chosen once: every connection and timer of the session runs on it, and the
     * sessions of a process take the shared threads in turn (a timer scheduled on the group would also take a turn,
     * and could leave two busy sessions on one thread).
     */
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final ClientConductor conductor;
    private final DeliveryDispatch deliveries;
    private final ConnectionSupervisor supervisor;
    private final long sweepNanos;

    private ClientSession(final ClientOptions options, final ClientClock clock)
    {
        this.options = options;
        final long requestTimeoutNanos = options.requestTimeout().toNanos();
        this.sweepNanos = Math.max(MIN_SWEEP_NANOS, Math.min(MAX_SWEEP_NANOS, requestTimeoutNanos / 10));
        this.group = SharedEventLoop.acquire();
        this.loop = group.next();
        final Dispatcher dispatcher = new Dispatcher(options.terminalId());
        final ReplayBook replays = new ReplayBook();
        this.deliveries = new DeliveryDispatch(options, dispatcher, replays);
        this.conductor = new ClientConductor(options, clock, this::schedule, replays, deliveries);
        this.supervisor = new ConnectionSupervisor(options, conductor, dispatcher, options.reconnectPolicy().backoff(),
            this::schedule, this::dial, () -> SharedEventLoop.release(group));
        this.bootstrap = new Bootstrap()
            .group(loop)
            .channel(SharedEventLoop.channelClass())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()))
            .handler(new ClientChannelInitializer(options, clock, conductor, deliveries, supervisor));
    }

    /** {@link EmcommClient#connect}: on the system clock. */
    static ClientSession connect(final ClientOptions options)
    {
        return connect(options, ClientClock.SYSTEM);
    }

    /** Connects with time read from {@code clock} (deadlines, backoff delays, stamps). */
    static ClientSession connect(final ClientOptions options, final ClientClock clock)
    {
        final ClientSession session = new ClientSession(options, clock);
        // Each router may take the connect timeout to fail (an address that drops SYNs), then one more for a WELCOME.
        session.supervisor.connect(options.connectTimeout().multipliedBy(options.routers().size() + 1L));
        if (options.requestTimeout().toNanos() > 0)
        {
            session.schedule(session::sweep, session.sweepNanos);
        }
        return session;
    }

    /**
     * Opens a connection to {@code router} (looked up now when unresolved); the handler takes it from channelActive, a
     * failure goes to the supervisor. The bootstrap's copy carries the router to the channel's pipeline.
     */
    private void dial(final InetSocketAddress router)
    {
        final ChannelFuture connect;
        try
        {
            connect = bootstrap.clone().attr(ClientChannelInitializer.ROUTER, router).connect(router);
        }
        catch (final RejectedExecutionException ex)
        {
            return; // the event loop is shutting down with the client
        }
        connect.addListener((ChannelFuture f) ->
        {
            if (!f.isSuccess())
            {
                supervisor.onDialFailed(router, f.cause());
            }
        });
    }

    private void schedule(final Runnable task, final long delayNanos)
    {
        try
        {
            loop.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        }
        catch (final RejectedExecutionException ignore)
        {
            // the shared event loop stops only after the last client has closed, this one included
        }
    }

    /** Fails publishes older than the request timeout, every tenth of it (10 ms to 1 s); stops with the session. */
    private void sweep()
    {
        if (!conductor.isClosed())
        {
            conductor.expirePublishes();
            schedule(this::sweep, sweepNanos);
        }
    }

    @Override
    public InetSocketAddress connectedRouter()
    {
        return conductor.connectedRouter();
    }

    /** The live connection or null; for tests that need to break it at a chosen moment. */
    Channel currentChannel()
    {
        return conductor.currentChannel();
    }

    @Override
    public String terminalId()
    {
        return options.terminalId();
    }

    @Override
    public ConnectionState state()
    {
        return conductor.state();
    }

    @Override
    public CompletableFuture<PublishResult> publish(final Message message)
    {
        return conductor.publish(message, null);
    }

    @Override
    public CompletableFuture<PublishResult> publish(final Envelope.Builder envelope)
    {
        return conductor.publish(null, envelope.clone());
    }

    @Override
    public Publisher publisher(final String... addresses)
    {
        if (addresses.length == 0)
        {
            throw new IllegalArgumentException("a publisher needs at least one destination address");
        }
        final byte[][] to = new byte[addresses.length][];
        for (int i = 0; i < addresses.length; i++)
        {
            try
            {
                Address.parse(addresses[i]);
            }
            catch (final AddressException ex)
            {
                throw new IllegalArgumentException("bad destination address '" + addresses[i] + "': " + ex.getMessage(), ex);
            }
            to[i] = addresses[i].getBytes(StandardCharsets.UTF_8);
        }
        return new AddressedPublisher(conductor, to);
    }

    @Override
    public void flush()
    {
        conductor.flush();
    }

    @Override
    public CompletableFuture<Void> subscribe(final String... channelPatterns)
    {
        final CompletableFuture<Void> future = new CompletableFuture<>();
        final List<String> addresses = channelAddresses(channelPatterns, future);
        if (!future.isDone())
        {
            conductor.subscribe(new SubscriptionBook.Call(List.copyOf(addresses), future));
            withTimeout(future);
        }
        return future;
    }

    @Override
    public CompletableFuture<Void> unsubscribe(final String... channelPatterns)
    {
        final CompletableFuture<Void> future = new CompletableFuture<>();
        final List<String> addresses = channelAddresses(channelPatterns, future);
        if (!future.isDone())
        {
            conductor.unsubscribe(new SubscriptionBook.Call(List.copyOf(addresses), future));
            withTimeout(future);
        }
        return future;
    }

    private void withTimeout(final CompletableFuture<Void> future)
    {
        if (!future.isDone() && !options.requestTimeout().isZero())
        {
            future.orTimeout(options.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * {@code channel:PATTERN} for each pattern; completes {@code future} instead when one is malformed (failed)
     * or there are none (done).
     */
    private static List<String> channelAddresses(final String[] channelPatterns, final CompletableFuture<Void> future)
    {
        final List<String> addresses = new ArrayList<>(channelPatterns.length);
        for (final String raw : channelPatterns)
        {
            final String pattern = raw.startsWith("channel:") ? raw.substring("channel:".length()) : raw;
            try
            {
                ChannelPattern.parse(pattern);
            }
            catch (final AddressException ex)
            {
                future.completeExceptionally(new EmcommException("bad channel pattern '" + raw + "': " + ex.getMessage(),
                    ErrorCode.BAD_ADDRESS_PATTERN, ex));
                return addresses;
            }
            addresses.add("channel:" + pattern);
        }
        if (addresses.isEmpty())
        {
            future.complete(null);
        }
        return addresses;
    }

    @Override
    public void ack(final long journalIndex)
    {
        deliveries.ack(journalIndex, true);
    }

    @Override
    public CompletableFuture<ReplayResult> replay(final ReplayRequest request)
    {
        return conductor.replay(request, null, null);
    }

    @Override
    public CompletableFuture<ReplayResult> replay(final ReplayRequest request, final DeliveryListener listener)
    {
        return conductor.replay(request, null, listener);
    }

    @Override
    public CompletableFuture<ReplayResult> replayInto(final ReplayRequest request, final DeliveryHandler handler)
    {
        // a null request would read as a latest-positions query (ClientConductor#replay)
        java.util.Objects.requireNonNull(request, "request");
        return conductor.replay(ReplayCall.inPlace(java.util.Objects.requireNonNull(handler, "handler")), request, null);
    }

    @Override
    public CompletableFuture<ReplayResult> latestPositions(final String regionCode)
    {
        return conductor.replay(null, regionCode, null);
    }

    @Override
    public void close()
    {
        supervisor.shutdown(null);
    }
}
