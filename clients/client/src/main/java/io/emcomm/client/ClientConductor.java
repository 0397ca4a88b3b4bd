package io.emcomm.client;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.Error;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.NackReason;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.PublishAck;
import io.emcomm.protocol.wire.PublishNack;
import io.emcomm.protocol.wire.ReplayRequest;
import io.emcomm.protocol.wire.SubscriptionAck;
import io.emcomm.protocol.wire.Welcome;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeoutException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The client's state and everything that changes it (a conductor in Aeron's sense): the current connection and
 * whether the router has welcomed it, the origin sequence and request id counters, the publishes awaiting their
 * ack ({@link PublishLedger}), the subscriptions and the calls awaiting their SUBSCRIPTION_ACK
 * ({@link SubscriptionBook}), the replays in progress ({@link ReplayBook}), the router's frame limit, and how the
 * session ended. Every frame it sends goes through the connection's {@link RouterProxy}; deliveries are handed to
 * the {@link DeliveryDispatch}. When to connect and what a lost connection means is the {@link ConnectionSupervisor}'s.
 *
 * <p>Threads: user threads call the requests ({@link #publish}, {@link #subscribe}, ...), the network thread the
 * {@code on*} methods; the monotonic time comes from the injected {@link ClientClock}. Shared state is guarded by
 * {@code this}; futures are completed outside the lock, so user callbacks never run under it. Publishes are
 * numbered and written under the lock, so the wire carries them in sequence order whichever threads publish.
 * The inbound data path (deliveries, replay items and ends) is the {@link DeliveryDispatch}'s and takes no lock;
 * the conductor tells it, under its lock, which connection is welcomed and when the session ends. A publish nacked
 * {@code JOURNAL_UNAVAILABLE} is sent again with its sequence on timers of the injected {@link Scheduler}
 * ({@link PublishRetries}); the publish and ack paths know nothing of it.
 */
final class ClientConductor
{
    private final ClientOptions options;
    private final ClientClock clock;
    /** Runs the resend timers of {@link #retries} on the network thread. */
    private final Scheduler scheduler;
    /** Read on the publish path: copied out of the options' parts once. */
    private final String terminalId;
    private final int maxPendingPublishes;
    private final long requestTimeoutNanos;
    private final byte[] originBytes;
    private final PublishListener publishListener;
    private final PublishLedger pending;
    /** An offer was made on the network thread (from a DeliveryHandler): flushed at the end of the read batch. */
    private boolean offeredOnNetworkThread;
    /** Where publishes are encoded; guarded by this. */
    private final OutboundBatch batch = new OutboundBatch(ByteBufAllocator.DEFAULT);
    private final SubscriptionBook subscriptions = new SubscriptionBook();
    private final ReplayBook replays;
    private final DeliveryDispatch deliveries;
    /** Publishes nacked JOURNAL_UNAVAILABLE, to be sent again; guarded by this. */
    private final PublishRetries retries = new PublishRetries();

    /** The current connection, welcomed or not; guarded by this. */
    private RouterProxy link;
    /** The current connection once the router has welcomed it, else null; guarded by this. */
    private RouterProxy welcomedLink;
    /** The router whose WELCOME set {@link #routerMaxFrameBytes}, for messages; null before the first. */
    private InetSocketAddress limitRouter;
    private volatile boolean closed;
    private ConnectionState state = ConnectionState.DISCONNECTED;
    /** Why the session ended (null while it runs, or after a close by the user): what later calls fail with. */
    private Throwable endCause;
    private long lastSequence;
    private long lastRequestId;
    /** No publish is sent before the first WELCOME, which replaces this. */
    private int routerMaxFrameBytes = Frames.DEFAULT_MAX_FRAME_BYTES;

    /**
     * @param scheduler runs the resend timers of publishes nacked JOURNAL_UNAVAILABLE, on the network thread, in
     *                  nanoseconds of {@code clock}
     */
    ClientConductor(final ClientOptions options, final ClientClock clock, final Scheduler scheduler, final ReplayBook replays,
        final DeliveryDispatch deliveries)
    {
        this.options = options;
        this.clock = clock;
        this.scheduler = scheduler;
        this.replays = replays;
        this.deliveries = deliveries;
        this.terminalId = options.terminalId();
        this.maxPendingPublishes = options.maxPendingPublishes();
        this.requestTimeoutNanos = options.requestTimeout().toNanos();
        this.originBytes = terminalId.getBytes(StandardCharsets.UTF_8);
        this.publishListener = options.publishListener() != null ? options.publishListener() : PublishListener.NONE;
        this.pending = new PublishLedger(maxPendingPublishes);
    }

    // ------------------------------------------------------------------ the connection

    /** A connection is up; false when the client closed meanwhile and the connection should go. */
    synchronized boolean onActive(final RouterProxy newLink)
    {
        if (closed)
        {
            return false;
        }
        link = newLink;
        return true;
    }

    /**
     * The router welcomed {@code welcomed}: adopts its frame limit ({@link LinkLimits#maxFrameBytes}) and last
     * origin sequence, then sends every unanswered publish again (same sequences, which the router deduplicates)
     * and renews every subscription in one SUBSCRIBE. False when the connection is not the current one.
     */
    boolean onWelcome(final RouterProxy welcomed, final Welcome welcome)
    {
        final List<Long> tooLarge = new ArrayList<>(0);
        final int limit;
        synchronized (this)
        {
            if (welcomed != link || closed)
            {
                return false;
            }
            welcomedLink = welcomed;
            deliveries.welcomed(welcomed);
            lastSequence = Math.max(lastSequence, welcome.getLastOriginSequence());
            routerMaxFrameBytes = LinkLimits.maxFrameBytes(welcome);
            limitRouter = welcomed.router();
            limit = routerMaxFrameBytes;
            // Every unanswered publish goes again from the ledger, in sequence order, the unflushed ones included.
            batch.skipUnflushed();
            resend(welcomed, tooLarge);
            retries.resentAll();
            lastRequestId = subscriptions.renew(welcomed, lastRequestId);
            welcomed.flush();
            state = ConnectionState.CONNECTED;
        }
        for (final long position : tooLarge)
        {
            fail(position, frameTooLarge(pending.frameLength(position) - Frames.LENGTH_FIELD_BYTES, limit), true);
        }
        return true;
    }

    /**
     * Writes every unanswered publish to {@code welcomed} without a flush, frames that lie next to each other in one
     * buffer as one slice. A publish accepted under an earlier router's larger limit would now cost the connection
     * (FRAME_TOO_LARGE), again after every reconnect: it is claimed into {@code tooLarge} instead, to be failed.
     */
    private void resend(final RouterProxy welcomed, final List<Long> tooLarge)
    {
        ByteBuf run = null;
        int runStart = 0;
        int runEnd = 0;
        for (long p = pending.head() + 1; p <= pending.tail(); p++)
        {
            if (!pending.isPending(p))
            {
                continue;
            }
            final int length = pending.frameLength(p);
            if (length - Frames.LENGTH_FIELD_BYTES > routerMaxFrameBytes)
            {
                if (pending.claim(p))
                {
                    tooLarge.add(p);
                }
                continue;
            }
            final ByteBuf buf = pending.frameBuffer(p);
            final int offset = pending.frameOffset(p);
            if (buf == run && offset == runEnd)
            {
                runEnd += length;
                continue;
            }
            if (run != null)
            {
                welcomed.write(run.retainedSlice(runStart, runEnd - runStart));
            }
            run = buf;
            runStart = offset;
            runEnd = offset + length;
        }
        if (run != null)
        {
            welcomed.write(run.retainedSlice(runStart, runEnd - runStart));
        }
    }

    /**
     * The connection {@code lost} closed. Null when it was not the current one (the client closed it). With
     * {@code keepSession} the state becomes DISCONNECTED, unanswered subscribe calls wait for the next WELCOME and
     * the unanswered unsubscribes and replays are returned to fail; without, the session is about to end and
     * {@link #end} fails them.
     */
    synchronized LinkLoss linkLost(final RouterProxy lost, final boolean keepSession)
    {
        if (lost == null || lost != link)
        {
            return null;
        }
        link = null;
        final boolean wasWelcomed = welcomedLink != null;
        welcomedLink = null;
        deliveries.welcomed(null);
        if (!keepSession)
        {
            return new LinkLoss(wasWelcomed, List.of(), List.of());
        }
        state = ConnectionState.DISCONNECTED;
        return new LinkLoss(wasWelcomed, subscriptions.disconnected(), replays.drain());
    }

    /**
     * Ends the session for good: {@link ConnectionState#REPLACED} for a {@link SessionReplacedException}, otherwise
     * {@link ConnectionState#CLOSED}. Null when it had already ended. The caller closes the link and fails the
     * outstanding requests, outside this lock.
     */
    synchronized SessionEnd end(final Throwable cause)
    {
        if (closed)
        {
            return null;
        }
        closed = true;
        state = cause instanceof SessionReplacedException ? ConnectionState.REPLACED : ConnectionState.CLOSED;
        endCause = cause;
        final RouterProxy open = link;
        link = null;
        welcomedLink = null;
        deliveries.end();
        final List<CompletableFuture<?>> outstanding = drainPublishes();
        retries.clear();
        batch.close();
        outstanding.addAll(subscriptions.drain());
        replays.drain().forEach(r -> outstanding.add(r.future));
        return new SessionEnd(state, open, outstanding, ended());
    }

    /**
     * Claims every unanswered publish: its future to fail, or (an offer) a future that tells the publish listener when
     * it is failed. Under the lock, the session just ended.
     */
    private List<CompletableFuture<?>> drainPublishes()
    {
        final List<CompletableFuture<?>> futures = new ArrayList<>();
        for (long p = pending.head() + 1; p <= pending.tail(); p++)
        {
            if (pending.claim(p))
            {
                final long sequence = pending.sequence(p);
                CompletableFuture<PublishResult> future = pending.future(p);
                if (future == null)
                {
                    future = new CompletableFuture<>();
                    future.whenComplete((r, ex) -> publishListener.onFailed(sequence,
                        ex instanceof Exception e ? e : new EmcommException("session ended", ex)));
                }
                futures.add(future);
                pending.release(p, false);
            }
        }
        return futures;
    }

    boolean isClosed()
    {
        return closed;
    }

    synchronized ConnectionState state()
    {
        return state;
    }

    /** The router of the welcomed connection, as given in {@link ClientOptions#routers()}; null while there is none. */
    synchronized InetSocketAddress connectedRouter()
    {
        return welcomedLink == null ? null : welcomedLink.router();
    }

    /** The current connection or null; for tests that break it at a chosen moment. */
    synchronized Channel currentChannel()
    {
        return link == null ? null : link.channel();
    }

    // ------------------------------------------------------------------ publish

    /**
     * Numbers, stamps and encodes a publish into the outbound batch and flushes it (or keeps it for the next WELCOME).
     * One of {@code message} and {@code builder} is null. The future fails at once when the session ended, too many
     * publishes wait, or the frame would exceed the router's limit (then no sequence is used).
     */
    CompletableFuture<PublishResult> publish(final Message message, final Envelope.Builder builder)
    {
        final CompletableFuture<PublishResult> future = new CompletableFuture<>();
        EmcommException refused = null;
        synchronized (this)
        {
            if (closed)
            {
                refused = ended();
            }
            else if (!pending.hasRoom())
            {
                refused = new EmcommException(pending.size() + " publishes are awaiting acknowledgement (the maximum)");
            }
            else
            {
                final long sequence = lastSequence + 1;
                final long now = clock.epochMicros();
                final Envelope envelope = message != null ?
                    message.toEnvelope(terminalId, sequence, now) :
                    Message.stamp(builder, null, terminalId, sequence, now);
                final int size = envelope.getSerializedSize();
                if (Frames.TYPE_BYTES + size > routerMaxFrameBytes)
                {
                    refused = frameTooLarge(Frames.TYPE_BYTES + size); // sending it would cost the connection
                }
                else
                {
                    lastSequence = sequence;
                    final RouterProxy out = welcomedLink;
                    final ByteBuf buf = batch.reserve(Frames.HEADER_BYTES + size, out);
                    final int start = buf.writerIndex();
                    Frames.writeHeader(buf, FrameType.PUBLISH, size);
                    writeEnvelope(buf, envelope, size);
                    pending.add(sequence, buf, start, Frames.HEADER_BYTES + size, clock.nanoTime() + requestTimeoutNanos, future);
                    batch.flush(out);
                }
            }
        }
        if (refused != null)
        {
            future.completeExceptionally(refused);
        }
        return future;
    }

    private static void writeEnvelope(final ByteBuf buf, final Envelope envelope, final int size)
    {
        final int at = buf.writerIndex();
        try
        {
            final CodedOutputStream out = CodedOutputStream.newInstance(buf.nioBuffer(at, size));
            envelope.writeTo(out);
            out.flush();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        buf.writerIndex(at + size);
    }

    /**
     * {@link Publisher} offer: numbers, stamps and encodes one PUBLISH into the outbound batch, without a flush and
     * without allocating. The body's content is {@code length} bytes of {@code srcBuf} or (when null) {@code srcArray}
     * from {@code offset}; with {@code text} it is wrapped in a {@code Text} message. Returns the sequence or one of
     * the {@link Publisher} codes.
     */
    long offer(final byte[][] to, final Precedence precedence, final int bodyField, final boolean text,
        final ByteBuf srcBuf, final byte[] srcArray, final int offset, final int length)
    {
        final int precedenceNumber = precedence.getNumber();
        final int content = PublishEncoder.bodyContentSize(text, length);
        synchronized (this)
        {
            if (closed)
            {
                return Publisher.CLOSED;
            }
            if (!pending.hasRoom())
            {
                return Publisher.BACK_PRESSURED;
            }
            final RouterProxy out = welcomedLink;
            if (out != null && !out.isWritable())
            {
                return Publisher.NOT_WRITABLE;
            }
            final long sequence = lastSequence + 1;
            final long now = clock.epochMicros();
            final int envelopeSize = PublishEncoder.envelopeSize(originBytes, sequence, to, precedenceNumber, now, bodyField, content);
            if (Frames.TYPE_BYTES + envelopeSize > routerMaxFrameBytes)
            {
                return Publisher.TOO_LARGE;
            }
            final ByteBuf buf = batch.reserve(Frames.HEADER_BYTES + envelopeSize, out);
            final int start = buf.writerIndex();
            PublishEncoder.writeHead(buf, envelopeSize, originBytes, sequence, to, precedenceNumber, now, bodyField, content);
            if (text)
            {
                PublishEncoder.writeTextPrefix(buf, length);
            }
            if (srcBuf != null && srcBuf.hasArray())
            {
                // A heap source copied as a ByteBuf into a direct one would wrap it in a ByteBuffer: an allocation.
                buf.writeBytes(srcBuf.array(), srcBuf.arrayOffset() + offset, length);
            }
            else if (srcBuf != null)
            {
                buf.writeBytes(srcBuf, offset, length);
            }
            else
            {
                buf.writeBytes(srcArray, offset, length);
            }
            lastSequence = sequence;
            pending.add(sequence, buf, start, Frames.HEADER_BYTES + envelopeSize, clock.nanoTime() + requestTimeoutNanos, null);
            if (out != null && out.channel().eventLoop().inEventLoop())
            {
                offeredOnNetworkThread = true;
            }
            return sequence;
        }
    }

    /** Writes out the offers not yet flushed, in one flush. */
    void flush()
    {
        synchronized (this)
        {
            if (batch.hasUnflushed())
            {
                batch.flush(welcomedLink);
            }
        }
    }

    /** Whether a handler offered publishes during this read, so that {@link #onReadComplete()} will flush. Network thread. */
    boolean offeredInThisRead()
    {
        return offeredOnNetworkThread;
    }

    /**
     * End of a read batch on the network thread: offers a {@link DeliveryHandler} made while handling it (a responder
     * answering requests) go out now, in one flush with the batch's acks' syscall neighbours. Network thread.
     */
    void onReadComplete()
    {
        if (offeredOnNetworkThread)
        {
            synchronized (this)
            {
                offeredOnNetworkThread = false;
                if (batch.hasUnflushed())
                {
                    batch.flush(welcomedLink);
                }
            }
        }
    }

    /** A PUBLISH_ACK already decoded (tests); see {@link #onPublishAck(ByteBuf, int, int)}. */
    void onPublishAck(final PublishAck ack)
    {
        final byte[] bytes = ack.toByteArray();
        onPublishAck(Unpooled.wrappedBuffer(bytes), 0, bytes.length);
    }

    /**
     * The PUBLISH_ACK in [offset, offset + length) of {@code frame}: read in place, the publish found in the ledger
     * without a lock, its listener told (or, for a {@link #publish} call, the ack decoded and its future completed).
     * An ack of nothing waiting (a second answer to a resend) is ignored. Network thread.
     */
    void onPublishAck(final ByteBuf frame, final int offset, final int length)
    {
        final long sequence = WireScan.findVarint(frame, offset, length, 2, 0);
        final long position = pending.find(sequence);
        if (position < 0 || !pending.claim(position))
        {
            return;
        }
        final CompletableFuture<PublishResult> future = pending.future(position);
        pending.release(position, true);
        if (future == null)
        {
            publishListener.onAcknowledged(sequence, WireScan.findVarint(frame, offset, length, 3, 0),
                WireScan.findVarint(frame, offset, length, 4, 0) != 0);
            return;
        }
        try
        {
            final PublishAck ack = PublishAck.parseFrom(frame.nioBuffer(offset, length));
            future.complete(new PublishResult(ack.getOrigin(), ack.getOriginSequence(), ack.getJournalIndex(),
                ack.getDuplicate(), ack.getDeliveredNow(), ack.getUnknownTerminalsList()));
        }
        catch (final InvalidProtocolBufferException ex)
        {
            future.completeExceptionally(new EmcommException("router sent a malformed PUBLISH_ACK: " + ex.getMessage(), ex));
        }
    }

    /**
     * A PUBLISH_NACK (protocol.md §4.3). {@code JOURNAL_UNAVAILABLE} ("retry later, same id") keeps the publish and
     * sends it again with its sequence ({@link #retryLater}); every other reason fails it now. A nack without a
     * sequence answers an envelope the router could not read: the oldest publish waiting, a retried one excepted
     * (the router read it before, so its answer carries its sequence). Network thread.
     */
    void onPublishNack(final PublishNack nack)
    {
        final long sequence = nack.getOriginSequence();
        if (nack.getReason() == NackReason.JOURNAL_UNAVAILABLE && sequence != 0 && retryLater(sequence, nack))
        {
            return;
        }
        final long position = sequence == 0 ? oldestNotRetried() : pending.find(sequence);
        if (position < 0 || !pending.claim(position))
        {
            return;
        }
        fail(position, new PublishRejectedException(nack.getReason(), nack.getDetail(), pending.sequence(position)), true);
    }

    private synchronized long oldestNotRetried()
    {
        if (retries.size() == 0)
        {
            return pending.oldest();
        }
        for (long p = pending.head() + 1; p <= pending.tail(); p++)
        {
            if (pending.isPending(p) && !retries.contains(pending.sequence(p)))
            {
                return p;
            }
        }
        return -1;
    }

    /**
     * Keeps the publish {@code sequence}, nacked JOURNAL_UNAVAILABLE, in the ledger and schedules its resend (see
     * {@link PublishRetries}); false when it is not waiting any more (answered, or the session ended).
     */
    private boolean retryLater(final long sequence, final PublishNack nack)
    {
        final long now = clock.nanoTime();
        final int token;
        final long at;
        synchronized (this)
        {
            final long position = pending.find(sequence);
            if (closed || position < 0)
            {
                return false;
            }
            final PublishRetries.Retry retry = retries.nacked(sequence, requestTimeoutNanos != 0, pending.deadline(position), now,
                nack.getReason(), nack.getDetail());
            token = retry.timer;
            at = retry.nextTimerNanos();
        }
        scheduleRetry(sequence, token, at - now);
        return true;
    }

    private void scheduleRetry(final long sequence, final int token, final long delayNanos)
    {
        scheduler.schedule(() -> onRetryTimer(sequence, token), Math.max(0, delayNanos));
    }

    /**
     * The live timer of a retried publish: forgets the retry when the publish was answered meanwhile; fails it with
     * the last nack once it is past its deadline; else writes the resend when it is due (not while disconnected: the
     * next WELCOME sends every unanswered publish) and waits for the deadline or the next nack. Network thread, like
     * the ack path that releases the frame it writes.
     */
    private void onRetryTimer(final long sequence, final int token)
    {
        final long now = clock.nanoTime();
        final PublishRetries.Retry retry;
        final long position;
        synchronized (this)
        {
            final PublishRetries.Retry current = retries.get(sequence);
            if (current == null || current.timer != token)
            {
                return; // a later nack, resend or the end replaced this timer
            }
            position = pending.find(sequence);
            if (position < 0 || now - current.giveUpNanos >= 0)
            {
                retry = retries.remove(sequence);
            }
            else
            {
                if (current.resendDue && now - current.resendNanos >= 0)
                {
                    current.resendDue = false;
                    if (welcomedLink != null)
                    {
                        current.resends++;
                        welcomedLink.writeAndFlush(pending.frameBuffer(position).retainedSlice(pending.frameOffset(position),
                            pending.frameLength(position)));
                    }
                }
                scheduleRetry(sequence, ++current.timer, current.nextTimerNanos() - now);
                return;
            }
        }
        if (position >= 0 && pending.claim(position))
        {
            fail(position, retry.failure(terminalId, now), true);
        }
    }

    /** Tells a claimed publish's future or the publish listener that it failed, and releases its slot. */
    private void fail(final long position, final Exception cause, final boolean moveHead)
    {
        final long sequence = pending.sequence(position);
        final CompletableFuture<PublishResult> future = pending.future(position);
        pending.release(position, moveHead);
        if (future != null)
        {
            future.completeExceptionally(cause);
        }
        else
        {
            publishListener.onFailed(sequence, cause);
        }
    }

    /**
     * Fails the publishes older than the request timeout (none with timeout zero), one being retried after a
     * JOURNAL_UNAVAILABLE nack with that nack. Network thread, periodically.
     */
    void expirePublishes()
    {
        if (requestTimeoutNanos == 0)
        {
            return;
        }
        final long now = clock.nanoTime();
        for (long p = pending.head() + 1; p <= pending.tail(); p++)
        {
            if (pending.isPending(p))
            {
                if (now - pending.deadline(p) < 0)
                {
                    break; // deadlines are in position order
                }
                if (pending.claim(p))
                {
                    final long sequence = pending.sequence(p);
                    final PublishRetries.Retry retried;
                    synchronized (this)
                    {
                        retried = retries.remove(sequence);
                    }
                    fail(p, retried != null ? retried.failure(terminalId, now) : new TimeoutException("no acknowledgement for "
                        + terminalId + "/" + sequence + " within " + options.requestTimeout().toMillis() + " ms"), true);
                }
            }
        }
    }

    private EmcommException frameTooLarge(final int frameBytes)
    {
        return frameTooLarge(frameBytes, routerMaxFrameBytes);
    }

    private EmcommException frameTooLarge(final int frameBytes, final int limit)
    {
        return new EmcommException("message too large: its PUBLISH frame would be " + frameBytes +
            " bytes, the router at " + (limitRouter == null ? options.routerAddress() : RouterAddresses.describe(limitRouter)) + " accepts at most " + limit +
            " (max_frame_bytes in its WELCOME)", ErrorCode.FRAME_TOO_LARGE, null);
    }

    // ------------------------------------------------------------------ subscriptions

    /** Sends a SUBSCRIBE for {@code call}, or keeps it for the next WELCOME; kept and renewed after every one. */
    void subscribe(final SubscriptionBook.Call call)
    {
        final EmcommException refused;
        synchronized (this)
        {
            refused = closed ? ended() : null;
            if (refused == null)
            {
                lastRequestId = subscriptions.subscribe(call, welcomedLink, lastRequestId);
            }
        }
        fail(call.future(), refused);
    }

    /** Sends an UNSUBSCRIBE; unlike a subscription it is not kept for the next WELCOME: the caller learns now. */
    void unsubscribe(final SubscriptionBook.Call call)
    {
        final EmcommException refused;
        synchronized (this)
        {
            refused = closed ? new EmcommException("client closed") : notWelcomed();
            if (refused == null)
            {
                subscriptions.unsubscribed(++lastRequestId, call);
                welcomedLink.unsubscribe(lastRequestId, call.addresses());
            }
        }
        fail(call.future(), refused);
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
            removal.answer(ack.getOk(), ack.getDetail(), true);
        }
        else if (calls != null)
        {
            calls.forEach(call -> call.answer(ack.getOk(), ack.getDetail(), false));
        }
    }

    // ------------------------------------------------------------------ replays

    /** A replay, or (request null) a latest-positions query: both are answered with REPLAY_ITEMs and a REPLAY_END. */
    CompletableFuture<ReplayResult> replay(final ReplayRequest request, final String positionsRegion, final DeliveryListener listener)
    {
        return replay(new ReplayCall(listener), request, positionsRegion);
    }

    /** As {@link #replay(ReplayRequest, String, DeliveryListener)}, answering {@code call}. */
    CompletableFuture<ReplayResult> replay(final ReplayCall call, final ReplayRequest request, final String positionsRegion)
    {
        final EmcommException refused;
        synchronized (this)
        {
            refused = closed ? ended() : notWelcomed();
            if (refused == null)
            {
                replays.add(++lastRequestId, call); // before the request: its items must find the call
                if (request != null)
                {
                    welcomedLink.replay(lastRequestId, request);
                }
                else
                {
                    welcomedLink.latestPositions(lastRequestId, positionsRegion);
                }
            }
        }
        fail(call.future, refused);
        return call.future;
    }

    /** A non-fatal ERROR refusing a subscription (BAD_ADDRESS_PATTERN) answers the oldest subscribe call. */
    void onError(final Error error)
    {
        if (error.getCode() == ErrorCode.BAD_ADDRESS_PATTERN)
        {
            final List<SubscriptionBook.Call> calls;
            synchronized (this)
            {
                calls = subscriptions.refuseOldest();
            }
            final EmcommException ex = new EmcommException(error.getMessage(), error.getCode(), null);
            calls.forEach(c -> c.future().completeExceptionally(ex));
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void fail(final CompletableFuture<?> future, final EmcommException refused)
    {
        if (refused != null)
        {
            future.completeExceptionally(refused);
        }
    }

    /** Why a request that needs the router now cannot be sent, or null. Guarded by this. */
    private EmcommException notWelcomed()
    {
        return welcomedLink == null ? new EmcommException("not connected to the router") : null;
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
