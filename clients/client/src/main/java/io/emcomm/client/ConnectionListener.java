package io.emcomm.client;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Told of connection state changes, on the client's dispatch thread (see {@link DeliveryListener}), in the
 * order they happen.
 *
 * <p>What a listener sees: {@link ConnectionState#CONNECTED} once {@link EmcommClient#connect} returns. When
 * the link drops, {@link ConnectionState#DISCONNECTED} with the reason, then {@link #onReconnecting} before
 * every attempt to connect again (with the reason the previous attempt failed), then
 * {@link ConnectionState#CONNECTED} when the router welcomes the terminal again, each CONNECTED followed by
 * {@link #onConnected} naming the router. A session ends in exactly one
 * of the final states: {@link ConnectionState#REPLACED} (another login took the terminal; the cause is a
 * {@link SessionReplacedException}) or {@link ConnectionState#CLOSED} (by {@link EmcommClient#close()}, cause
 * null, or by a router error not worth retrying, such as a refused login, with the cause). A client never
 * stops without one of them.
 */
@FunctionalInterface
public interface ConnectionListener
{
    /**
     * @param state the new state
     * @param cause why the connection was lost or the session ended; null for {@link ConnectionState#CONNECTED}
     *              and for {@link EmcommClient#close()}
     */
    void onStateChange(ConnectionState state, Throwable cause);

    /**
     * The client will try to reach the router again: called after {@link ConnectionState#DISCONNECTED} and
     * after every failed attempt, until the router welcomes the terminal again or the client is closed. The
     * delay grows with backoff ({@link ClientOptions.Builder#reconnectBackoff}); with several routers
     * ({@link ClientOptions.Builder#routers}) it is zero for an attempt that fails over to the next router, and
     * the backoff applies once per round of the list. Does nothing by default.
     *
     * @param attempt 1 for the first attempt after the link dropped, then 2, 3, ...
     * @param delay   how long the client waits before the attempt
     * @param cause   why the connection, or the previous attempt, failed
     */
    default void onReconnecting(final int attempt, final Duration delay, final Throwable cause)
    {
    }

    /**
     * The router {@code router} welcomed the terminal: called right after every
     * {@link ConnectionState#CONNECTED}, the first and each after a reconnect. Does nothing by default.
     *
     * @param router the entry of {@link ClientOptions#routers()} connected to, as given there (see
     *               {@link EmcommClient#connectedRouter()})
     */
    default void onConnected(final InetSocketAddress router)
    {
    }
}
