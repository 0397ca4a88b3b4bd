package io.emcomm.client;

import java.time.Duration;

/**
 * How patient a client is: how long a connection attempt (and a TLS handshake) may take, how long a publish or
 * subscribe may wait for its answer (zero = forever), and how often to send a heartbeat until the router's WELCOME
 * states its own interval. Part of {@link ClientOptions}; immutable.
 */
record Timeouts(Duration connect, Duration request, Duration heartbeat)
{
    static final Timeouts DEFAULT = new Timeouts(ClientOptions.DEFAULT_CONNECT_TIMEOUT, ClientOptions.DEFAULT_REQUEST_TIMEOUT,
        ClientOptions.DEFAULT_HEARTBEAT_INTERVAL);

    Timeouts withConnect(final Duration timeout)
    {
        return new Timeouts(timeout, request, heartbeat);
    }

    Timeouts withRequest(final Duration timeout)
    {
        return new Timeouts(connect, timeout, heartbeat);
    }

    Timeouts withHeartbeat(final Duration interval)
    {
        return new Timeouts(connect, request, interval);
    }

    /**
     * Checks these and the reconnect delays, in the order the options have always been reported.
     *
     * @throws IllegalArgumentException naming the first bad value
     */
    void validate(final ReconnectPolicy reconnect)
    {
        positive("connect timeout", connect);
        reconnect.validate();
        positive("heartbeat interval", heartbeat);
        reconnect.validateMax();
        if (request == null || request.isNegative())
        {
            throw new IllegalArgumentException("request timeout must be zero (none) or positive");
        }
    }

    static void positive(final String name, final Duration value)
    {
        if (value == null || value.isNegative() || value.isZero())
        {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
