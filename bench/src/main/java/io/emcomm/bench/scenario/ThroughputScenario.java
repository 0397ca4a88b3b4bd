package io.emcomm.bench.scenario;

import io.emcomm.bench.load.FlashSplitter;
import io.emcomm.bench.load.LatencySink;
import io.emcomm.bench.load.RateSearch;
import io.emcomm.bench.load.TrialResult;
import io.emcomm.bench.load.TrialRunner;
import io.emcomm.bench.sut.BenchClient;
import io.emcomm.bench.sut.Capability;
import io.emcomm.bench.sut.Cluster;
import io.emcomm.bench.sut.ClientSpec;
import io.emcomm.bench.sut.Destination;
import io.emcomm.bench.sut.Federation;
import io.emcomm.bench.load.MessageListener;
import io.emcomm.bench.sut.SystemUnderTest;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The scenarios measured the same two ways: a search for the maximum sustainable throughput, then one
 * trial at the scenario's fixed rate for the latency percentiles. They differ only in their topology.
 */
final class ThroughputScenario implements Scenario
{
    private static final double MIN_RATE = 50;
    /** Unacknowledged publishes any persisted publisher may have, the same for every system. */
    static final int PERSISTED_WINDOW = 4096;

    /** Builds a topology whose receipts go to {@code sink}. */
    @FunctionalInterface
    interface TopologyBuilder
    {
        Topology build(SystemUnderTest system, BenchSettings settings, LatencySink sink, String prefix) throws Exception;
    }

    private final String name;
    private final Capability needs;
    private final TopologyBuilder builder;

    private ThroughputScenario(final String name, final Capability needs, final TopologyBuilder builder)
    {
        this.name = name;
        this.needs = needs;
        this.builder = builder;
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
        final ScenarioResult result = new ScenarioResult(name, system.name());
        final LatencySink sink = new LatencySink();
        final String label = name + "_" + system.name();
        try (Topology topology = builder.build(system, settings, sink, prefix(name)))
        {
            final TrialRunner runner = runner(settings);
            final int perMessage = topology.deliveriesPerMessage;
            final double fixedRate = Double.parseDouble(System.getProperty("emcomm.bench.rate", "0"));
            if (fixedRate > 0)
            {
                // one offered rate (messages published per second) for profiling: no search, no latency trial
                runner.run(label + "_warmup", topology.source, sink, perMessage, fixedRate / 2);
                final TrialResult trial = runner.run(label, topology.source, sink, perMessage, fixedRate);
                result.trials().add(trial);
                result.latency(trial);
                return result;
            }
            final double startRate = Math.max(MIN_RATE, settings.startRate() * 2 / perMessage);
            if (settings.searchTrials() > 1)
            {
                // A fresh server (and fresh clients) would otherwise spend the first trial in the JIT, fail it,
                // and send the search down: one discarded trial at half the starting rate warms both sides.
                runner.run(label + "_warmup", topology.source, sink, perMessage, startRate / 2);
            }
            final RateSearch.Outcome outcome = RateSearch.search(
                rate -> runner.run(label, topology.source, sink, perMessage, rate),
                startRate, MIN_RATE, settings.searchTrials());
            result.trials().addAll(outcome.trials());
            if (outcome.best() != null)
            {
                result.maxMsgsPerSecond(outcome.best().achievedRate());
            }
            else
            {
                result.notes().add("no offered rate down to " + (int)MIN_RATE + "/s was sustained");
            }
            final TrialResult latency = runner.run(label, topology.source, sink, perMessage,
                settings.latencyRateFor(name));
            result.trials().add(latency);
            result.latency(latency);
            if (topology.flash != null)
            {
                // FLASH idle, then under ROUTINE at 1.2 x the maximum just found (as flash_under_load sizes its load)
                final double flood = outcome.best() != null ? outcome.best().offeredRate() * FlashUnderLoadScenario.OVERLOAD
                    : settings.routineRate();
                FlashTrials.idleAndLoaded(runner, label + "_flash", topology.flash, topology.source, topology.flashSink,
                    settings.flashRate(), flood, result);
            }
        }
        return result;
    }

    static TrialRunner runner(final BenchSettings settings)
    {
        return new TrialRunner(settings.duration(), settings.warmup(), settings.drainTimeout(),
            settings.outDir() == null ? null : settings.outDir().resolve("hlog"), settings.progress(),
            settings.sloP99());
    }

