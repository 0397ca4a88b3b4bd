package io.emcomm.bench.scenario;

import io.emcomm.bench.load.FlashSplitter;
import io.emcomm.bench.load.LatencySink;
import io.emcomm.bench.load.TrialResult;
import io.emcomm.bench.load.TrialRunner;
import io.emcomm.bench.sut.BenchClient;
import io.emcomm.bench.sut.Capability;
import io.emcomm.bench.sut.Cluster;
import io.emcomm.bench.sut.ClientSpec;
import io.emcomm.bench.sut.Destination;
import io.emcomm.bench.sut.SystemUnderTest;

/**
 * FLASH latency on one subscriber, after a discarded ROUTINE warm-up trial at the first search rate, first with
 * nothing else going on, then while a second publisher
 * saturates the same subscriber with ROUTINE traffic (offered at 1.2 x the system's own 1to1 maximum from
 * this run, or the configured rate when that is unknown). Peers carry the same FLASH marker in the payload
 * but have no precedence: their numbers show what head-of-line blocking costs. {@link #acrossCluster()} is the same on
 * a cluster of the system (issue 15): publishers on node 1, the subscriber on node 2.
 */
final class FlashUnderLoadScenario implements Scenario
{
    static final double OVERLOAD = 1.2;

    private final String name;
    private final Capability needs;
    private final String sizedFrom;
    private final boolean acrossCluster;

    /** {@code flash_under_load}: every client on the one server; ROUTINE sized from this run's {@code 1to1}. */
    FlashUnderLoadScenario()
    {
        this("flash_under_load", Capability.PUB_SUB, "1to1", false);
    }

    private FlashUnderLoadScenario(final String name, final Capability needs, final String sizedFrom,
        final boolean acrossCluster)
    {
        this.name = name;
        this.needs = needs;
        this.sizedFrom = sizedFrom;
        this.acrossCluster = acrossCluster;
    }

    /**
     * {@code cluster_flash_under_load} (issue 15): on a cluster ({@link SystemUnderTest#cluster}), both publishers on
     * node 1 and the subscriber on node 2; ROUTINE sized from this run's {@code cluster_1to1} of the same system. For
     * EmComm both publishes go through the Kafka journal (FLASH on its own producer, ROUTINE capped in flight).
     */
    static FlashUnderLoadScenario acrossCluster()
    {
        return new FlashUnderLoadScenario("cluster_flash_under_load", Capability.CLUSTER_PUB_SUB, "cluster_1to1", true);
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public Capability needs()
    {
        return needs;
    }

    @Override
    public ScenarioResult run(final SystemUnderTest system, final BenchSettings settings, final Results earlier)
        throws Exception
    {
        final ScenarioResult result = new ScenarioResult(name(), system.name());
        final LatencySink flashSink = new LatencySink();
        final LatencySink routineSink = new LatencySink();
        final String prefix = ThroughputScenario.prefix(name);
        final Destination channel = Destination.channel(prefix + "orders");
        try (Topology t = new Topology())
        {
            final Cluster cluster = acrossCluster ? t.own(ThroughputScenario.startCluster(system, name, settings)) : null;
            final ClientSpec subscriber = ClientSpec.subscriber(prefix + "sub", new FlashSplitter(flashSink, routineSink));
            t.add(cluster == null ? system.connect(subscriber) : cluster.connect(1, subscriber)).subscribe(channel.name());
            final ClientSpec routineSpec = ClientSpec.publisher(prefix + "routine");
            final ClientSpec flashSpec = ClientSpec.publisher(prefix + "flash");
            final BenchClient routine = t.add(cluster == null ? system.connect(routineSpec) : cluster.connect(0, routineSpec));
            final BenchClient flash = t.add(cluster == null ? system.connect(flashSpec) : cluster.connect(0, flashSpec));
            final double routineRate = earlier.find(sizedFrom, system.name())
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
