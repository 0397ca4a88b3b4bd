package io.emcomm.client;

import io.emcomm.protocol.address.AddressException;
import io.emcomm.protocol.address.ChannelPattern;
import io.emcomm.protocol.frame.FrameDecoder;
import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.DeliveryAck;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.Error;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Hello;
import io.emcomm.protocol.wire.LatestPositionsRequest;
import io.emcomm.protocol.wire.PublishAck;
import io.emcomm.protocol.wire.PublishNack;
import io.emcomm.protocol.wire.ReplayEnd;
import io.emcomm.protocol.wire.ReplayRequest;
import io.emcomm.protocol.wire.Subscribe;
import io.emcomm.protocol.wire.SubscriptionAck;
import io.emcomm.protocol.wire.Unsubscribe;
import io.emcomm.protocol.wire.Welcome;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.timeout.IdleStateHandler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The implementation of {@link EmcommClient}: one terminal's session, its reconnect loop and everything it
 * must remember across reconnects (unacknowledged publishes, subscriptions).
 *
 * <p>Threading: the network thread calls the {@code on*} methods; user threads call the API. Shared state is
 * guarded by {@code this}. Futures are completed outside the lock so that user callbacks never run under it.
 * Publishes are numbered and written under the lock, so the wire carries them in sequence order whichever
 * threads publish.
 */
final class ClientSession implements EmcommClient
{
    private static final long MIN_SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MAX_SWEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ClientOptions options;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final Backoff backoff;
    private final Dispatcher dispatcher;
    private final CompletableFuture<Void> firstWelcome = new CompletableFuture<>();
    private final long requestTimeoutNanos;

    // Guarded by this. channel and welcomed are also read without the lock to send acks.
    private volatile Channel channel;
    private volatile boolean welcomed;
    private volatile boolean closed;
    private ConnectionState state = ConnectionState.DISCONNECTED;
    /** Why the session ended (null while it runs, or after close()): what later calls fail with. */
    private Throwable endCause;
    private boolean reconnectAllowed = true;
    private int attempt;
    private long lastSequence;
    private long lastRequestId;
    private int routerMaxFrameBytes;
    private long readerIdleMillis;
    private Future<?> sweeper;
    private final PublishLedger pending = new PublishLedger();
    private final SubscriptionBook subscriptions = new SubscriptionBook();
    /** Replays and latest-positions queries by request id, oldest first. */
    private final LinkedHashMap<Long, ReplayCall> replays = new LinkedHashMap<>();

