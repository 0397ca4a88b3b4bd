package io.emcomm.bench.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The scenarios by name, in the order a comparison runs them. */
public final class Scenarios
{
    /** Scenario names in running order: 1to1 comes before flash_under_load, which sizes its load from it. */
    public static final List<String> NAMES = List.of(
        "1to1", "fanout16", "persisted", "up_the_chain", "request_reply", "flash_under_load", "replay", "connections",
        "hop1", "hop2", "hop1_vsat", "hop2_vsat");

    /**
     * The scenarios across federation links (issue 16), EmComm only: a chain of routers started for each (province 52,
     * city 5201, county 520102), the publisher at the bottom, the subscriber at the top.
     */
    public static final List<String> FEDERATION = List.of("hop1", "hop2", "hop1_vsat", "hop2_vsat");

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
        Map.entry("hop2_vsat", s -> new ShapedLinkScenario("hop2_vsat", TWO_HOPS, "vsat")));

    private Scenarios()
    {
    }

    /** The named scenarios in running order. */
    public static List<Scenario> select(final List<String> names, final BenchSettings settings)
    {
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
                throw new IllegalArgumentException("unknown scenario '" + name + "'; known: " + NAMES);
            }
        }
        return out;
    }
}
