package io.emcomm.bench.load;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the maximum sustainable rate: doubles the offered rate from a start until a trial fails, then
 * bisects between the best pass and the first failure until they are within 10% of each other or the
 * trial budget is spent. The answer is the achieved rate of the best passing trial.
 */
public final class RateSearch
{
    private static final double RESOLUTION = 1.10;

    /** Runs one trial at a rate. */
    @FunctionalInterface
    public interface Trial
    {
        TrialResult run(double rate) throws Exception;
    }

    /**
     * @param best   the passing trial with the highest rate, or null when even the lowest rate failed.
     * @param trials every trial in the order run.
     */
    public record Outcome(TrialResult best, List<TrialResult> trials)
    {
    }

    private RateSearch()
    {
    }

    /**
     * Searches as the class describes, on the calling thread, one trial at a time.
     *
     * @param startRate first offered rate, in messages sent per second.
     * @param minRate   lowest rate worth trying (msgs/s); after a failure with no pass yet the rate is quartered,
     *                  and the search stops once it falls below this.
     * @param maxTrials trial budget ({@code --search-trials}).
     * @throws Exception whatever {@code trial} throws; the search ends there.
     */
    public static Outcome search(final Trial trial, final double startRate, final double minRate, final int maxTrials)
        throws Exception
    {
        final List<TrialResult> trials = new ArrayList<>();
        TrialResult best = null;
        double failedRate = Double.NaN;
        double rate = startRate;
        while (trials.size() < maxTrials && rate >= minRate)
        {
            final TrialResult result = trial.run(rate);
            trials.add(result);
            if (result.passed())
            {
                if (best == null || result.offeredRate() > best.offeredRate())
                {
                    best = result;
                }
                rate = Double.isNaN(failedRate) ? rate * 2 : (rate + failedRate) / 2;
            }
            else
            {
                failedRate = Double.isNaN(failedRate) ? rate : Math.min(failedRate, rate);
                rate = best == null ? rate / 4 : (best.offeredRate() + failedRate) / 2;
            }
            if (best != null && !Double.isNaN(failedRate) && failedRate / best.offeredRate() <= RESOLUTION)
            {
                break;
            }
        }
        return new Outcome(best, trials);
    }
}
