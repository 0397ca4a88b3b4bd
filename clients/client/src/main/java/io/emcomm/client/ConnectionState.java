package io.emcomm.client;

/** Where a client's session with the router stands. */
public enum ConnectionState
{
    /** The router welcomed this terminal (first time, or again after a reconnect). */
    CONNECTED,
    /**
     * The connection was lost; the client is reconnecting (to the next router of its list, with backoff once the
     * whole list has failed) and keeps unacknowledged publishes.
     */
    DISCONNECTED,
    /**
     * The router closed this session because the same terminal id logged in again elsewhere
     * ({@code SESSION_REPLACED}, protocol.md §3). Final: the client does not reconnect, since that would take
     * the terminal back from the newer login; the listener's cause is a {@link SessionReplacedException} that
     * names the other login's address.
     */
    REPLACED,
    /** The client is closed, by {@link EmcommClient#close()} or by a fatal router error; it will not reconnect. */
    CLOSED
}
