package io.emcomm.bench.scenario;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything a comparison run is parameterised by. {@link #full} is the real thing; {@link #smoke} shrinks
 * every knob so that each scenario runs end to end in about a second (the test suite's guard against rot).
 *
 * @param duration            measured part of each trial.
 * @param warmup              discarded part of each trial, at the same rate, before it.
 * @param drainTimeout        how long after the end to wait for stragglers.
 * @param searchTrials        trial budget of each maximum-throughput search.
 * @param startRate           first offered rate of a search (messages sent per second).
 * @param latencyRate         fixed offered rate of the 1to1 latency row (20,000 in the issue).
 * @param fanout              subscribers in the fan-out scenario.
 * @param upChainTerminals    terminals reporting up the chain to one command post.
 * @param idleConnections     connections in the connections scenario (100,000 in the issue).
 * @param connectionsPerAddress connections per loopback source address in the connections scenario
 *                            (127.0.0.1, 127.0.0.2, ...; ~28,000 ephemeral ports fit one address).
 * @param replayMessages      messages journaled, then replayed, in the replay scenario.
 * @param flashRate           FLASH messages per second in flash_under_load.
 * @param routineRate         ROUTINE load when no 1to1 maximum of the same system is known (else 1.2 x that).
 * @param sloP99              a trial whose p99 exceeds this did not sustain its rate (a queue was building);
 *                            zero disables the check.
 * @param freshServerPerScenario start each system anew for every scenario (isolation) or once per run.
 * @param outDir              where .hlog files, the plot and server logs go.
 * @param progress            progress lines, or null for none.
 */
public record BenchSettings(
    Duration duration,
    Duration warmup,
    Duration drainTimeout,
    int searchTrials,
    double startRate,
    double latencyRate,
    int fanout,
    int upChainTerminals,
    int idleConnections,
    int connectionsPerAddress,
    int replayMessages,
    double flashRate,
    double routineRate,
    Duration sloP99,
    boolean freshServerPerScenario,
    Path outDir,
    PrintStream progress)
{
    /**
     * The full comparison of bench/RESULTS.md "Method": warm-up min(3 s, max(0.5 s, duration/2)), 5 s drain,
     * 9 search trials, p99 objective 100 ms, a fresh server per scenario.
     *
     * @param duration measured part of each trial ({@code --duration}).
     */
    public static BenchSettings full(final Duration duration, final Path outDir, final PrintStream progress)
    {
        final Duration warmup = Duration.ofMillis(Math.min(3000, Math.max(500, duration.toMillis() / 2)));
        return new BenchSettings(duration, warmup, Duration.ofSeconds(5), 9, 10_000, 20_000, 16, 1000, 100_000,
            io.emcomm.bench.sut.IdleConnections.Plan.DEFAULT_PER_SOURCE_ADDRESS, 200_000, 1000, 50_000, Duration.ofMillis(100), true, outDir, progress);
    }

    /**
     * Every knob shrunk (200 ms trials, one search trial, no p99 objective, one server per system for all
     * scenarios) so each scenario runs end to end in about a second: {@code compare --smoke} and the tests.
     */
    public static BenchSettings smoke(final Path outDir, final PrintStream progress)
    {
        return new BenchSettings(Duration.ofMillis(200), Duration.ofMillis(50), Duration.ofSeconds(1), 1, 500,
            1000, 16, 20, 100, 50, 500, 200, 2000, Duration.ZERO, false, outDir, progress);
    }

    /** The same settings with another trial budget and latency objective. */
    public BenchSettings with(final int searchTrials, final Duration sloP99)
    {
        return new BenchSettings(duration, warmup, drainTimeout, searchTrials, startRate, latencyRate, fanout,
            upChainTerminals, idleConnections, connectionsPerAddress, replayMessages, flashRate, routineRate, sloP99,
            freshServerPerScenario, outDir, progress);
    }

    /** The same settings with another connection count for the connections scenario ({@code compare --connections}). */
    public BenchSettings withConnections(final int count, final int perAddress)
    {
        return new BenchSettings(duration, warmup, drainTimeout, searchTrials, startRate, latencyRate, fanout,
            upChainTerminals, count, perAddress, replayMessages, flashRate, routineRate, sloP99,
            freshServerPerScenario, outDir, progress);
    }

    /** Fixed latency rate of a scenario, scaled from the 1to1 rate by how much work one message makes. */
    public double latencyRateFor(final String scenario)
    {
        return switch (scenario)
        {
            case "fanout16" -> latencyRate / fanout;
            case "request_reply" -> latencyRate / 2;
            default -> latencyRate;
        };
    }
}
