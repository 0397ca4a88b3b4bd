package io.emcomm.bench.load;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class RateSearchTest
{
    /** A system that keeps any rate up to its capacity and fails above it. */
    private static TrialResult trial(final double rate, final double capacity)
    {
        final boolean kept = rate <= capacity;
        return new TrialResult(rate, (long)rate, (long)rate, (long)rate, (long)Math.min(rate, capacity),
            Math.min(rate, capacity), new Histogram(3), kept, kept ? null : "over capacity");
    }

    @Test
    void findsTheCapacityWithinTenPercent() throws Exception
    {
        final RateSearch.Outcome outcome = RateSearch.search(rate -> trial(rate, 37_000), 1000, 50, 20);
        final double best = outcome.best().offeredRate();
        assertTrue(best <= 37_000 && best >= 37_000 / 1.1, "best " + best);
    }

    @Test
    void stopsAtTheTrialBudget() throws Exception
    {
        final RateSearch.Outcome outcome = RateSearch.search(rate -> trial(rate, 1e9), 1000, 50, 4);
        assertEquals(4, outcome.trials().size());
        assertEquals(8000, outcome.best().offeredRate());
    }

    @Test
    void reportsNoBestWhenNothingIsSustained() throws Exception
    {
        final RateSearch.Outcome outcome = RateSearch.search(rate -> trial(rate, 10), 1000, 50, 10);
        assertNull(outcome.best());
        assertTrue(outcome.trials().stream().noneMatch(TrialResult::passed));
    }
}
