package io.emcomm.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.sse.SseClient;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Pushes the post's events to every open page as server-sent events: {@code snapshot} (the whole state, first
 * on every new connection), then {@code entry}, {@code position}, {@code sent}, {@code link}, {@code roster} (who is there, {@link Roster}).
 *
 * <p>One thread writes to the pages, so events leave in the order they were published and a slow browser
 * never holds up the client's dispatch thread. A page that connects is sent the snapshot on that same
 * thread, after every event published before it: it may see an event twice (the page upserts), never miss
 * one.
 */
final class EventStream implements AutoCloseable
{
    private final ObjectMapper json;
    private final List<SseClient> pages = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r ->
    {
        final Thread t = new Thread(r, "console-events");
        t.setDaemon(true);
        return t;
    });

    EventStream(final ObjectMapper json)
    {
        this.json = json;
        // A comment now and then keeps an idle stream open through the web server's idle timeout and proxies.
        writer.scheduleAtFixedRate(() -> pages.forEach(page ->
        {
            if (!page.terminated())
            {
                page.sendComment("keep-alive");
            }
        }), KEEP_ALIVE_SECONDS, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS);
    }

    /** How often an idle stream gets a comment. */
    static final long KEEP_ALIVE_SECONDS = 15;

    /** A page opened the stream: send it the snapshot, then everything published after. */
    void open(final SseClient page, final Supplier<JsonNode> snapshot)
    {
        page.keepAlive();
        page.onClose(() -> pages.remove(page));
        writer.execute(() ->
        {
            send(page, "snapshot", snapshot.get());
            pages.add(page);
        });
    }

    /** Queues an event for every open page; never blocks. */
    void publish(final String event, final JsonNode data)
    {
        if (!writer.isShutdown())
        {
            writer.execute(() -> pages.forEach(page -> send(page, event, data)));
        }
    }

    int openPages()
    {
        return pages.size();
    }

    private void send(final SseClient page, final String event, final JsonNode data)
    {
        try
        {
            if (!page.terminated())
            {
                page.sendEvent(event, json.writeValueAsString(data));
            }
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalStateException("cannot write " + event + " as JSON", ex);
        }
    }

    @Override
    public void close()
    {
        writer.shutdown();
        try
        {
            writer.awaitTermination(2, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        pages.forEach(SseClient::close);
    }
}
