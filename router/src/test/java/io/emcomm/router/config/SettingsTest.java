package io.emcomm.router.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The declarations in {@link Settings} drive parsing and validation: every setting reads its own default back,
 * every numeric range is enforced at its bounds from text as from a file, unknown keys are refused with a
 * suggestion, every setting reaches the configuration, and the records check what relates two settings.
 */
class SettingsTest
{
    private static RouterConfig.Builder base()
    {
        return RouterConfig.builder().dataDir(Path.of("unused"));
    }

    @Test
    void everyLiteralDefaultParsesBackToItself()
    {
        for (final Setting<?> setting : Settings.ALL)
        {
            if (setting.defaultText() != null)
            {
                assertEquals(setting.defaultValue(), setting.parse(setting.defaultText()), setting.key());
            }
        }
    }

    @Test
    void everyNumericRangeIsEnforcedAtItsBoundsWithTheKeyNamed()
    {
        int checked = 0;
        for (final Setting<?> setting : Settings.ALL)
        {
            if (setting.min() == null)
            {
                continue;
            }
            final long below = setting.min() - 1;
            final ConfigException low = assertThrows(ConfigException.class,
                () -> base().set(setting.key(), Long.toString(below)).build(), setting.key() + "=" + below);
            assertTrue(low.getMessage().startsWith(setting.key() + ": "), low.getMessage());
            final long max = setting.max();
            if (max != Integer.MAX_VALUE && max != Long.MAX_VALUE)
            {
                final ConfigException high = assertThrows(ConfigException.class,
                    () -> base().set(setting.key(), Long.toString(max + 1)).build(), setting.key() + "=" + (max + 1));
                assertTrue(high.getMessage().startsWith(setting.key() + ": "), high.getMessage());
            }
            checked++;
        }
        assertEquals(28, checked, "the numeric settings");
    }

    @Test
    void rangeMessagesSayTheBounds()
    {
        assertEquals("emcomm.io.threads: 0 is outside 1..256",
            assertThrows(ConfigException.class, () -> base().ioThreads(0).build()).getMessage());
        assertEquals("emcomm.port: 70000 is not a TCP port (0-65535; 0 picks a free one)",
            assertThrows(ConfigException.class, () -> base().set("emcomm.port", "70000").build()).getMessage());
        assertEquals("emcomm.max.connections: must be >= 1",
            assertThrows(ConfigException.class, () -> base().set("emcomm.max.connections", "0").build()).getMessage());
        assertEquals("emcomm.journal.sync: 'often' is not one of none, batch",
            assertThrows(ConfigException.class, () -> base().set("emcomm.journal.sync", "often")).getMessage());
        assertEquals("emcomm.flash.escalate: 'yes' is not true or false",
            assertThrows(ConfigException.class, () -> base().set("emcomm.flash.escalate", "yes")).getMessage());
        assertEquals("emcomm.journal.roll.cycle: 'HOURLY' is not one of " + Settings.ROLL_CYCLES,
            assertThrows(ConfigException.class, () -> base().set("emcomm.journal.roll.cycle", "hourly").build())
                .getMessage());
        assertEquals("emcomm.host: must not be empty",
            assertThrows(ConfigException.class, () -> base().host(" ").build()).getMessage());
    }

    @Test
    void anUnknownKeySetDirectlyIsRefusedWithASuggestion()
    {
        assertEquals("unknown key emcomm.delivery.windwo (did you mean emcomm.delivery.window?)",
            assertThrows(ConfigException.class, () -> base().set("emcomm.delivery.windwo", "64")).getMessage());
    }

    @Test
    void keysAndEnvironmentNamesAreUniqueAndInTheNamespace()
    {
        final Set<String> envNames = new HashSet<>();
        for (final Setting<?> setting : Settings.ALL)
        {
            assertTrue(setting.key().startsWith("emcomm."), setting.key());
            assertFalse(setting.key().startsWith(ConfigSources.BENCH_PREFIX), setting.key());
            assertTrue(envNames.add(setting.envName()), setting.envName());
            assertFalse(setting.description().isBlank(), setting.key());
            assertNotNull(setting.documentedDefault(), setting.key());
            assertEquals(setting, Settings.forKey(setting.key()));
        }
        assertEquals(Settings.ALL.size(), Settings.KEYS.size());
    }

