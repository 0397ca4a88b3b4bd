package io.emcomm.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential reconnect backoff with jitter: attempt n waits a random time between half and all of
 * min * 2^n, capped at max. The jitter keeps a fleet of terminals that lost the router together from
 * reconnecting in lock step.
 */
final class Backoff
{
    private final long minNanos;
    private final long maxNanos;

    Backoff(final Duration min, final Duration max)
    {
        this.minNanos = min.toNanos();
        this.maxNanos = max.toNanos();
    }

    /** The ceiling for attempt {@code attempt} (0-based), before jitter. */
    long ceilingNanos(final int attempt)
    {
        final int shift = Math.min(attempt, 62 - (63 - Long.numberOfLeadingZeros(Math.max(1, minNanos))));
        final long exponential = shift <= 0 ? minNanos : minNanos << shift;
        return Math.min(maxNanos, Math.max(minNanos, exponential));
    }

    /** The delay before attempt {@code attempt}, jittered into [ceiling/2, ceiling]. */
    long delayNanos(final int attempt)
    {
        final long ceiling = ceilingNanos(attempt);
        final long half = ceiling / 2;
        return half + ThreadLocalRandom.current().nextLong(ceiling - half + 1);
    }
}