    /** Terminal ids and channel names unique to a scenario, so one server can host several in a row. */
    static String prefix(final String scenario)
    {
        return "b" + scenario.replaceAll("[^A-Za-z0-9]", "") + "-";
    }

    static Scenario oneToOne()
    {
        return new ThroughputScenario("1to1", Capability.PUB_SUB, (system, settings, sink, prefix) ->
        {
            final Topology t = new Topology();
            final Destination channel = Destination.channel(prefix + "one");
            t.add(system.connect(ClientSpec.subscriber(prefix + "sub", sink))).subscribe(channel.name());
            final BenchClient publisher = t.add(system.connect(ClientSpec.publisher(prefix + "pub")));
            t.source = Topology.single(publisher, channel, false);
            return t;
        });
    }

    static Scenario fanout(final int subscribers)
    {
        return new ThroughputScenario("fanout" + subscribers, Capability.PUB_SUB, (system, settings, sink, prefix) ->
        {
            final Topology t = new Topology();
            final Destination channel = Destination.channel(prefix + "all");
            for (int i = 0; i < subscribers; i++)
            {
                t.add(system.connect(ClientSpec.subscriber(prefix + "sub" + i, sink))).subscribe(channel.name());
            }
            final BenchClient publisher = t.add(system.connect(ClientSpec.publisher(prefix + "pub")));
            t.source = Topology.single(publisher, channel, false);
            t.deliveriesPerMessage = subscribers;
            return t;
        });
    }

    /** Terminals in villages of Guiyang (5201) report up the chain; one command post at 5201 hears them all. */
    static Scenario upTheChain()
    {
        return new ThroughputScenario("up_the_chain", Capability.PUB_SUB, (system, settings, sink, prefix) ->
        {
            final Topology t = new Topology();
            t.add(system.connect(ClientSpec.subscriber(prefix + "cp", sink).inRegion("5201").asCommandPost()));
            final int n = settings.upChainTerminals();
            final BenchClient[] terminals = new BenchClient[n];
            final Destination[] destinations = new Destination[n];
            final String[] counties = {"520102", "520103", "520111", "520112", "520113"};
            for (int i = 0; i < n; i++)
            {
                final String village = counties[i % counties.length]
                    + String.format("%03d%03d", 1 + (i / counties.length) % 10, 1 + i / (counties.length * 10));
                final ClientSpec spec = ClientSpec.publisher(prefix + "t" + i).inRegion(village);
                terminals[i] = t.add(system.connect(new ClientSpec(spec.id(), spec.region(), false, false, false,
                    256, MessageListener.IGNORE, MessageListener.IGNORE)));
                destinations[i] = Destination.up(village);
            }
            t.source = Topology.roundRobin(terminals, destinations);
            return t;
        });
    }

    /** A requester sends to a responder's inbox; the responder sends the same payload back: a round trip. */
    static Scenario requestReply()
    {
        return new ThroughputScenario("request_reply", Capability.PUB_SUB, (system, settings, sink, prefix) ->
        {
            final Topology t = new Topology();
            final String requesterId = prefix + "req";
            final Destination back = Destination.terminal(requesterId);
            final AtomicReference<BenchClient> responder = new AtomicReference<>();
            final MessageListener echo = (stamp, flash) ->
            {
                final BenchClient self = responder.get();
                if (self != null && self.publish(back, stamp, flash))
                {
                    self.flush();
                }
            };
            responder.set(t.add(system.connect(
                new ClientSpec(prefix + "rsp", "52", false, true, false, ClientSpec.DEFAULT_MAX_IN_FLIGHT, echo,
                    MessageListener.IGNORE))));
            final BenchClient requester = t.add(system.connect(ClientSpec.subscriber(requesterId, sink).withInbox()));
            t.source = Topology.single(requester, Destination.terminal(prefix + "rsp"), false);
            return t;
        });
    }

