package io.emcomm.bench.soak;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What one soak run does.
 *
 * @param duration       how long the load runs (connecting and draining come on top).
 * @param terminals      field terminals (air, space, ground) reporting positions.
 * @param interval       how often a progress sample is taken (heap after GC, descriptors, latency).
 * @param positionPeriod how often each terminal reports its position.
 * @param incidentPeriod how often, on average, each terminal sends an incident report up the chain.
 * @param alertPeriod    how often, on average, each command post alerts its region.
 * @param outDir         where samples.csv and soak.json go.
 */
public record SoakSettings(
    Duration duration,
    int terminals,
    Duration interval,
    Duration positionPeriod,
    Duration incidentPeriod,
    Duration alertPeriod,
    Path outDir)
{
    /**
     * The standard soak: samples every 5 s, each terminal reports its position every 5 s, sends an incident up the
     * chain every 120 s and each command post alerts its region every 30 s, on average.
     */
    public static SoakSettings of(final Duration duration, final int terminals, final Path outDir)
    {
        return new SoakSettings(duration, terminals, Duration.ofSeconds(5), Duration.ofSeconds(5),
            Duration.ofSeconds(120), Duration.ofSeconds(30), outDir);
    }

    public SoakSettings withInterval(final Duration every)
    {
        return new SoakSettings(duration, terminals, every, positionPeriod, incidentPeriod, alertPeriod, outDir);
    }
}
