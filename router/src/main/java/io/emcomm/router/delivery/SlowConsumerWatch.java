package io.emcomm.router.delivery;

/**
 * Since when a session has taken nothing while messages wait for it (delivery.md, "When a post stops reading"):
 * its connection is not writable (it does not read) or its in-flight limit is full (it does not acknowledge).
 * A drain that found it taking clears the mark; a drain or a timer tick that finds it stalled sets it if unset.
 * Past {@code emcomm.slow.consumer.disconnect.ms} of stalling, seen on a timer tick, the session is ended with
 * SLOW_CONSUMER. Times in microseconds of the router's clock. Event loop of the session only.
 */
final class SlowConsumerWatch
{
    private final long limitMicros;
    /** Since when the session has taken nothing, -1 while it takes. */
    private long stalledSinceMicros = -1;

    /** @param limitMicros how long a session may take nothing before it is ended; 0 = never. */
    SlowConsumerWatch(final long limitMicros)
    {
        this.limitMicros = limitMicros;
    }

    /**
     * After a drain.
     *
     * @return since when the session has been stalled, or -1 when it is taking (for its byte account).
     */
    long afterDrain(final boolean stalled, final long nowMicros)
    {
        stalledSinceMicros = !stalled ? -1 : (stalledSinceMicros < 0 ? nowMicros : stalledSinceMicros);
        return stalledSinceMicros;
    }

    /**
     * On a timer tick. A tick does not clear the mark (only a drain does), so stalls interrupted only between
     * ticks still add up.
     *
     * @return since when the session has been stalled, or -1 when it is not stalled now.
     */
    long onTick(final boolean stalled, final long nowMicros)
    {
        if (stalled && stalledSinceMicros < 0)
        {
            stalledSinceMicros = nowMicros;
        }
        return stalled ? stalledSinceMicros : -1;
    }

    /** Whether the session, stalled now, has been so for the limit or longer; call after {@link #onTick}. */
    boolean isOverLimit(final boolean stalled, final long nowMicros)
    {
        return limitMicros > 0 && stalledSinceMicros >= 0 && stalled && nowMicros - stalledSinceMicros >= limitMicros;
    }
}
