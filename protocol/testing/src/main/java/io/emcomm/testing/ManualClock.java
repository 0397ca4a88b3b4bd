package io.emcomm.testing;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A clock in microseconds that moves only when a test says so. Starts at the wall clock. */
public final class ManualClock implements LongSupplier
{
    private final AtomicLong micros = new AtomicLong(System.currentTimeMillis() * 1000);

    @Override
    public long getAsLong()
    {
        return micros.get();
    }

    public void advanceMillis(final long millis)
    {
        micros.addAndGet(millis * 1000);
    }
}
