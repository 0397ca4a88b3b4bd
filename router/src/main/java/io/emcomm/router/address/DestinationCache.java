package io.emcomm.router.address;

import io.emcomm.protocol.address.AddressException;
import io.emcomm.protocol.envelope.EnvelopeHeader;

/**
 * A per-thread, direct-mapped cache from the bytes of a destination address to its parsed
 * {@link Destination}. Routing sees the same few hundred addresses again and again; a hit compares the
 * bytes in place and allocates nothing, a miss parses once and replaces the slot.
 *
 * <p>Not thread-safe: one per routing thread.
 */
public final class DestinationCache
{
    private static final int SIZE = 4096;

    private static final io.netty.util.concurrent.FastThreadLocal<DestinationCache> PER_THREAD =
        new io.netty.util.concurrent.FastThreadLocal<>()
        {
            @Override
            protected DestinationCache initialValue()
            {
                return new DestinationCache();
            }
        };

    private final Destination[] slots = new Destination[SIZE];
    private String lastProblem;

    /** The calling thread's cache. */
    public static DestinationCache forThread()
    {
        return PER_THREAD.get();
    }

    /**
     * @return the destination {@code i} of the wrapped envelope, or null if it does not parse
     *         ({@link #lastProblem()} says why).
     */
    public Destination lookup(final EnvelopeHeader header, final int i)
    {
        final int slot = header.destinationHash(i) & (SIZE - 1);
        final Destination cached = slots[slot];
        if (cached != null && header.destinationEquals(i, cached.text()))
        {
            return cached;
        }
        try
        {
            final Destination parsed = Destination.parse(header.destination(i));
            slots[slot] = parsed;
            return parsed;
        }
        catch (final AddressException ex)
        {
            lastProblem = ex.getMessage();
            return null;
        }
    }

    public String lastProblem()
    {
        return lastProblem;
    }
}