    @Test
    void settingsLandInTheirConcernRecords()
    {
        final RouterConfig config = base().set("emcomm.delivery.window", "64").set("emcomm.delivery.inflight", "32")
            .set("emcomm.journal.retention.hours", "12").set("emcomm.admin.port", "-1").set("emcomm.journal.sync", "BATCH")
            .set("emcomm.limit.msgs.per.sec", "50").set("emcomm.router.id", "hq-1").build();
        assertEquals(64, config.delivery().window());
        assertEquals(32, config.delivery().inFlightLimit());
        assertEquals(12, config.retention().hours());
        assertEquals(-1, config.admin().port());
        assertEquals(JournalSync.BATCH, config.journal().sync());
        assertEquals(50, config.security().messagesPerSecond());
        assertEquals("hq-1", config.routerId());
        assertEquals(Path.of("unused", "journal"), config.journalDir());
    }

    @Test
    void theRecordsCheckWhatRelatesTwoSettings()
    {
        assertEquals("emcomm.delivery.inflight: 64 is outside 1..emcomm.delivery.window (32)",
            assertThrows(ConfigException.class, () -> base().deliveryWindow(32).inFlightLimit(64).build()).getMessage());
        assertEquals("emcomm.auth.terminals.file: required when emcomm.auth.mode is token",
            assertThrows(ConfigException.class, () -> base().set("emcomm.auth.mode", "token").build()).getMessage());
        assertEquals("emcomm.tls.cert and emcomm.tls.key: set both or neither",
            assertThrows(ConfigException.class, () -> base().set("emcomm.tls.cert", "server.pem").build()).getMessage());
        assertEquals("emcomm.tls.ca and emcomm.tls.cert: required when emcomm.auth.mode is mtls",
            assertThrows(ConfigException.class, () -> base().set("emcomm.auth.mode", "mtls")
                .set("emcomm.auth.terminals.file", "terminals.csv").build()).getMessage());
    }

    @Test
    void federationSettingsAreCheckedWithTheSettingNamed()
    {
        assertEquals("emcomm.router.region: required with emcomm.uplink (a child router serves a region subtree of its "
            + "parent's)", assertThrows(ConfigException.class, () -> base().uplink("city:7400", "city-1").build())
            .getMessage());
        assertEquals("emcomm.uplink.router.id: required with emcomm.uplink (the parent's emcomm.router.id, checked "
            + "against its WELCOME)", assertThrows(ConfigException.class,
            () -> base().region("520102").set("emcomm.uplink", "city:7400").build()).getMessage());
        assertEquals("emcomm.uplink: 'city' is not HOST:PORT (for example city-router.example:7400)",
            assertThrows(ConfigException.class, () -> base().region("520102").uplink("city", "city-1").build())
                .getMessage());
        assertEquals("emcomm.uplink: 'city:74000': the port 74000 is not 1-65535",
            assertThrows(ConfigException.class, () -> base().region("520102").uplink("city:74000", "city-1").build())
                .getMessage());
        assertEquals("emcomm.uplink: 'city:port': the port 'port' is not a number",
            assertThrows(ConfigException.class, () -> base().region("520102").uplink("city:port", "city-1").build())
                .getMessage());
        assertEquals("emcomm.uplink: '::1:7400': write an IPv6 address in brackets, [ADDRESS]:PORT",
            assertThrows(ConfigException.class, () -> base().region("520102").uplink("::1:7400", "city-1").build())
                .getMessage());
        assertTrue(assertThrows(ConfigException.class, () -> base().region("5x").build()).getMessage()
            .startsWith("emcomm.router.region: "));
        assertEquals("emcomm.uplink.router.id: 'emcomm-1' is this router's own emcomm.router.id; the parent must have "
            + "another", assertThrows(ConfigException.class,
            () -> base().region("520102").uplink("city:7400", "emcomm-1").build()).getMessage());
        assertEquals("emcomm.uplink.tls.cert and emcomm.uplink.tls.key: set both or neither",
            assertThrows(ConfigException.class, () -> base().set("emcomm.uplink.tls.cert", "r.pem").build()).getMessage());
    }

