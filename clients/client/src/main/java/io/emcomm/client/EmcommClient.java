package io.emcomm.client;

import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.ReplayRequest;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * One terminal's session with an EmComm router: publish, subscribe, receive, acknowledge, replay.
 *
 * <h2>Delivery guarantees</h2>
 * A publish future completes when the router has journaled the message. Until then the client keeps the
 * message; if the connection drops it reconnects with exponential backoff, logs in again, re-subscribes and
 * sends every unacknowledged message again with the same origin sequence, which the router recognises and
 * acknowledges with the original journal index ({@link PublishResult#duplicate()}). Deliveries are at least
 * once: a delivery not acknowledged before a disconnect is delivered again after the reconnect. Ask for
 * delivery receipts with {@link Message#wantReceipts(boolean)}; they arrive as deliveries with a
 * {@code Receipt} body.
 *
 * <h2>How a session ends</h2>
 * Only in one of two final states, always told to the {@link ConnectionListener} with the cause:
 * {@link ConnectionState#REPLACED} when the same terminal id logged in elsewhere (the client does not
 * reconnect; every outstanding and later request fails with {@link SessionReplacedException}, whose message
 * names the other login's address), or {@link ConnectionState#CLOSED} after {@link #close()} or after a router
 * error that would recur on every reconnect (a refused login: bad id, region, kind, link profile or
 * credential; a frame the router could not accept). Everything else (a dropped link, a router restart, idle or
 * slow-consumer disconnects, GOING_AWAY) is retried with backoff, and the listener sees each attempt.
 *
 * <h2>Several routers</h2>
 * Given the router nodes of a site ({@link ClientOptions.Builder#routers}), the client connects to the first that
 * welcomes it and, when that connection is lost, goes on to the next node at once, backing off only after the
 * whole list has failed; everything above (resend with the same origin sequence, re-subscribe) happens against
 * whichever node it reaches. {@link #connectedRouter()} and {@link ConnectionListener#onConnected} say which.
 *
 * <h2>Frame sizes</h2>
 * The router's WELCOME states its {@code max_frame_bytes}; the client accepts frames up to that plus 128 and
 * refuses, without sending it, a publish whose frame would be longer (protocol.md §1).
 *
 * <h2>Threads</h2>
 * Every method is thread-safe. For a high publish rate use a {@link Publisher} (no future per message, writes
 * batched until {@link #flush()}) and for a high delivery rate a {@link DeliveryHandler} (no thread hand-off, lock or
 * allocation per delivery; {@link #replayInto} for replay). Publishes from several threads are numbered and sent in
 * one order. Futures are completed on the client's network thread: do not block in a non-async dependent stage
 * ({@code thenApply}, {@code whenComplete}); use the {@code *Async} variants or block in your own thread.
 * Listeners run on the client's dispatch thread (see {@link DeliveryListener}), where blocking on a future
 * is safe.
 *
 * <pre>{@code
 * try (EmcommClient client = EmcommClient.connect(options)) {
 *     PublishResult r = client.publish(Message.text("on scene").to("terminal:cp-5201")).get();
 * }
 * }</pre>
 */
public interface EmcommClient extends AutoCloseable
{
    /**
     * Connects to the router and logs in. Returns once the router has welcomed the terminal. With several routers
     * ({@link ClientOptions.Builder#routers}) they are tried in order until one welcomes the terminal.
     *
     * @throws EmcommException when no router can be reached within the connect timeout (with several, each
     *                         router's reason is in the message) or one refuses the terminal (bad id, region, kind,
     *                         credential); nothing is left running
     */
    static EmcommClient connect(final ClientOptions options)
    {
        return ClientSession.connect(options);
    }

    /** This terminal's id, the origin of everything it publishes. */
    String terminalId();

    /** The current connection state. */
    ConnectionState state();

    /**
     * The router this client is connected to: the entry of {@link ClientOptions#routers()} (the very object given
     * there, possibly unresolved) whose WELCOME the current connection received; null while not
     * {@link ConnectionState#CONNECTED} (disconnected, reconnecting, or ended). Any thread.
     */
    InetSocketAddress connectedRouter();

    /**
     * Publishes a message. The client stamps the origin, the next origin sequence and the creation time.
     *
     * @return completed with the PUBLISH_ACK; failed with {@link PublishRejectedException} on a PUBLISH_NACK (one
     * with reason {@code JOURNAL_UNAVAILABLE} only after it was sent again with its sequence until the request timeout),
     * with {@link java.util.concurrent.TimeoutException} after the request timeout, with
     * {@link SessionReplacedException} when another login replaced the session, or with {@link EmcommException}
     * when the client closes first, too many publishes are outstanding, or the message's PUBLISH frame would be
     * longer than the router's {@code max_frame_bytes} (error code {@code FRAME_TOO_LARGE}; nothing is sent)
     */
    CompletableFuture<PublishResult> publish(Message message);

    /** Publishes an envelope built by hand; its origin and origin sequence are overwritten. */
    CompletableFuture<PublishResult> publish(Envelope.Builder envelope);

    /**
     * The high-rate publish path to fixed destinations: offers encoded straight into the outbound buffer, back-pressure
     * as a return value, outcomes to the {@link PublishListener} of {@link ClientOptions.Builder#publishListener}
     * (see {@link Publisher}). Make one per destination list and keep it; it shares this client's sequence, window
     * and connection with {@link #publish}.
     *
     * @param addresses destination addresses ({@code terminal:}, {@code channel:}, {@code region:}, {@code up:};
     *                  protocol.md §5)
     * @throws IllegalArgumentException when there is no address or one does not parse
     */
    Publisher publisher(String... addresses);

    /** Writes out every {@link Publisher} offer not yet flushed, in one flush (the same as {@link Publisher#flush()}). */
    void flush();

    /**
     * Subscribes to channels. Patterns may be written with or without the {@code channel:} prefix and use
     * {@code *} for one token and {@code >} for the rest: {@code flood.5201.*}, {@code positions.>}.
     * Subscriptions are kept and renewed after every reconnect.
     *
     * @return completed by the router's SUBSCRIPTION_ACK; failed with {@link EmcommException} when a pattern
     * is malformed or the router refuses it
     */
    CompletableFuture<Void> subscribe(String... channelPatterns);

    /**
     * Removes channel subscriptions of this terminal id (UNSUBSCRIBE, protocol.md §6), by the exact pattern text
     * as for {@link #subscribe(String...)}, with or without the {@code channel:} prefix. Removing a pattern that is
     * not held is not an error. Subscriptions belong to the terminal id, so this also ends subscriptions made by
     * earlier sessions; the client stops renewing these patterns after reconnects.
     *
     * @return completed by the router's SUBSCRIPTION_ACK; failed with {@link EmcommException} when a pattern is
     * malformed, the router refuses the request, the client is not connected, or the connection drops before
     * the answer (send it again: removing twice is harmless)
     */
    CompletableFuture<Void> unsubscribe(String... channelPatterns);

    /**
     * Acknowledges a delivery by hand (with auto-ack off). Acknowledging an index twice, or while
     * disconnected, is harmless: the router keeps the delivery until an ack reaches it.
     */
    void ack(long journalIndex);

    /**
     * Asks the router for journal entries matching the request's filters and collects them. The request id
     * is assigned by the client.
     *
     * @return completed at REPLAY_END with the entries in journal order; failed with {@link EmcommException}
     * when the router refuses the request or the connection drops before the end
     */
    CompletableFuture<ReplayResult> replay(ReplayRequest request);

    /**
     * Like {@link #replay(ReplayRequest)}, but streams each entry to {@code listener} (on the dispatch
     * thread) instead of collecting them; the result's item list is empty.
     */
    CompletableFuture<ReplayResult> replay(ReplayRequest request, DeliveryListener listener);

    /**
     * The high-rate replay path: like {@link #replay(ReplayRequest, DeliveryListener)}, but each REPLAY_ITEM goes to
     * {@code handler} as it is read, through the same {@link DeliveryView} flyweight as a live delivery to a
     * {@link DeliveryHandler}: on the client's network thread, with no object per item and no hand-off to the dispatch
     * thread. The view is valid only during the call (copy out what must outlive it); its
     * {@link DeliveryView#deliverySeq()} reads 0, as replay items carry none. Items come in journal order, each once.
     *
     * <p>Replay items are never acknowledged (protocol.md section 7.3), so unlike the live path nothing is acked when
     * the handler returns. A handler that throws loses only that item: the exception goes to the network thread's
     * uncaught exception handler, and the replay and the connection go on. Do not block in the handler (the same
     * thread reads every connection of the client).
     *
     * <p>Not an overload of {@code replay}: a lambda or method reference would fit both callback types and no longer
     * compile against the existing method.
     *
     * @param request what to replay (protocol.md section 8.1); its request id is assigned by the client
     * @param handler called once per item, on the network thread
     * @return completed at REPLAY_END, on the network thread, after {@code handler} has returned for the last item,
     * with the router's count, last index and damaged count and an empty item list; failed with
     * {@link EmcommException} when the router refuses the request (BAD_REPLAY_REQUEST), the client is not connected,
     * or the connection drops before the end (items handled until then stay handled)
     * @throws NullPointerException when {@code request} or {@code handler} is null
     */
    CompletableFuture<ReplayResult> replayInto(ReplayRequest request, DeliveryHandler handler);

    /**
     * The last known position report of every terminal registered in {@code regionCode}'s subtree, one
     * entry per terminal (a common operating picture for a command post that just came online).
     *
     * @return completed with the reports; failed with {@link EmcommException} when the router refuses the
     * request or the connection drops before the end
     */
    CompletableFuture<ReplayResult> latestPositions(String regionCode);

    /**
     * Closes the session and releases its threads; the listener is told {@link ConnectionState#CLOSED} with no
     * cause. Outstanding futures fail with {@link EmcommException}. Idempotent: after the session has ended
     * (CLOSED or REPLACED) it does nothing.
     */
    @Override
    void close();
}