    /**
     * Across federation links (issue 16): a publisher at the bottom router of a chain of {@code regions} (top first)
     * sends to a channel one subscriber subscribed to at the top router, so every message is journaled and routed
     * at each router and crosses each link once (channel messages always cross up, docs/federation.md). After the
     * search and the latency trial, FLASH from a second publisher at the bottom, idle and while ROUTINE floods the
     * chain at 1.2 x the maximum found ({@link FlashTrials}).
     */
    static Scenario acrossLinks(final String name, final List<String> regions)
    {
        return new ThroughputScenario(name, Capability.FEDERATION, (system, settings, sink, prefix) ->
        {
            final Topology t = new Topology();
            final Federation federation = t.own(system.federation(name, regions, ""));
            final int bottom = regions.size() - 1;
            final Destination channel = Destination.channel(prefix + "up");
            t.flashSink = new LatencySink();
            t.add(federation.connect(0, ClientSpec.subscriber(prefix + "sub", new FlashSplitter(t.flashSink, sink))
                .inRegion(regions.get(0)))).subscribe(channel.name());
            final BenchClient publisher = t.add(federation.connect(bottom,
                ClientSpec.publisher(prefix + "pub").inRegion(regions.get(bottom))));
            final BenchClient flash = t.add(federation.connect(bottom,
                ClientSpec.publisher(prefix + "flash").inRegion(regions.get(bottom))));
            t.source = Topology.single(publisher, channel, false);
            t.flash = Topology.single(flash, channel, true);
            return t;
        });
    }

    /**
     * Across a cluster on one site (issue 15): a publisher on node 1 sends to a channel one subscriber subscribed to on
     * node 2, so every message crosses the cluster: for EmComm it is journaled in the Kafka cluster (acks=all,
     * replication 3) and applied by node 2, which delivers it; for core NATS it crosses the route between two servers.
     */
    static Scenario acrossCluster()
    {
        return new ThroughputScenario("cluster_1to1", Capability.CLUSTER_PUB_SUB, (system, settings, sink, prefix) ->
        {
            final Topology t = new Topology();
            try
            {
                final Cluster cluster = t.own(startCluster(system, "cluster_1to1", settings));
                final Destination channel = Destination.channel(prefix + "one");
                t.add(cluster.connect(1, ClientSpec.subscriber(prefix + "sub", sink))).subscribe(channel.name());
                final BenchClient publisher = t.add(cluster.connect(0, ClientSpec.publisher(prefix + "pub")));
                t.source = Topology.single(publisher, channel, false);
                return t;
            }
            catch (final Exception ex)
            {
                t.close(); // a client that did not connect must not leave five processes running for the rest of the run
                throw ex;
            }
        });
    }

    /**
     * {@link #persisted()} on a cluster (issue 15): one publisher on node 1, its publishes acknowledged once replicated:
     * EmComm's once committed in the Kafka cluster (acks=all, min.insync.replicas=2 of 3) and applied by node 1;
     * JetStream's once the R3 stream's Raft group has them on a quorum (2 of 3).
     */
    static Scenario persistedInCluster()
    {
        return new ThroughputScenario("cluster_persisted", Capability.CLUSTER_PERSISTED, (system, settings, sink, prefix) ->
        {
            final Topology t = new Topology();
            try
            {
                final Cluster cluster = t.own(startCluster(system, "cluster_persisted", settings));
                final ClientSpec spec = new ClientSpec(prefix + "pub", "52", false, false, true, PERSISTED_WINDOW,
                    MessageListener.IGNORE, sink);
                final BenchClient publisher = t.add(cluster.connect(0, spec));
                t.source = Topology.single(publisher, Destination.channel(prefix + "stored"), false);
                return t;
            }
            catch (final Exception ex)
            {
                t.close();
                throw ex;
            }
        });
    }

    /** Starts the system's cluster for scenario {@code name}, saying what it started on the progress stream. */
    static Cluster startCluster(final SystemUnderTest system, final String name, final BenchSettings settings)
        throws Exception
    {
        final Cluster cluster = system.cluster(name);
        if (settings.progress() != null)
        {
            settings.progress().println(name + " on " + system.name() + ": " + cluster.describe());
        }
        return cluster;
    }

    /** Publishes that must be stored and acknowledged; the receipt is the acknowledgement. */
    static Scenario persisted()
    {
        return new ThroughputScenario("persisted", Capability.PERSISTED, (system, settings, sink, prefix) ->
        {
            final Topology t = new Topology();
            final ClientSpec spec = new ClientSpec(prefix + "pub", "52", false, false, true, PERSISTED_WINDOW,
                MessageListener.IGNORE, sink);
            final BenchClient publisher = t.add(system.connect(spec));
            t.source = Topology.single(publisher, Destination.channel(prefix + "stored"), false);
            return t;
        });
    }
}
