package io.emcomm.router.security;

/**
 * Per-connection message and byte budgets (token buckets refilled on a clock). FLASH keeps a floor: when
 * the main budget is spent, FLASH messages still pass at up to {@code flashFloorPerSecond}, so a terminal
 * that has used its budget on routine traffic can still raise the alarm. Event loop only; no allocation.
 */
public final class PublishRateLimiter
{
    private final Bucket messages;
    private final Bucket bytes;
    private final Bucket flashFloor;

    /**
     * Per-connection budgets of messages and bytes per second (docs/security.md); FLASH keeps a floor of its own so a
     * flood of ROUTINE cannot silence it. Event loop of the connection.
     * @param nowMicros the clock at creation, microseconds
     */
    public PublishRateLimiter(final long messagesPerSecond, final long bytesPerSecond, final long flashFloorPerSecond,
        final long nowMicros)
    {
        messages = messagesPerSecond > 0 ? new Bucket(messagesPerSecond, nowMicros) : null;
        bytes = bytesPerSecond > 0 ? new Bucket(bytesPerSecond, nowMicros) : null;
        flashFloor = new Bucket(Math.max(1, flashFloorPerSecond), nowMicros);
    }

    /** True when a message of this size may be published now; takes it from the budgets. */
    public boolean tryAcquire(final int size, final boolean flash, final long nowMicros)
    {
        final boolean withinMessages = messages == null || messages.available(nowMicros) >= 1;
        final boolean withinBytes = bytes == null || bytes.available(nowMicros) >= size;
        if (withinMessages && withinBytes)
        {
            if (messages != null)
            {
                messages.take(1);
            }
            if (bytes != null)
            {
                bytes.take(size);
            }
            return true;
        }
        if (flash && flashFloor.available(nowMicros) >= 1)
        {
            flashFloor.take(1);
            return true;
        }
        return false;
    }

    /** A bucket that holds at most one second of budget. */
    private static final class Bucket
    {
        private final long perSecond;
        private double tokens;
        private long lastMicros;

        Bucket(final long perSecond, final long nowMicros)
        {
            this.perSecond = perSecond;
            this.tokens = perSecond;
            this.lastMicros = nowMicros;
        }

        double available(final long nowMicros)
        {
            final long elapsed = nowMicros - lastMicros;
            if (elapsed > 0)
            {
                tokens = Math.min(perSecond, tokens + elapsed * (perSecond / 1_000_000.0));
                lastMicros = nowMicros;
            }
            return tokens;
        }

        void take(final long n)
        {
            tokens -= n;
        }
    }
}
