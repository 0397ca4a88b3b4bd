package io.emcomm.client;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Records what a {@link ConnectionListener} is told, in order, for tests to take one by one. */
final class ConnectionEvents implements ConnectionListener
{
    /**
     * A state change ({@code attempt} 0), a reconnect announcement ({@code state} null, with its {@code delay}), or
     * the router named after a CONNECTED ({@link #routers()}, not an event).
     */
    record Event(ConnectionState state, int attempt, Throwable cause, Duration delay)
    {
        @Override
        public String toString()
        {
            return (state != null ? state.toString() : "RECONNECTING " + attempt) + (cause != null ? " (" + cause.getMessage() + ")" : "");
        }
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final java.util.List<InetSocketAddress> routers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final BlockingQueue<InetSocketAddress> routersToTake = new LinkedBlockingQueue<>();

    @Override
    public void onStateChange(final ConnectionState state, final Throwable cause)
    {
        events.add(new Event(state, 0, cause, null));
    }

    @Override
    public void onReconnecting(final int attempt, final Duration delay, final Throwable cause)
    {
        events.add(new Event(null, attempt, cause, delay));
    }

    @Override
    public void onConnected(final InetSocketAddress router)
    {
        routers.add(router);
        routersToTake.add(router);
    }

    /**
     * The router of the next {@link #onConnected} not taken yet, waiting up to 10 s: it is told just after the
     * CONNECTED that {@link #expect} may already have taken.
     */
    InetSocketAddress nextRouter() throws InterruptedException
    {
        final InetSocketAddress router = routersToTake.poll(10, TimeUnit.SECONDS);
        assertNotNull(router, "no onConnected within 10 s");
        return router;
    }

    /** The router of every {@link #onConnected}, in order (told after each CONNECTED). */
    java.util.List<InetSocketAddress> routers()
    {
        return java.util.List.copyOf(routers);
    }

    /** The next event, failing the test when none comes within 10 s. */
    Event next() throws InterruptedException
    {
        final Event e = events.poll(10, TimeUnit.SECONDS);
        assertNotNull(e, "no connection event within 10 s");
        return e;
    }

    /** The next event, which must be a state change to {@code expected}. */
    Event expect(final ConnectionState expected) throws InterruptedException
    {
        final Event e = next();
        assertEquals(expected, e.state(), "event " + e);
        return e;
    }

    /** The next event, which must announce reconnect attempt {@code attempt}. */
    Event expectReconnecting(final int attempt) throws InterruptedException
    {
        final Event e = next();
        assertEquals("RECONNECTING " + attempt, e.state() == null ? "RECONNECTING " + e.attempt() : e.state().toString(), "event " + e);
        return e;
    }

    /** Events recorded and not taken yet. */
    java.util.List<Event> pending()
    {
        return java.util.List.copyOf(events);
    }
}
