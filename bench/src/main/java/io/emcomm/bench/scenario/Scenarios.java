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
        "1to1", "fanout16", "persisted", "up_the_chain", "request_reply", "flash_under_load", "replay", "connections");

    private static final Map<String, Function<BenchSettings, Scenario>> FACTORIES = Map.of(
        "1to1", s -> ThroughputScenario.oneToOne(),
        "fanout16", s -> ThroughputScenario.fanout(s.fanout()),
        "persisted", s -> ThroughputScenario.persisted(),
        "up_the_chain", s -> ThroughputScenario.upTheChain(),
        "request_reply", s -> ThroughputScenario.requestReply(),
        "flash_under_load", s -> new FlashUnderLoadScenario(),
        "replay", s -> new ReplayScenario(),
        "connections", s -> new ConnectionsScenario());

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
