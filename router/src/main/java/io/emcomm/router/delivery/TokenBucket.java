package io.emcomm.router.delivery;

/** A byte budget refilled at a fixed rate, on an injected clock. Event loop only. */
final class TokenBucket
{
    private final long bytesPerSecond;
    private final long burst;
    private long tokens;
    private long lastMicros;

    TokenBucket(final LinkProfile profile, final long nowMicros)
    {
        this.bytesPerSecond = profile.bytesPerSecond();
        this.burst = profile.burstBytes();
        this.tokens = burst;
        this.lastMicros = nowMicros;
    }

    private void refill(final long nowMicros)
    {
        final long elapsed = nowMicros - lastMicros;
        if (elapsed > 0)
        {
            tokens = Math.min(burst, tokens + elapsed * bytesPerSecond / 1_000_000L);
            lastMicros += elapsed * bytesPerSecond / 1_000_000L * 1_000_000L / bytesPerSecond;
            if (tokens == burst)
            {
                lastMicros = nowMicros;
            }
        }
    }

    /** Takes {@code bytes} if the bucket is not in debt; false means wait {@link #microsUntilReady}. */
    boolean tryTake(final int bytes, final long nowMicros)
    {
        refill(nowMicros);
        if (tokens < 0)
        {
            return false;
        }
        tokens -= bytes;
        return true;
    }

    long microsUntilReady(final long nowMicros)
    {
        refill(nowMicros);
        return tokens >= 0 ? 0 : (-tokens * 1_000_000L + bytesPerSecond - 1) / bytesPerSecond;
    }
}
