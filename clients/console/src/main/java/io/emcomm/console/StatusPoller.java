package io.emcomm.console;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Reads the router's {@code GET /status} every {@link #INTERVAL_MS} into the {@link Roster} and pushes the
 * roster to the pages (event {@code roster}) whenever what it shows has changed, including what the post heard
 * between two readings. Without an admin endpoint ({@code --router-admin none}) it only does the latter.
 *
 * <p>An unreachable, slow or wrong endpoint is shown in the health ("unreachable" and why), never an error
 * of the console: the officer's page and the post's session do not depend on it. One daemon thread; each
 * reading waits at most {@link #TIMEOUT}, so a hung endpoint delays the next reading, never piles them up.
 */
final class StatusPoller implements AutoCloseable
{
    /** Milliseconds between two readings. */
    static final long INTERVAL_MS = 2_000;
    /** The longest a reading may take, connecting included. */
    static final Duration TIMEOUT = Duration.ofMillis(1_500);

    private final URI admin;
    private final Roster roster;
    private final EventStream events;
    private final ObjectMapper json;
    private final LongSupplier clockMillis;
    private final HttpClient http;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r ->
    {
        final Thread t = new Thread(r, "console-status");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param admin the admin endpoint's base URL, e.g. {@code http://127.0.0.1:7401}; null = do not poll
     */
    StatusPoller(final URI admin, final Roster roster, final EventStream events, final ObjectMapper json,
        final LongSupplier clockMillis)
    {
        this.admin = admin;
        this.roster = roster;
        this.events = events;
        this.json = json;
        this.clockMillis = clockMillis;
        this.http = admin == null ? null : HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    /** Takes the first reading now and then every {@link #INTERVAL_MS}. */
    StatusPoller start()
    {
        timer.scheduleWithFixedDelay(this::tick, 0, INTERVAL_MS, TimeUnit.MILLISECONDS);
        return this;
    }

    /** One reading and, if anything shown changed, one push. Poller thread (tests call it directly). */
    void tick()
    {
        if (admin != null)
        {
            poll();
        }
        if (roster.takeChanged())
        {
            events.publish("roster", roster.snapshot());
        }
    }

    private void poll()
    {
        try
        {
            roster.status(RouterStatus.read(http, admin, TIMEOUT, json), clockMillis.getAsLong());
        }
        catch (final HttpTimeoutException ex)
        {
            roster.unreachable("admin endpoint " + admin + " did not answer within " + TIMEOUT.toMillis() + " ms",
                clockMillis.getAsLong());
        }
        catch (final IOException ex)
        {
            roster.unreachable("admin endpoint unreachable: " + admin + " (" + reason(ex) + ")", clockMillis.getAsLong());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final RuntimeException ex)
        {
            // A bug or an odd document must not stop the readings: the timer would cancel the task for good.
            roster.unreachable("admin endpoint " + admin + " gave an unreadable answer (" + reason(ex) + ")",
                clockMillis.getAsLong());
        }
    }

    private static String reason(final Exception ex)
    {
        return ex.getMessage() != null ? ex.getMessage() : ex.getClass().getSimpleName();
    }

    @Override
    public void close()
    {
        timer.shutdownNow();
        try
        {
            timer.awaitTermination(2, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
