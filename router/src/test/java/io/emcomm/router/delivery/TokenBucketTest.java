package io.emcomm.router.delivery;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A shaped link's byte budget alone, on explicit times (microseconds). */
@Timeout(10)
class TokenBucketTest
{
    private static final long T0 = 1_767_225_600_000_000L;
    private static final long SECOND = 1_000_000L;

    @Test
    void theBurstGoesAtOnceThenTheRateApplies()
    {
        final LinkProfile tiantong = LinkProfile.parse("tiantong"); // 300 B/s, burst 1,200 B
        final TokenBucket bucket = new TokenBucket(tiantong, T0);
        assertTrue(bucket.tryTake(600, T0));
        assertTrue(bucket.tryTake(600, T0));
        assertEquals(0, bucket.microsUntilReady(T0), "empty but not in debt: the next frame may go");
        assertTrue(bucket.tryTake(300, T0)); // now 300 bytes in debt
        assertFalse(bucket.tryTake(1, T0));
        assertEquals(SECOND, bucket.microsUntilReady(T0), "300 bytes at 300 B/s");

        assertFalse(bucket.tryTake(1, T0 + SECOND - 10_000));
        assertTrue(bucket.tryTake(300, T0 + SECOND));
    }

    @Test
    void aFrameLargerThanTheBurstGoesWhenNotInDebtAndIsPaidOffAtTheRate()
    {
        final TokenBucket bucket = new TokenBucket(LinkProfile.parse("beidou"), T0); // 29 B/s, burst 1,750 B
        assertTrue(bucket.tryTake(2_000, T0), "a message that has started cannot be recalled");
        assertFalse(bucket.tryTake(100, T0));
        // 250 bytes of debt at 29 B/s: about 8.6 s before anything else, FLASH included
        assertEquals((250 * SECOND + 28) / 29, bucket.microsUntilReady(T0));
        assertTrue(bucket.tryTake(100, T0 + bucket.microsUntilReady(T0)));
    }

    @Test
    void anIdleLinkSavesNoMoreThanTheBurst()
    {
        final TokenBucket bucket = new TokenBucket(LinkProfile.parse("rate:1000"), T0); // burst 1,024 B
        final long later = T0 + 3_600 * SECOND;
        assertTrue(bucket.tryTake(1_024, later));
        assertTrue(bucket.tryTake(1, later), "empty, not in debt");
        assertFalse(bucket.tryTake(1, later), "an hour idle bought no more than the burst");
    }
}
