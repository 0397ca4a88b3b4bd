package io.emcomm.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emcomm.client.ClientOptions;
import io.emcomm.client.ConnectionState;
import io.emcomm.client.Delivery;
import io.emcomm.client.EmcommClient;
import io.emcomm.client.Message;
import io.emcomm.client.PublishRejectedException;
import io.emcomm.protocol.address.Address;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.ReplayRequest;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The command post's session with the router, through the public client like any integrator, with
 * auto-ack off: every delivery is acknowledged on receipt except a FLASH, which waits for the officer's
 * click ({@link #acknowledge(long)}). Until then the router's FLASH chase works as for any silent terminal:
 * a resend, a NOT_DELIVERED receipt to the sender, escalation up the chain (docs/delivery.md).
 *
 * <p>Position reports go to the {@link Picture} (from the router's latest positions at start, then live on
 * {@code channel:positions.>}), receipts to the {@link Outbox}, everything else to the {@link Feed}; each
 * change is pushed to the pages through the {@link EventStream}. Deliveries arrive on the client's dispatch
 * thread; the page's requests on the web server's threads. Thread-safe.
 */
final class PostSession implements AutoCloseable
{
    /** The channel pattern the post watches for position reports. */
    static final String POSITIONS = "positions.>";
    /** The most entries one after-action review returns. */
    static final int REVIEW_LIMIT = 5_000;

    private final ClientOptions options;
    private final ObjectMapper json;
    private final EnvelopeJson envelopes;
    private final EventStream events;
    private final Feed feed = new Feed();
    private final Picture picture;
    private final Outbox outbox = new Outbox();
    private final Roster roster;
    private final AtomicLong tasks = new AtomicLong();
    private final LongSupplier clockMillis;
    private volatile String link = ConnectionState.DISCONNECTED.name();
    /** Set once the login returns; deliveries can be dispatched a moment before that, and wait for it. */
    private final CompletableFuture<EmcommClient> connected = new CompletableFuture<>();

    PostSession(final ClientOptions.Builder options, final ObjectMapper json, final EventStream events,
        final Roster roster, final LongSupplier clockMillis)
    {
        this.roster = roster;
        this.options = options.autoAck(false)
            .deliveryListener(this::onDelivery)
            .connectionListener((state, cause) -> onLink(state, cause))
            .build();
        this.json = json;
        this.envelopes = new EnvelopeJson(json);
        this.events = events;
        this.picture = new Picture(this.options.regionCode());
        this.clockMillis = clockMillis;
    }

    /**
     * Logs in, subscribes to position reports and loads the latest positions of the post's subtree.
     *
     * @throws io.emcomm.client.EmcommException when the router cannot be reached or refuses the post
     */
    void start() throws Exception
    {
        final EmcommClient client;
        try
        {
            client = EmcommClient.connect(options);
        }
        catch (final RuntimeException ex)
        {
            connected.completeExceptionally(ex);
            throw ex;
        }
        connected.complete(client);
        link = ConnectionState.CONNECTED.name();
        client.subscribe(POSITIONS).get(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        for (final Delivery d : client.latestPositions(options.regionCode())
            .get(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS).items())
        {
            position(d);
        }
    }

    private EmcommClient client()
    {
        return connected.join();
    }

    ClientOptions options()
    {
        return options;
    }

    private void onDelivery(final Delivery d)
    {
        final Envelope e = d.envelope();
        switch (e.getBodyCase())
        {
            case POSITION ->
            {
                position(d);
                client().ack(d.journalIndex());
            }
            case RECEIPT ->
            {
                final ObjectNode sent = outbox.receipt(envelopes.receipt(e.getReceipt()));
                if (sent != null)
                {
                    events.publish("sent", sent);
                }
                client().ack(d.journalIndex());
            }
            default ->
            {
                // A delivery says who sent it, not what kind of terminal or where: those come from /status.
                roster.heard(d.origin(), "", "", d.journaledAtMicros() / 1000);
                final Feed.Recorded r;
                // Recorded and queued for the pages under the feed's lock, as acknowledge() does: otherwise a
                // resent FLASH's copy (still held) could reach the page after the officer's release and raise the
                // banner again for good. publish() only queues on the one writer thread, so the lock is short.
                synchronized (feed)
                {
                    r = feed.record(d.journalIndex(), envelopes.delivery(d), d.precedence() == Precedence.FLASH);
                    events.publish("entry", r.entry());
                }
                if (r.ackNow())
                {
                    client().ack(d.journalIndex());
                }
            }
        }
    }

    private void position(final Delivery d)
    {
        final ObjectNode entry = picture.update(envelopes.delivery(d));
        if (entry != null)
        {
            roster.heard(entry.get("terminal").asText(), entry.get("kind").asText(), entry.get("region").asText(),
                entry.get("at").asLong());
            events.publish("position", entry);
        }
    }

    private void onLink(final ConnectionState state, final Throwable cause)
    {
        link = state.name();
        events.publish("link", linkJson(cause));
    }

    /**
     * The officer acknowledged a FLASH: now the DELIVERY_ACK goes to the router.
     *
     * @return false when no FLASH with this journal index is waiting (unknown or already acknowledged)
     */
    boolean acknowledge(final long journalIndex)
    {
        final ObjectNode entry;
        synchronized (feed) // the event order is the order of the feed's changes (see onDelivery)
        {
            entry = feed.acknowledge(journalIndex, clockMillis.getAsLong());
            if (entry == null)
            {
                return false;
            }
            events.publish("entry", entry);
        }
        client().ack(journalIndex);
        return true;
    }

    /**
     * Publishes what the officer composed.
     *
     * @return completed with the sent message's summary once the router journaled it; failed with
     * {@link IllegalArgumentException} for bad input (nothing sent) or {@link PublishRejectedException}
     * when the router refused it
     */
    CompletableFuture<ObjectNode> send(final Compose compose)
    {
        final Message message = compose.toMessage(tasks.incrementAndGet());
        final long now = clockMillis.getAsLong();
        return client().publish(message).thenApplyAsync(r ->
        {
            final ObjectNode sent = json.createObjectNode()
                .put("id", r.messageId())
                .put("index", r.journalIndex())
                .put("at", now)
                .put("body", compose.body())
                .put("precedence", compose.precedenceValue().name())
                .put("summary", compose.title() != null && !compose.title().isBlank() ? compose.title() : compose.text());
            final var to = sent.putArray("to");
            compose.to().forEach(to::add);
            final ObjectNode copy = outbox.sent(sent);
            events.publish("sent", copy);
            return copy;
        });
    }

    /**
     * After-action review: what the journal holds for the post's region between two instants (REPLAY with
     * the post's region code: messages from terminals registered in its subtree, and messages to a
     * {@code region:} or {@code up:} address in it; docs/protocol.md section 8.1), oldest first, at most
     * {@link #REVIEW_LIMIT}.
     *
     * @param fromMillis start, inclusive, milliseconds since the Unix epoch (router clock)
     * @param toMillis   end, inclusive
     * @return completed with the entries as {@link EnvelopeJson#delivery} JSON; failed with
     * {@link io.emcomm.client.EmcommException} when the router refuses the request
     */
    CompletableFuture<ArrayNode> review(final long fromMillis, final long toMillis)
    {
        final ReplayRequest request = ReplayRequest.newBuilder()
            .setRegionCode(options.regionCode())
            .setFromMicros(fromMillis * 1000)
            .setToMicros(toMillis * 1000 + 999)
            .setLimit(REVIEW_LIMIT)
            .build();
        return client().replay(request).thenApply(result ->
        {
            final ArrayNode items = json.createArrayNode();
            result.items().forEach(d -> items.add(envelopes.delivery(d)));
            return items;
        });
    }

    /** Everything a page needs to draw itself; sent first on every event stream. */
    ObjectNode snapshot()
    {
        final ObjectNode s = json.createObjectNode();
        s.putObject("post")
            .put("id", options.terminalId())
            .put("kind", Address.kindName(options.kind()))
            .put("region", options.regionCode())
            .put("router", options.host() + ":" + options.port());
        s.set("link", linkJson(null));
        s.set("feed", feed.snapshot());
        s.set("positions", picture.snapshot());
        s.set("sent", outbox.snapshot());
        s.set("roster", roster.snapshot());
        return s;
    }

    private ObjectNode linkJson(final Throwable cause)
    {
        return json.createObjectNode().put("state", link).put("cause", cause == null ? "" : String.valueOf(cause.getMessage()));
    }

    /** The reason a publish failed, unwrapped from the future's wrapper. */
    static Throwable cause(final Throwable failure)
    {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    @Override
    public void close()
    {
        connected.completeExceptionally(new IllegalStateException("the console is closing"));
        if (connected.isDone() && !connected.isCompletedExceptionally())
        {
            connected.join().close();
        }
    }
}
