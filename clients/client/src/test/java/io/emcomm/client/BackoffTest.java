package io.emcomm.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class BackoffTest
{
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10));

    @Test
    void ceilingDoublesFromTheMinimumUpToTheMaximum()
    {
        assertEquals(Duration.ofMillis(100).toNanos(), backoff.ceilingNanos(0));
        assertEquals(Duration.ofMillis(200).toNanos(), backoff.ceilingNanos(1));
        assertEquals(Duration.ofMillis(6400).toNanos(), backoff.ceilingNanos(6));
        assertEquals(Duration.ofSeconds(10).toNanos(), backoff.ceilingNanos(7));
        assertEquals(Duration.ofSeconds(10).toNanos(), backoff.ceilingNanos(Integer.MAX_VALUE));
    }

    @Test
    void delayIsJitteredWithinTheUpperHalfOfTheCeiling()
    {
        for (int attempt = 0; attempt < 40; attempt++)
        {
            final long ceiling = backoff.ceilingNanos(attempt);
            final long delay = backoff.delayNanos(attempt);
            assertTrue(delay >= ceiling / 2 && delay <= ceiling, "attempt " + attempt + ": " + delay);
        }
    }
}
