package io.emcomm.client;

/** Told of connection state changes, on the client's dispatch thread (see {@link DeliveryListener}). */
@FunctionalInterface
public interface ConnectionListener
{
    /**
     * @param state the new state
     * @param cause why the connection was lost or the client closed; null for {@link ConnectionState#CONNECTED}
     *              and for an orderly close
     */
    void onStateChange(ConnectionState state, Throwable cause);
}
