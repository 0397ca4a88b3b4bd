package io.emcomm.client;

import java.time.Instant;

/**
 * The time a client reads: a monotonic clock for deadlines and backoff, and the wall clock for the
 * {@code created_at_micros} it stamps on publishes and heartbeats. Injected into the conductor, the supervisor and
 * the connection handler so that tests can drive them on a manual clock; {@link #SYSTEM} everywhere else.
 *
 * <p>Implementations are called from any thread and must be thread-safe; the system clock allocates nothing for
 * {@link #nanoTime()} (publish deadlines are read on the publish path).
 */
interface ClientClock
{
    /** The system's clocks: {@link System#nanoTime()} and {@link Instant#now()}. */
    ClientClock SYSTEM = new ClientClock()
    {
        @Override
        public long nanoTime()
        {
            return System.nanoTime();
        }

        @Override
        public long epochMicros()
        {
            final Instant now = Instant.now();
            return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        }
    };

    /** Monotonic nanoseconds from an arbitrary origin; only differences mean anything. */
    long nanoTime();

    /** Wall-clock microseconds since the Unix epoch. */
    long epochMicros();
}