    @Test
    void anUplinkIsSplitIntoHostAndPort()
    {
        final FederationSettings city = base().region("520102").uplink("city.example:7400", "city-1")
            .uplinkProfile("vsat").build().federation();
        assertTrue(city.hasUplink());
        assertEquals("city.example", city.uplinkHost());
        assertEquals(7400, city.uplinkPort());
        assertEquals("vsat", city.uplinkProfile());
        assertEquals(2_000, city.reconnectMaxMs());
        assertFalse(city.uplinkTls());
        final FederationSettings v6 = base().region("52").uplink("[::1]:7401", "p").build().federation();
        assertEquals("::1", v6.uplinkHost());
        assertEquals(7401, v6.uplinkPort());
        final FederationSettings none = base().build().federation();
        assertFalse(none.hasUplink());
        assertEquals("", none.region());
        assertEquals(FederationSettings.none(), none);
    }

    @Test
    void anEmptyOptionalFileIsNone()
    {
        final RouterConfig config = base().set("emcomm.acl.file", "").build();
        assertEquals(null, config.security().aclFile());
        assertEquals(Path.of("policy.acl"), base().set("emcomm.acl.file", "policy.acl").build().security().aclFile());
    }

    /**
     * A declaration that no record reads would be accepted from every source and change nothing: for each
     * setting, two values that both build must give two different configurations.
     */
    @Test
    void everySettingReachesTheConfiguration()
    {
        final Map<String, Map<String, String>> companions = Map.of(
            "emcomm.auth.mode", Map.of("emcomm.auth.terminals.file", "terminals.csv"),
            "emcomm.tls.cert", Map.of("emcomm.tls.key", "server.key"),
            "emcomm.tls.key", Map.of("emcomm.tls.cert", "server.pem"),
            "emcomm.uplink", Map.of("emcomm.router.region", "5201", "emcomm.uplink.router.id", "province"),
            "emcomm.journal.backend", Map.of("emcomm.kafka.bootstrap", "kafka.example:9092"),
            "emcomm.uplink.tls.cert", Map.of("emcomm.uplink.tls.key", "router.key"),
            "emcomm.uplink.tls.key", Map.of("emcomm.uplink.tls.cert", "router.pem"));
        for (final Setting<?> setting : Settings.ALL)
        {
            final List<RouterConfig> built = new ArrayList<>();
            for (final String candidate : candidates(setting))
            {
                final RouterConfig.Builder b = base();
                companions.getOrDefault(setting.key(), Map.of()).forEach(b::set);
                try
                {
                    built.add(b.set(setting.key(), candidate).build());
                }
                catch (final ConfigException notValidHere)
                {
                    continue;
                }
                if (built.size() == 2)
                {
                    break;
                }
            }
            assertEquals(2, built.size(), setting.key() + ": two candidate values that build");
            assertNotEquals(built.get(0), built.get(1), setting.key() + " changes nothing in RouterConfig");
        }
    }

    private static List<String> candidates(final Setting<?> setting)
    {
        if (setting.min() != null)
        {
            final long min = setting.min();
            final long max = setting.max();
            return Stream.of(min, min + 1, max - 1, max, 65_536L, 131_072L).map(String::valueOf).toList();
        }
        return List.of("false", "true", "none", "batch", "token", "HALF_HOURLY", "FAST_DAILY", "52", "5201",
            "province.example:7400", "[::1]:7401", "chronicle", "kafka");
    }
}
