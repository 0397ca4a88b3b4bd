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
    /**
     * The system's clocks: {@link System#nanoTime()}, and the wall clock read with {@link Instant#now()} once a
     * second and carried forward on the monotonic clock in between, so that stamping a publish allocates nothing.
     */
    ClientClock SYSTEM = new ClientClock()
    {
        /** A wall-clock reading and the monotonic time it was taken at; replaced once a second. */
        record Anchor(long nanos, long epochMicros)
        {
        }

        private static final long RESYNC_NANOS = 1_000_000_000L;
        private volatile Anchor anchor = read();

        private static Anchor read()
        {
            final Instant now = Instant.now();
            return new Anchor(System.nanoTime(), now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000);
        }

        @Override
        public long nanoTime()
        {
            return System.nanoTime();
        }

        @Override
        public long epochMicros()
        {
            Anchor a = anchor;
            final long now = System.nanoTime();
            if (now - a.nanos() >= RESYNC_NANOS)
            {
                a = read();
                anchor = a;
            }
            return a.epochMicros() + (now - a.nanos()) / 1_000;
        }
    };

    /** Monotonic nanoseconds from an arbitrary origin; only differences mean anything. */
    long nanoTime();

    /** Wall-clock microseconds since the Unix epoch. */
    long epochMicros();
}
