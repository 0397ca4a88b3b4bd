package io.emcomm.bench.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The scenarios by name, in the order a comparison runs them. */
public final class Scenarios
{
    /**
     * Every scenario's name in running order: 1to1 comes before flash_under_load, which sizes its load from it (and
     * cluster_1to1 before cluster_flash_under_load).
     */
    public static final List<String> NAMES = List.of(
        "1to1", "fanout16", "persisted", "up_the_chain", "request_reply", "flash_under_load", "replay", "connections",
        "hop1", "hop2", "hop1_vsat", "hop2_vsat", "cluster_1to1", "cluster_persisted", "cluster_flash_under_load");

    /**
     * The scenarios across federation links (issue 16), EmComm only: a chain of routers started for each (province 52,
     * city 5201, county 520102), the publisher at the bottom, the subscriber at the top.
     */
    public static final List<String> FEDERATION = List.of("hop1", "hop2", "hop1_vsat", "hop2_vsat");

    /**
     * The scenarios on one site's cluster (issue 15): EmComm router nodes on a 3-broker Kafka cluster (replication 3,
     * acks=all) beside a 3-server NATS cluster (JetStream with an R3 file stream for cluster_persisted, core NATS for the
     * others), publishers on node 1, the subscriber on node 2. Not in {@link #DEFAULT}: each starts a cluster of five or
     * three processes per system (about 12 minutes for the three on emcomm, jetstream and nats with 5 s trials).
     */
    public static final List<String> CLUSTER = List.of("cluster_1to1", "cluster_persisted", "cluster_flash_under_load");

    /** What {@code compare} runs without {@code --scenarios}: every scenario but the {@link #CLUSTER} ones. */
    public static final List<String> DEFAULT = NAMES.stream().filter(n -> !CLUSTER.contains(n)).toList();

    /** Names {@code --scenarios} accepts for a group of scenarios. */
    public static final Map<String, List<String>> GROUPS = Map.of("cluster", CLUSTER, "federation", FEDERATION);

    private static final List<String> ONE_HOP = List.of("52", "5201");
    private static final List<String> TWO_HOPS = List.of("52", "5201", "520102");

    private static final Map<String, Function<BenchSettings, Scenario>> FACTORIES = Map.ofEntries(
        Map.entry("1to1", s -> ThroughputScenario.oneToOne()),
        Map.entry("fanout16", s -> ThroughputScenario.fanout(s.fanout())),
        Map.entry("persisted", s -> ThroughputScenario.persisted()),
        Map.entry("up_the_chain", s -> ThroughputScenario.upTheChain()),
        Map.entry("request_reply", s -> ThroughputScenario.requestReply()),
        Map.entry("flash_under_load", s -> new FlashUnderLoadScenario()),
        Map.entry("replay", s -> new ReplayScenario()),
        Map.entry("connections", s -> new ConnectionsScenario()),
        Map.entry("hop1", s -> ThroughputScenario.acrossLinks("hop1", ONE_HOP)),
        Map.entry("hop2", s -> ThroughputScenario.acrossLinks("hop2", TWO_HOPS)),
        Map.entry("hop1_vsat", s -> new ShapedLinkScenario("hop1_vsat", ONE_HOP, "vsat")),
        Map.entry("hop2_vsat", s -> new ShapedLinkScenario("hop2_vsat", TWO_HOPS, "vsat")),
        Map.entry("cluster_1to1", s -> ThroughputScenario.acrossCluster()),
        Map.entry("cluster_persisted", s -> ThroughputScenario.persistedInCluster()),
        Map.entry("cluster_flash_under_load", s -> FlashUnderLoadScenario.acrossCluster()));

    private Scenarios()
    {
    }

    /**
     * The named scenarios in running order; a group name ({@link #GROUPS}: {@code cluster}, {@code federation}) stands
     * for its scenarios.
     *
     * @throws IllegalArgumentException for a name that is neither a scenario nor a group.
     */
    public static List<Scenario> select(final List<String> requested, final BenchSettings settings)
    {
        final List<String> names = expand(requested);
        final List<Scenario> out = new ArrayList<>();
        for (final String name : NAMES)
        {
            if (names.contains(name))
            {
                out.add(FACTORIES.get(name).apply(settings));
            }
        }
        for (final String name : names)
        {
            if (!FACTORIES.containsKey(name))
            {
                throw new IllegalArgumentException("unknown scenario '" + name + "'; known: " + NAMES
                    + ", groups: " + GROUPS.keySet());
            }
        }
        return out;
    }

    /** The names with each group name replaced by its scenarios' names. */
    public static List<String> expand(final List<String> names)
    {
        final List<String> out = new ArrayList<>();
        for (final String name : names)
        {
            out.addAll(GROUPS.getOrDefault(name, List.of(name)));
        }
        return out;
    }
}
