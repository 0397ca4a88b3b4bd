package io.emcomm.bench.scenario;

import io.emcomm.bench.load.FlashSplitter;
import io.emcomm.bench.load.LatencySink;
import io.emcomm.bench.load.TrialResult;
import io.emcomm.bench.load.TrialRunner;
import io.emcomm.bench.sut.BenchClient;
import io.emcomm.bench.sut.Capability;
import io.emcomm.bench.sut.ClientSpec;
import io.emcomm.bench.sut.Destination;
import io.emcomm.bench.sut.SystemUnderTest;

/**
 * FLASH latency on one subscriber, after a discarded ROUTINE warm-up trial at the first search rate, first with
 * nothing else going on, then while a second publisher
 * saturates the same subscriber with ROUTINE traffic (offered at 1.2 x the system's own 1to1 maximum from
 * this run, or the configured rate when that is unknown). Peers carry the same FLASH marker in the payload
 * but have no precedence: their numbers show what head-of-line blocking costs.
 */
final class FlashUnderLoadScenario implements Scenario
{
    static final double OVERLOAD = 1.2;

    @Override
    public String name()
    {
        return "flash_under_load";
    }

    @Override
    public Capability needs()
    {
        return Capability.PUB_SUB;
    }

    @Override
    public ScenarioResult run(final SystemUnderTest system, final BenchSettings settings, final Results earlier)
        throws Exception
    {
        final ScenarioResult result = new ScenarioResult(name(), system.name());
        final LatencySink flashSink = new LatencySink();
        final LatencySink routineSink = new LatencySink();
        final String prefix = ThroughputScenario.prefix(name());
        final Destination channel = Destination.channel(prefix + "orders");
        try (Topology t = new Topology())
        {
            final ClientSpec subscriber = ClientSpec.subscriber(prefix + "sub", new FlashSplitter(flashSink, routineSink));
            t.add(system.connect(subscriber)).subscribe(channel.name());
            final BenchClient routine = t.add(system.connect(ClientSpec.publisher(prefix + "routine")));
            final BenchClient flash = t.add(system.connect(ClientSpec.publisher(prefix + "flash")));
            final double routineRate = earlier.find("1to1", system.name())
                .map(ScenarioResult::maxMsgsPerSecond)
                .filter(r -> r != null && r > 0)
                .map(r -> r * OVERLOAD)
                .orElse(settings.routineRate());
            final TrialRunner runner = ThroughputScenario.runner(settings);
            final String label = name() + "_" + system.name();
            // As the throughput scenarios do: a discarded trial through the same publish and delivery path first,
            // so that the idle numbers are not a cold JVM's (a JIT-compiling router made the idle p99 4-7 ms).
            runner.run(label + "_warmup", Topology.single(routine, channel, false), routineSink, 1, settings.startRate());
            final TrialResult loaded = FlashTrials.idleAndLoaded(runner, label, Topology.single(flash, channel, true),
                Topology.single(routine, channel, false), flashSink, settings.flashRate(), routineRate, result);
            result.latency(loaded);
            result.extras().put("routine_received", routineSink.receivedTotal());
        }
        return result;
    }
}
