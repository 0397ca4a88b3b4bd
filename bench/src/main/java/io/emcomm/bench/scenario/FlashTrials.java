package io.emcomm.bench.scenario;

import io.emcomm.bench.load.LatencySink;
import io.emcomm.bench.load.MessageSource;
import io.emcomm.bench.load.TrialResult;
import io.emcomm.bench.load.TrialRunner;

/**
 * FLASH latency idle and under a ROUTINE flood, the two trials flash_under_load and the hop scenarios share: FLASH
 * alone at a fixed rate, then FLASH at the same rate while ROUTINE is offered at a rate meant to saturate the path
 * (the same subscriber, through the same routers). Adds both trials and the extras {@code flash_p50_idle_us},
 * {@code flash_p99_idle_us}, {@code flash_p50_loaded_us}, {@code flash_p99_loaded_us}, {@code routine_offered_per_s}
 * to the result, and a note for each trial that did not keep its rate.
 */
final class FlashTrials
{
    private FlashTrials()
    {
    }

    /**
     * Runs both trials on the calling thread.
     *
     * @param label        names the trials ({@code <label>_idle}, {@code <label>_loaded}).
     * @param flash        sends FLASH-marked messages; their receipts go to {@code flashSink}.
     * @param routine      sends ROUTINE messages to the same subscriber (a separate publisher).
     * @param flashRate    FLASH messages per second in both trials.
     * @param routineRate  ROUTINE messages per second offered during the loaded trial.
     * @return the loaded trial.
     */
    static TrialResult idleAndLoaded(final TrialRunner runner, final String label, final MessageSource flash,
        final MessageSource routine, final LatencySink flashSink, final double flashRate, final double routineRate,
        final ScenarioResult result) throws java.io.IOException
    {
        final TrialResult idle = runner.run(label + "_idle", flash, flashSink, 1, flashRate);
        final TrialResult loaded = runner.run(label + "_loaded", flash, flashSink, 1, flashRate,
            TrialRunner.openLoop(routine, routineRate));
        result.trials().add(idle);
        result.trials().add(loaded);
        result.extras().put("flash_p50_idle_us", idle.percentileMicros(50));
        result.extras().put("flash_p99_idle_us", idle.percentileMicros(99));
        result.extras().put("flash_p50_loaded_us", loaded.percentileMicros(50));
        result.extras().put("flash_p99_loaded_us", loaded.percentileMicros(99));
        result.extras().put("routine_offered_per_s", Math.round(routineRate));
        if (!idle.passed())
        {
            result.notes().add("idle FLASH trial: " + idle.failure());
        }
        if (!loaded.passed())
        {
            result.notes().add("loaded FLASH trial: " + loaded.failure());
        }
        return loaded;
    }
}
