package io.emcomm.client;

/** Where a client's session with the router stands. */
public enum ConnectionState
{
    /** The router welcomed this terminal (first time, or again after a reconnect). */
    CONNECTED,
    /** The connection was lost; the client is reconnecting with backoff and keeps unacknowledged publishes. */
    DISCONNECTED,
    /** The client is closed, by {@link EmcommClient#close()} or by a fatal router error; it will not reconnect. */
    CLOSED
}
