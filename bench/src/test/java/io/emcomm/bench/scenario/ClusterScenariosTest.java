package io.emcomm.bench.scenario;

import io.emcomm.bench.sut.Capability;
import io.emcomm.bench.sut.Systems;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster scenarios (issue 15 item 7) are registered, selected by name or by the {@code cluster} group, left out of
 * the default set, and run on the systems that have a cluster: emcomm and kafka (the brokers alone) everywhere, jetstream
 * for persisted, nats for publish-on-one-node-deliver-on-another. (Their clusters starting and stopping: ClusterSystemsTest.)
 */
class ClusterScenariosTest
{
    private final BenchSettings settings = BenchSettings.smoke(Path.of("target", "unused"), null);

    @Test
    void theClusterGroupSelectsTheThreeClusterScenariosInRunningOrder()
    {
        final List<String> names = Scenarios.select(List.of("cluster"), settings).stream().map(Scenario::name).toList();
        assertEquals(List.of("cluster_1to1", "cluster_persisted", "cluster_flash_under_load"), names,
            "cluster_1to1 first: cluster_flash_under_load sizes its ROUTINE load from it");
        assertEquals(List.of("cluster_persisted"),
            Scenarios.select(List.of("cluster_persisted"), settings).stream().map(Scenario::name).toList());
        assertEquals(Scenarios.FEDERATION,
            Scenarios.select(List.of("federation"), settings).stream().map(Scenario::name).toList());
        assertThrows(IllegalArgumentException.class, () -> Scenarios.select(List.of("clusters"), settings));
    }

    @Test
    void theDefaultSetLeavesTheClusterScenariosOut()
    {
        assertTrue(Scenarios.NAMES.containsAll(Scenarios.CLUSTER));
        assertTrue(Scenarios.CLUSTER.stream().noneMatch(Scenarios.DEFAULT::contains), Scenarios.DEFAULT.toString());
        assertEquals(Scenarios.NAMES.size() - Scenarios.CLUSTER.size(), Scenarios.DEFAULT.size());
    }

    @Test
    void eachClusterScenarioRunsOnEmcommAndItsPeer()
    {
        final List<Scenario> scenarios = Scenarios.select(Scenarios.CLUSTER, settings);
        for (final Scenario s : scenarios)
        {
            assertTrue(Set.of(Capability.CLUSTER_PERSISTED, Capability.CLUSTER_PUB_SUB).contains(s.needs()), s.name());
            assertEquals(expectedSystems(s.name()), Systems.NAMES.stream()
                .filter(n -> Systems.create(n).capabilities().contains(s.needs())).toList(), s.name());
        }
        assertFalse(Systems.create("emcomm_sync").capabilities().contains(Capability.CLUSTER_PERSISTED),
            "JournalSync.BATCH is a local journal's setting");
    }

    private static List<String> expectedSystems(final String scenario)
    {
        // kafka: the same brokers driven by kafka-clients alone, the cluster rows' baseline
        return scenario.equals("cluster_persisted") ? List.of("emcomm", "jetstream", "kafka") : List.of("emcomm", "nats", "kafka");
    }
}
