package io.emcomm.router;

import java.util.function.LongSupplier;

/**
 * Wall-clock microseconds without allocating (Instant.now() allocates on every call, and the publish path
 * asks for the time on every message): the wall clock read once, then advanced by System.nanoTime, and
 * re-anchored when the two drift apart by more than a millisecond (NTP steps, suspend).
 */
final class MicrosClock implements LongSupplier
{
    private static final long RESYNC_NANOS = 1_000_000_000L;

    private volatile long baseMicros;
    private volatile long baseNanos;
    private volatile long checkedNanos;

    MicrosClock()
    {
        anchor(System.nanoTime());
    }

    private void anchor(final long nowNanos)
    {
        final java.time.Instant now = java.time.Instant.now();
        baseMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        baseNanos = nowNanos;
        checkedNanos = nowNanos;
    }

    @Override
    public long getAsLong()
    {
        final long nowNanos = System.nanoTime();
        final long micros = baseMicros + (nowNanos - baseNanos) / 1_000;
        if (nowNanos - checkedNanos > RESYNC_NANOS)
        {
            checkedNanos = nowNanos;
            if (Math.abs(System.currentTimeMillis() * 1_000 - micros) > 1_000)
            {
                anchor(nowNanos);
                return baseMicros;
            }
        }
        return micros;
    }
}