    private ClientSession(final ClientOptions options)
    {
        this.options = options;
        this.backoff = new Backoff(options.reconnectMin(), options.reconnectMax());
        this.dispatcher = new Dispatcher(options.terminalId());
        this.requestTimeoutNanos = options.requestTimeout().toNanos();
        this.routerMaxFrameBytes = Frames.DEFAULT_MAX_FRAME_BYTES; // no publish is sent before the first WELCOME
        this.group = SharedEventLoop.acquire();
        this.bootstrap = new Bootstrap()
            .group(group)
            .channel(SharedEventLoop.channelClass())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()))
            .handler(new ClientChannelInitializer(this, options));
    }

    static ClientSession connect(final ClientOptions options)
    {
        final ClientSession session = new ClientSession(options);
        session.dial();
        try
        {
            session.firstWelcome.get(2 * options.connectTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }
        catch (final ExecutionException ex)
        {
            final EmcommException failure = ex.getCause() instanceof EmcommException e ? e :
                new EmcommException(ex.getCause().getMessage(), ex.getCause());
            session.shutdown(failure);
            throw failure;
        }
        catch (final TimeoutException ex)
        {
            final EmcommException failure = new EmcommException("the router at " + session.routerAddress() +
                " did not welcome terminal " + options.terminalId() + " within " + 2 * options.connectTimeout().toMillis() + " ms");
            session.shutdown(failure);
            throw failure;
        }
        catch (final InterruptedException ex)
        {
            session.close();
            Thread.currentThread().interrupt();
            throw new EmcommException("interrupted while connecting", ex);
        }
        session.startSweeper();
        return session;
    }

    static long nowMicros()
    {
        final Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    Hello hello()
    {
        return Hello.newBuilder()
            .setProtocolVersion(Frames.PROTOCOL_VERSION)
            .setTerminalId(options.terminalId())
            .setKind(options.kind())
            .setRegionCode(options.regionCode())
            .setClientName(options.clientName())
            .setLinkProfile(options.linkProfile())
            .setCredential(options.credential())
            .build();
    }

    long readerIdleMillis()
    {
        return readerIdleMillis;
    }

    /** Whether this client presents a TLS certificate (mutual TLS), for messages about a refused handshake. */
    boolean hasClientCertificate()
    {
        return options.tlsCertificate() != null;
    }

    /** "host:port" of the router, for messages. */
    String routerAddress()
    {
        return options.host() + ":" + options.port();
    }

    /** The live connection or null; for tests that need to break it at a chosen moment. */
    Channel currentChannel()
    {
        return channel;
    }

    // ------------------------------------------------------------------ connection life cycle

    private void dial()
    {
        if (closed)
        {
            return;
        }
        final ChannelFuture connect;
        try
        {
            connect = bootstrap.connect(options.host(), options.port());
        }
        catch (final RejectedExecutionException ex)
        {
            return; // the event loop is shutting down with the client
        }
        connect.addListener((ChannelFuture f) ->
        {
            if (f.isSuccess())
            {
                return; // ClientHandler.channelActive takes it from here
            }
            final EmcommException cause = new EmcommException("cannot reach the router at " + routerAddress() + ": " +
                LinkFailure.connectFailure(f.cause()), f.cause());
            if (!firstWelcome.isDone())
            {
                firstWelcome.completeExceptionally(cause);
            }
            else
            {
                scheduleReconnect(cause);
            }
        });
    }

    /** Schedules the next attempt with backoff and tells the listener (ConnectionListener#onReconnecting). */
    private void scheduleReconnect(final Throwable cause)
    {
        final long delay;
        final int thisAttempt;
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            delay = backoff.delayNanos(attempt);
            thisAttempt = ++attempt;
        }
        final ConnectionListener listener = options.connectionListener();
        if (listener != null)
        {
            final Duration wait = Duration.ofNanos(delay);
            dispatcher.execute(() -> listener.onReconnecting(thisAttempt, wait, cause));
        }
        try
        {
            group.schedule(this::dial, delay, TimeUnit.NANOSECONDS);
        }
        catch (final RejectedExecutionException ignore)
        {
            // the shared event loop stops only after the last client has closed, this one included
        }
    }

    /** The connection is up; returns false when the client closed meanwhile and the channel should go. */
    synchronized boolean onActive(final Channel ch)
    {
        if (closed)
        {
            return false;
        }
        channel = ch;
        return true;
    }

    void onWelcome(final Channel ch, final Welcome welcome)
    {
        final List<PublishLedger.Pending> tooLarge;
        synchronized (this)
        {
            if (ch != channel || closed)
            {
                return;
            }
            welcomed = true;
            attempt = 0;
            lastSequence = Math.max(lastSequence, welcome.getLastOriginSequence());
            applyFrameLimit(ch, welcome.getMaxFrameBytes());
            // A publish accepted under an earlier router's larger limit would now cost the connection
            // (FRAME_TOO_LARGE), again after every reconnect: refuse it instead of sending it.
            tooLarge = pending.removeLargerThan(routerMaxFrameBytes - Frames.TYPE_BYTES);
            if (welcome.getHeartbeatIntervalMs() > 0)
            {
                // The router promises traffic at least this often; three silent intervals mean it is gone.
                final long interval = welcome.getHeartbeatIntervalMs();
                readerIdleMillis = 3 * interval;
                ch.pipeline().replace("idle", "idle",
                    new IdleStateHandler(readerIdleMillis, interval, 0, TimeUnit.MILLISECONDS));
            }
            for (final PublishLedger.Pending p : pending.unanswered())
            {
                ch.write(Frames.encode(ch.alloc(), FrameType.PUBLISH, p.envelope()));
            }
            final long renewal = lastRequestId + 1;
            final List<String> renewed = subscriptions.renew(renewal);
            if (!renewed.isEmpty())
            {
                lastRequestId = renewal;
                ch.write(Frames.encode(ch.alloc(), FrameType.SUBSCRIBE,
                    Subscribe.newBuilder().setRequestId(renewal).addAllAddresses(renewed).build()));
            }
            ch.flush();
            state = ConnectionState.CONNECTED;
        }
        for (final PublishLedger.Pending p : tooLarge)
        {
            p.future().completeExceptionally(frameTooLarge(Frames.TYPE_BYTES + p.envelope().getSerializedSize()));
        }
        notifyState(ConnectionState.CONNECTED, null);
        firstWelcome.complete(null);
    }

    /**
     * Adopts the router's frame limit (protocol.md §1): publishes up to {@code max_frame_bytes}, frames from
     * the router up to {@code max_frame_bytes + 128}. A router that announces none is taken to use the default.
     */
    private void applyFrameLimit(final Channel ch, final int announced)
    {
        routerMaxFrameBytes = announced <= 0 ? Frames.DEFAULT_MAX_FRAME_BYTES :
            Math.max(Frames.MIN_MAX_FRAME_BYTES, Math.min(Frames.MAX_MAX_FRAME_BYTES, announced));
        final FrameDecoder decoder = ch.pipeline().get(FrameDecoder.class);
        if (decoder != null)
        {
            decoder.maxFrameBytes(routerMaxFrameBytes + Frames.ROUTER_FRAME_ALLOWANCE);
        }
    }

    private EmcommException frameTooLarge(final int frameBytes)
    {
        return new EmcommException("message too large: its PUBLISH frame would be " + frameBytes +
            " bytes, the router at " + routerAddress() + " accepts at most " + routerMaxFrameBytes +
            " (max_frame_bytes in its WELCOME)", ErrorCode.FRAME_TOO_LARGE, null);
    }

    void onDisconnect(final Channel ch, final Throwable cause)
    {
        final List<ReplayCall> lostReplays;
        final List<SubscriptionBook.Call> lostUnsubscribes;
        final boolean first;
        final boolean reconnect;
        final boolean wasConnected;
        synchronized (this)
        {
            if (ch != channel)
            {
                return;
            }
            channel = null;
            wasConnected = welcomed;
            welcomed = false;
            first = !firstWelcome.isDone();
            reconnect = !closed && !first && reconnectAllowed;
            if (reconnect || first)
            {
                lostUnsubscribes = subscriptions.disconnected();
                lostReplays = new ArrayList<>(replays.values());
                replays.clear();
            }
            else
            {
                // the session ends: shutdown() fails them with the reason it ended
                lostUnsubscribes = List.of();
                lostReplays = List.of();
            }
            if (reconnect)
            {
                state = ConnectionState.DISCONNECTED;
            }
        }
        final EmcommException lost = cause instanceof EmcommException e && !wasConnected ? e :
            new EmcommException((wasConnected ? "connection to the router at " + routerAddress() + " lost" :
                "the router at " + routerAddress() + " closed the connection before welcoming terminal " + options.terminalId()) +
                (cause == null ? notTlsHint() : ": " + cause.getMessage()),
                cause instanceof EmcommException e ? e.errorCode() : ErrorCode.ERROR_CODE_UNSPECIFIED, cause);
        for (final ReplayCall call : lostReplays)
        {
            dispatcher.execute(() -> call.future.completeExceptionally(lost));
        }
        lostUnsubscribes.forEach(call -> call.future().completeExceptionally(lost));
        if (first)
        {
            firstWelcome.completeExceptionally(lost);
        }
        else if (reconnect)
        {
            if (wasConnected)
            {
                notifyState(ConnectionState.DISCONNECTED, lost);
            }
            scheduleReconnect(lost);
        }
        else if (!closed)
        {
            shutdown(cause instanceof EmcommException ? cause : lost);
        }
    }

    /** A router that runs TLS drops a plain connection without a word; say what may be missing. */
    private String notTlsHint()
    {
        return options.tls() ? "" : " (if its terminal port uses TLS, give the client the router's CA)";
    }

    /**
     * A fatal ERROR frame arrived; the channel closes next. Errors that would recur on every reconnect end the
     * session: a replaced session (taking the terminal back would fight the newer login), a refused login, and
     * frames the router could not accept (which the client would send again).
     */
    synchronized void onFatalError(final Error error)
    {
        switch (error.getCode())
        {
            case SESSION_REPLACED, INVALID_TERMINAL_ID, INVALID_REGION, INVALID_KIND, UNSUPPORTED_VERSION,
                 UNKNOWN_LINK_PROFILE, AUTHENTICATION_FAILED, FRAME_TOO_LARGE, MALFORMED_FRAME, HELLO_REQUIRED,
                 UNEXPECTED_FRAME -> reconnectAllowed = false;
            default ->
            {
                // transient (idle timeout, slow consumer, shutting down, too many connections, internal): reconnect
            }
        }
    }

    /** A non-fatal ERROR: it answers the oldest outstanding request of its kind. */
    void onError(final Error error)
    {
        final EmcommException ex = new EmcommException(error.getMessage(), error.getCode(), null);
        if (error.getCode() == ErrorCode.BAD_ADDRESS_PATTERN)
        {
            final List<SubscriptionBook.Call> calls;
            synchronized (this)
            {
                calls = subscriptions.refuseOldest();
            }
            calls.forEach(c -> c.future().completeExceptionally(ex));
        }
        else if (error.getCode() == ErrorCode.BAD_REPLAY_REQUEST)
        {
            final ReplayCall call;
            synchronized (this)
            {
                final Long oldest = replays.isEmpty() ? null : replays.keySet().iterator().next();
                call = oldest == null ? null : replays.remove(oldest);
            }
            if (call != null)
            {
                dispatcher.execute(() -> call.future.completeExceptionally(ex));
            }
        }
    }

    // ------------------------------------------------------------------ publish

    @Override
    public CompletableFuture<PublishResult> publish(final Message message)
    {
        return enqueue(message, null);
    }

    @Override
    public CompletableFuture<PublishResult> publish(final Envelope.Builder envelope)
    {
        return enqueue(null, envelope.clone());
    }

    private CompletableFuture<PublishResult> enqueue(final Message message, final Envelope.Builder builder)
    {
        final CompletableFuture<PublishResult> future = new CompletableFuture<>();
        EmcommException refused = null;
        synchronized (this)
        {
            if (closed)
            {
                refused = ended();
            }
            else if (pending.size() >= options.maxPendingPublishes())
            {
                refused = new EmcommException(pending.size() + " publishes are awaiting acknowledgement (the maximum)");
            }
            else
            {
                final long sequence = lastSequence + 1;
                final long now = nowMicros();
                final Envelope envelope = message != null ?
                    message.toEnvelope(options.terminalId(), sequence, now) :
                    Message.stamp(builder, null, options.terminalId(), sequence, now);
                final int frameBytes = Frames.TYPE_BYTES + envelope.getSerializedSize();
                if (frameBytes > routerMaxFrameBytes)
                {
                    refused = frameTooLarge(frameBytes); // sending it would cost the connection (FRAME_TOO_LARGE)
                }
                else
                {
                    lastSequence = sequence;
                    pending.add(envelope, future, System.nanoTime() + requestTimeoutNanos);
                    final Channel ch = channel;
                    if (welcomed && ch != null)
                    {
                        ch.writeAndFlush(Frames.encode(ch.alloc(), FrameType.PUBLISH, envelope));
                    }
                }
            }
        }
        if (refused != null)
        {
            future.completeExceptionally(refused);
        }
        return future;
    }

    void onPublishAck(final PublishAck ack)
    {
        final PublishLedger.Pending p;
        synchronized (this)
        {
            p = pending.remove(ack.getOriginSequence());
        }
        if (p != null)
        {
            p.future().complete(new PublishResult(ack.getOrigin(), ack.getOriginSequence(), ack.getJournalIndex(),
                ack.getDuplicate(), ack.getDeliveredNow(), ack.getUnknownTerminalsList()));
        }
    }

    void onPublishNack(final PublishNack nack)
    {
        final PublishLedger.Pending p;
        synchronized (this)
        {
            p = nack.getOriginSequence() == 0 ? pending.removeOldest() : pending.remove(nack.getOriginSequence());
        }
        if (p != null)
        {
            p.future().completeExceptionally(
                new PublishRejectedException(nack.getReason(), nack.getDetail(), p.envelope().getOriginSequence()));
        }
    }

    private void startSweeper()
    {
        if (requestTimeoutNanos == 0)
        {
            return;
        }
        final long period = Math.max(MIN_SWEEP_NANOS, Math.min(MAX_SWEEP_NANOS, requestTimeoutNanos / 10));
        synchronized (this)
        {
            if (!closed)
            {
                sweeper = group.scheduleAtFixedRate(this::expirePublishes, period, period, TimeUnit.NANOSECONDS);
            }
        }
    }

    /** Fails publishes older than the request timeout. Network thread. */
    private void expirePublishes()
    {
        final List<PublishLedger.Pending> expired;
        synchronized (this)
        {
            expired = pending.expire(System.nanoTime());
        }
        for (final PublishLedger.Pending p : expired)
        {
            p.future().completeExceptionally(new TimeoutException("no acknowledgement for " +
                options.terminalId() + "/" + p.envelope().getOriginSequence() + " within " +
                options.requestTimeout().toMillis() + " ms"));
        }
    }

    // ------------------------------------------------------------------ subscribe, deliveries, acks

    @Override
    public CompletableFuture<Void> subscribe(final String... channelPatterns)
    {
        final CompletableFuture<Void> future = new CompletableFuture<>();
        final List<String> addresses = channelAddresses(channelPatterns, future);
        if (future.isDone())
        {
            return future;
        }
        final SubscriptionBook.Call call = new SubscriptionBook.Call(List.copyOf(addresses), future);
        EmcommException refused = null;
        synchronized (this)
        {
            if (closed)
            {
                refused = ended();
            }
            else
            {
                final Channel ch = channel;
                if (welcomed && ch != null)
                {
                    final long id = ++lastRequestId;
                    subscriptions.sent(id, call);
                    ch.writeAndFlush(Frames.encode(ch.alloc(), FrameType.SUBSCRIBE,
                        Subscribe.newBuilder().setRequestId(id).addAllAddresses(addresses).build()));
                }
                else
                {
                    subscriptions.waitForWelcome(call);
                }
            }
        }
        if (refused != null)
        {
            future.completeExceptionally(refused);
        }
        else if (requestTimeoutNanos > 0)
        {
            future.orTimeout(requestTimeoutNanos, TimeUnit.NANOSECONDS);
        }
        return future;
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
    public CompletableFuture<Void> unsubscribe(final String... channelPatterns)
    {
        final CompletableFuture<Void> future = new CompletableFuture<>();
        final List<String> addresses = channelAddresses(channelPatterns, future);
        if (future.isDone())
        {
            return future;
        }
        String refused = null;
        synchronized (this)
        {
            final Channel ch = channel;
            if (closed)
            {
                refused = "client closed";
            }
            else if (!welcomed || ch == null)
            {
                // Unlike a subscription, a removal is not kept for the next welcome: the caller learns now.
                refused = "not connected to the router";
            }
            else
            {
                final long id = ++lastRequestId;
                subscriptions.unsubscribed(id, new SubscriptionBook.Call(List.copyOf(addresses), future));
                ch.writeAndFlush(Frames.encode(ch.alloc(), FrameType.UNSUBSCRIBE,
                    Unsubscribe.newBuilder().setRequestId(id).addAllAddresses(addresses).build()));
            }
        }
        if (refused != null)
        {
            future.completeExceptionally(new EmcommException(refused));
        }
        else if (requestTimeoutNanos > 0)
        {
            future.orTimeout(requestTimeoutNanos, TimeUnit.NANOSECONDS);
        }
        return future;
    }

    void onSubscriptionAck(final SubscriptionAck ack)
    {
        final List<SubscriptionBook.Call> calls;
        final SubscriptionBook.Call removal;
        synchronized (this)
        {
            removal = subscriptions.answeredUnsubscribe(ack.getRequestId());
            calls = removal != null ? null : subscriptions.answered(ack.getRequestId(), ack.getOk());
        }
        if (removal != null)
        {
            if (ack.getOk())
            {
                removal.future().complete(null);
            }
            else
            {
                removal.future().completeExceptionally(new EmcommException("the router refused to remove the subscription to " +
                    removal.addresses() + ": " + ack.getDetail(), ErrorCode.BAD_ADDRESS_PATTERN, null));
            }
            return;
        }
        if (calls == null)
        {
            return;
        }
        for (final SubscriptionBook.Call call : calls)
        {
            if (ack.getOk())
            {
                call.future().complete(null);
            }
            else
            {
                call.future().completeExceptionally(new EmcommException("the router refused the subscription to " +
                    call.addresses() + ": " + ack.getDetail(), ErrorCode.BAD_ADDRESS_PATTERN, null));
            }
        }
    }

    void onDelivery(final Channel ch, final io.emcomm.protocol.wire.Delivery wire)
    {
        final DeliveryListener listener = options.deliveryListener();
        final long index = wire.getJournalIndex();
        if (listener == null)
        {
            if (options.autoAck())
            {
                sendAck(index, true);
            }
            return;
        }
        final Delivery delivery = Delivery.of(wire);
        dispatcher.execute(() ->
        {
            if (closed)
            {
                return;
            }
            if (deliver(listener, delivery) && options.autoAck())
            {
                // Acks are flushed when the backlog is drained: one syscall for a burst of deliveries.
                sendAck(index, dispatcher.backlog() <= 1);
            }
        }, ch);
    }

    static boolean deliver(final DeliveryListener listener, final Delivery delivery)
    {
        try
        {
            listener.onDelivery(delivery);
            return true;
        }
        catch (final RuntimeException | java.lang.Error ex)
        {
            final Thread t = Thread.currentThread();
            t.getUncaughtExceptionHandler().uncaughtException(t, ex);
            return false;
        }
    }

    @Override
    public void ack(final long journalIndex)
    {
        sendAck(journalIndex, true);
    }

    private void sendAck(final long journalIndex, final boolean flush)
    {
        final Channel ch = channel;
        if (ch == null || !welcomed)
        {
            return; // the router keeps the delivery and sends it again after the reconnect
        }
        final var frame = Frames.encode(ch.alloc(), FrameType.DELIVERY_ACK,
            DeliveryAck.newBuilder().setJournalIndex(journalIndex).build());
        if (flush)
        {
            ch.writeAndFlush(frame, ch.voidPromise());
        }
        else
        {
            ch.write(frame, ch.voidPromise());
        }
    }

    // ------------------------------------------------------------------ replay

    @Override
    public CompletableFuture<ReplayResult> replay(final ReplayRequest request)
    {
        return startReplay(request, null);
    }

    @Override
    public CompletableFuture<ReplayResult> replay(final ReplayRequest request, final DeliveryListener listener)
    {
        return startReplay(request, listener);
    }

    @Override
    public CompletableFuture<ReplayResult> latestPositions(final String regionCode)
    {
        return startReplay(null, regionCode, null);
    }

    private CompletableFuture<ReplayResult> startReplay(final ReplayRequest request, final DeliveryListener listener)
    {
        return startReplay(request, null, listener);
    }

    /** A replay, or (request null) a latest-positions query: both are answered with REPLAY_ITEMs and a REPLAY_END. */
    private CompletableFuture<ReplayResult> startReplay(
        final ReplayRequest request, final String positionsRegion, final DeliveryListener listener)
    {
        final ReplayCall call = new ReplayCall(listener);
        EmcommException refused = null;
        synchronized (this)
        {
            final Channel ch = channel;
            if (closed)
            {
                refused = ended();
            }
            else if (!welcomed || ch == null)
            {
                refused = new EmcommException("not connected to the router");
            }
            else
            {
                final long id = ++lastRequestId;
                replays.put(id, call);
                ch.writeAndFlush(request != null ?
                    Frames.encode(ch.alloc(), FrameType.REPLAY_REQUEST, request.toBuilder().setRequestId(id).build()) :
                    Frames.encode(ch.alloc(), FrameType.LATEST_POSITIONS_REQUEST,
                        LatestPositionsRequest.newBuilder().setRequestId(id).setRegionCode(positionsRegion).build()));
            }
        }
        if (refused != null)
        {
            call.future.completeExceptionally(refused);
        }
        return call.future;
    }

    void onReplayItem(final Channel ch, final io.emcomm.protocol.wire.Delivery wire)
    {
        final ReplayCall call;
        synchronized (this)
        {
            call = replays.get(wire.getReplayRequestId());
        }
        if (call != null)
        {
            final Delivery item = Delivery.of(wire);
            dispatcher.execute(() -> call.accept(item), ch);
        }
    }

    void onReplayEnd(final ReplayEnd end)
    {
        final ReplayCall call;
        synchronized (this)
        {
            call = replays.remove(end.getRequestId());
        }
        if (call != null)
        {
            dispatcher.execute(() -> call.end(end.getCount(), end.getLastIndex(), end.getDamaged()));
        }
    }

    // ------------------------------------------------------------------ state and close

    @Override
    public String terminalId()
    {
        return options.terminalId();
    }

    @Override
    public synchronized ConnectionState state()
    {
        return state;
    }

    private void notifyState(final ConnectionState newState, final Throwable cause)
    {
        final ConnectionListener listener = options.connectionListener();
        if (listener != null)
        {
            dispatcher.execute(() -> listener.onStateChange(newState, cause));
        }
    }

    @Override
    public void close()
    {
        shutdown(null);
    }

    /**
     * Ends the session for good and tells the listener the final state: {@link ConnectionState#REPLACED} for a
     * {@link SessionReplacedException}, otherwise {@link ConnectionState#CLOSED} (cause null: closed by the
     * user). Outstanding requests fail with {@link #ended()}.
     */
    private void shutdown(final Throwable cause)
    {
        final ConnectionState end = cause instanceof SessionReplacedException ? ConnectionState.REPLACED : ConnectionState.CLOSED;
        final List<CompletableFuture<?>> outstanding = new ArrayList<>();
        final Channel ch;
        final EmcommException ex;
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            state = end;
            endCause = cause;
            ex = ended();
            ch = channel;
            channel = null;
            welcomed = false;
            if (sweeper != null)
            {
                sweeper.cancel(false);
            }
            outstanding.addAll(pending.drain());
            outstanding.addAll(subscriptions.drain());
            replays.values().forEach(r -> outstanding.add(r.future));
            replays.clear();
        }
        if (ch != null)
        {
            final ChannelFuture closing = ch.close();
            if (!ch.eventLoop().inEventLoop())
            {
                closing.awaitUninterruptibly(1, TimeUnit.SECONDS);
            }
        }
        outstanding.forEach(f -> f.completeExceptionally(ex));
        firstWelcome.completeExceptionally(ex);
        notifyState(end, cause);
        dispatcher.shutdown();
        SharedEventLoop.release(group);
    }

    /** What a request fails with once the session has ended. Guarded by this. */
    private EmcommException ended()
    {
        if (endCause == null)
        {
            return new EmcommException("client closed");
        }
        if (endCause instanceof SessionReplacedException replaced)
        {
            return replaced;
        }
        return new EmcommException("session ended: " + endCause.getMessage(),
            endCause instanceof EmcommException e ? e.errorCode() : ErrorCode.ERROR_CODE_UNSPECIFIED, endCause);
    }
}
