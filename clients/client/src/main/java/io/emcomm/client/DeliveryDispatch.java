package io.emcomm.client;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emcomm.protocol.wire.Error;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.ReplayEnd;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * The inbound data path: DELIVERY frames to the delivery listener and REPLAY_ITEM and REPLAY_END frames to their
 * replay calls, on the {@link Dispatcher}'s thread in arrival order, and DELIVERY_ACKs back through the welcomed
 * connection's {@link RouterProxy}.
 *
 * <p>Threads: the network thread calls {@link #onDelivery} and {@link #onReplayItem}, the dispatch thread or a user
 * thread {@link #ack}; none of them takes a lock (replay calls are found in the concurrent {@link ReplayBook}).
 * They read two volatiles the {@link ClientConductor} writes under
 * its own lock: the welcomed connection (null while disconnected, so acks are dropped and the router delivers
 * again after the reconnect) and whether the session has ended (deliveries still queued then are dropped). Per
 * message the {@link DeliveryListener} path allocates the {@link Delivery} and its dispatch task; the
 * {@link DeliveryHandler} path, and auto-ack without a listener, allocate nothing: the frame is read in place through
 * the connection's {@link DeliveryView}, on the network thread, and the acks go into the connection's {@link AckBatch}.
 * Replay items go the same two ways: decoded for the dispatch thread, or read in place for an in-place replay call.
 */
final class DeliveryDispatch
{
    /** {@code Delivery.replay_request_id}: set on REPLAY_ITEM only (protocol.md section 7). */
    private static final int REPLAY_REQUEST_ID = 4;

    private final DeliveryListener listener;
    private final DeliveryHandler handler;
    private final boolean autoAck;
    private final Dispatcher dispatcher;
    private final ReplayBook replays;
    private volatile RouterProxy welcomedLink;
    private volatile boolean ended;

    DeliveryDispatch(final ClientOptions options, final Dispatcher dispatcher, final ReplayBook replays)
    {
        this.listener = options.deliveryListener();
        this.handler = options.deliveryHandler();
        this.autoAck = options.autoAck();
        this.dispatcher = dispatcher;
        this.replays = replays;
    }

    /** The connection acks go to from now on; null while disconnected. Called by the conductor. */
    void welcomed(final RouterProxy link)
    {
        welcomedLink = link;
    }

    /** The session ended: queued deliveries are not given to the listener. Called by the conductor. */
    void end()
    {
        ended = true;
        welcomedLink = null;
    }

    /**
     * A DELIVERY frame's payload, [offset, offset + length) of {@code frame}, from {@code source}: to the
     * {@link DeliveryHandler} through {@code view} on this (the network) thread, or, without a handler, acknowledged
     * at once (no listener) or decoded for the listener's dispatch thread. Auto-acks of the first two go into
     * {@code acks}, written at the end of the read batch.
     *
     * @throws InvalidProtocolBufferException when the payload is not a Delivery
     */
    void onDelivery(final Channel source, final ByteBuf frame, final int offset, final int length, final DeliveryView view,
        final AckBatch acks) throws InvalidProtocolBufferException
    {
        if (handler != null)
        {
            if (!view.wrap(frame, offset, length))
            {
                throw new InvalidProtocolBufferException("malformed DELIVERY");
            }
            if (ended)
            {
                return;
            }
            boolean handled = false;
            try
            {
                handler.onDelivery(view);
                handled = true;
            }
            catch (final RuntimeException | java.lang.Error ex)
            {
                final Thread t = Thread.currentThread();
                t.getUncaughtExceptionHandler().uncaughtException(t, ex);
            }
            if (autoAck)
            {
                if (handled)
                {
                    acks.handled(view.journalIndex(), view.deliverySeq());
                }
                else
                {
                    acks.notHandled();
                }
            }
            return;
        }
        if (listener == null)
        {
            if (autoAck)
            {
                acks.handled(WireScan.findVarint(frame, offset, length, 1, 0), WireScan.findVarint(frame, offset, length, 5, 0));
            }
            return;
        }
        onDelivery(source, io.emcomm.protocol.wire.Delivery.parseFrom(frame.nioBuffer(offset, length)));
    }

    /**
     * A DELIVERY from {@code source}: to the listener on the dispatch thread, then (auto-ack) acknowledged; without
     * a listener acknowledged at once. Reading from {@code source} pauses while the dispatch backlog is long.
     */
    void onDelivery(final Channel source, final io.emcomm.protocol.wire.Delivery wire)
    {
        final long index = wire.getJournalIndex();
        if (listener == null)
        {
            if (autoAck)
            {
                ack(index, true);
            }
            return;
        }
        final Delivery delivery = Delivery.of(wire);
        dispatcher.execute(() ->
        {
            if (ended)
            {
                return;
            }
            if (Dispatcher.deliver(listener, delivery) && autoAck)
            {
                // Acks are flushed when the backlog is drained: one syscall for a burst of deliveries.
                ack(index, dispatcher.backlog() <= 1);
            }
        }, source);
    }

    /**
     * A REPLAY_ITEM's payload, [offset, offset + length) of {@code frame}, from {@code source}: to its replay call,
     * or dropped when the call is no longer waiting. An in-place call ({@link EmcommClient#replayInto}) gets it
     * through {@code view} on this (the network) thread, with nothing allocated; the others get a {@link Delivery}
     * on the dispatch thread. Replay items are never acknowledged (protocol.md section 7.3).
     *
     * @throws InvalidProtocolBufferException when the payload is not a Delivery
     */
    void onReplayItem(final Channel source, final ByteBuf frame, final int offset, final int length, final DeliveryView view)
        throws InvalidProtocolBufferException
    {
        final long requestId = WireScan.findVarint(frame, offset, length, REPLAY_REQUEST_ID, 0);
        final ReplayCall call = requestId == 0 ? null : replays.get(requestId);
        if (call == null)
        {
            return;
        }
        if (call.inPlace())
        {
            if (!view.wrap(frame, offset, length))
            {
                throw new InvalidProtocolBufferException("malformed REPLAY_ITEM");
            }
            if (!ended)
            {
                call.accept(view);
            }
            return;
        }
        final Delivery item = Delivery.of(io.emcomm.protocol.wire.Delivery.parseFrom(frame.nioBuffer(offset, length)));
        dispatcher.execute(() -> call.accept(item), source);
    }

    /**
     * A REPLAY_END: completes its call after the call's items: on the dispatch thread, or at once (network thread)
     * for an in-place call, whose items have all been handled by now.
     */
    void onReplayEnd(final ReplayEnd end)
    {
        final ReplayCall call = replays.remove(end.getRequestId());
        if (call == null)
        {
            return;
        }
        if (call.inPlace())
        {
            call.end(end.getCount(), end.getLastIndex(), end.getDamaged());
        }
        else
        {
            dispatcher.execute(() -> call.end(end.getCount(), end.getLastIndex(), end.getDamaged()));
        }
    }

    /** A non-fatal ERROR refusing a replay (BAD_REPLAY_REQUEST) answers the oldest replay waiting. */
    void onError(final Error error)
    {
        if (error.getCode() == ErrorCode.BAD_REPLAY_REQUEST)
        {
            final ReplayCall call = replays.removeOldest();
            if (call != null)
            {
                final EmcommException ex = new EmcommException(error.getMessage(), error.getCode(), null);
                dispatcher.execute(() -> call.future.completeExceptionally(ex));
            }
        }
    }

    /** DELIVERY_ACK of {@code journalIndex}; dropped while not welcomed (the router keeps the delivery). */
    void ack(final long journalIndex, final boolean flush)
    {
        final RouterProxy out = welcomedLink;
        if (out != null)
        {
            out.deliveryAck(journalIndex, flush);
        }
    }
}
