package io.emcomm.client;

import java.time.Duration;

/**
 * How a client waits between reconnect attempts: from {@code min}, doubling per failed attempt, up to {@code max},
 * jittered (see {@link Backoff}); with several routers, per failed round of the list, the attempts within a round
 * going at once ({@link ConnectionSupervisor}). Part of {@link ClientOptions}; immutable.
 */
record ReconnectPolicy(Duration min, Duration max)
{
    static final ReconnectPolicy DEFAULT = new ReconnectPolicy(ClientOptions.DEFAULT_RECONNECT_MIN, ClientOptions.DEFAULT_RECONNECT_MAX);

    /** @throws IllegalArgumentException when min is not positive or max is below it */
    void validate()
    {
        Timeouts.positive("reconnect backoff minimum", min);
    }

    /** Checked after the heartbeat interval, as before the split. */
    void validateMax()
    {
        if (max == null || max.compareTo(min) < 0)
        {
            throw new IllegalArgumentException("reconnect backoff maximum is below the minimum");
        }
    }

    Backoff backoff()
    {
        return new Backoff(min, max);
    }
}
