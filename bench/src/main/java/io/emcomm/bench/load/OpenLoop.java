package io.emcomm.bench.load;

import java.util.concurrent.locks.LockSupport;

/**
 * The open-loop send schedule: message i is due at {@code start + i / rate} whatever happened to the
 * messages before it, and carries that intended time, not the time it actually left. A system that
 * stalls the sender (back-pressure, a blocking client) therefore shows the stall in every message's
 * latency instead of hiding it (no coordinated omission), and the sender reports how far behind it ended.
 * The loop ends at {@code end}: a sender that could not keep up has sent fewer than scheduled.
 */
final class OpenLoop
{
    /** Park when more than this is left; below it, yield (lets the servers have the CPU) or spin. */
    private static final long PARK_ABOVE_NANOS = 200_000;
    private static final long PARK_MARGIN_NANOS = 100_000;
    private static final long SPIN_BELOW_NANOS = 10_000;
    /** How long the sender sleeps when the system under test refuses a send (plus the kernel's timer slack). */
    private static final long BACK_OFF_NANOS = 20_000;

    private OpenLoop()
    {
    }

    /**
     * Sends on the calling thread from {@code startNanos} until {@code endNanos} at {@code rate} per second.
     *
     * @return the number of messages sent.
     */
    static long run(final MessageSource source, final double rate, final long startNanos, final long endNanos)
    {
        final double periodNanos = 1e9 / rate;
        long index = 0;
        boolean unflushed = false;
        while (true)
        {
            final long intended = startNanos + (long)(index * periodNanos);
            if (intended - endNanos >= 0)
            {
                break;
            }
            if (System.nanoTime() - intended < 0)
            {
                if (unflushed)
                {
                    source.flush();
                    unflushed = false;
                }
                waitUntil(intended);
            }
            if (source.send(index, intended))
            {
                index++;
                unflushed = true;
            }
            else
            {
                if (unflushed)
                {
                    source.flush();
                    unflushed = false;
                }
                if (System.nanoTime() - endNanos >= 0)
                {
                    break;
                }
                // The system pushes back (window full, socket not writable): give it the CPU instead of
                // yielding in a loop (on two cores that loop took a quarter of one from the system under test).
                // The wait still counts: every message keeps its intended send time.
                LockSupport.parkNanos(BACK_OFF_NANOS);
            }
        }
        if (unflushed)
        {
            source.flush();
        }
        return index;
    }

    static void waitUntil(final long deadline)
    {
        while (true)
        {
            final long left = deadline - System.nanoTime();
            if (left <= 0)
            {
                return;
            }
            if (left > PARK_ABOVE_NANOS)
            {
                LockSupport.parkNanos(left - PARK_MARGIN_NANOS);
            }
            else if (left > SPIN_BELOW_NANOS)
            {
                Thread.yield();
            }
            else
            {
                Thread.onSpinWait();
            }
        }
    }
}
