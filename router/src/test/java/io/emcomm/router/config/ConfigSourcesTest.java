package io.emcomm.router.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Issue 12, kind 9: an unknown {@code emcomm.*} key is refused from every source (file, {@code -D},
 * environment) with a suggestion, variables of the launcher and the client commands are left alone, and a
 * configuration file that cannot be read says why.
 */
class ConfigSourcesTest
{
    @TempDir
    Path dir;

    @Test
    void aMisspeltSystemPropertyIsRefusedWithASuggestion()
    {
        final Properties system = new Properties();
        system.setProperty("emcomm.prot", "7500");
        system.setProperty("java.version", "17"); // not ours
        assertEquals("unknown key emcomm.prot (did you mean emcomm.port?) from -D system properties (README.md lists the keys)",
            refused(null, system, null));
        system.setProperty("emcomm.journal.snyc", "batch");
        assertEquals("unknown keys emcomm.journal.snyc (did you mean emcomm.journal.sync?), emcomm.prot (did you mean "
            + "emcomm.port?) from -D system properties (README.md lists the keys)", refused(null, system, null));
    }

    @Test
    void aKeyFarFromEveryKnownOneGetsNoSuggestion()
    {
        final Properties system = new Properties();
        system.setProperty("emcomm.colour.scheme", "dark");
        assertEquals("unknown key emcomm.colour.scheme from -D system properties (README.md lists the keys)",
            refused(null, system, null));
    }

    @Test
    void aMisspeltEnvironmentVariableIsRefusedWithASuggestion()
    {
        assertEquals("unknown environment variable EMCOMM_PROT (did you mean EMCOMM_PORT?) (README.md lists the settings)",
            refused(null, null, Map.of("EMCOMM_PROT", "7500", "PATH", "/usr/bin")));
        assertEquals("unknown environment variable EMCOMM_DELIVERY_INFLIGTH (did you mean EMCOMM_DELIVERY_INFLIGHT?) "
            + "(README.md lists the settings)", refused(null, null, Map.of("EMCOMM_DELIVERY_INFLIGTH", "64")));
    }

    @Test
    void theLaunchersAndTheClientsVariablesAreNotRouterSettings()
    {
        final RouterConfig config = RouterConfig.builder().load(null, properties("emcomm.bench.rate", "1000"), Map.of(
            "EMCOMM_JAVA_OPTS", "-Xmx2g",
            "EMCOMM_CREDENTIAL", "secret",
            "EMCOMM_CLIENT_TLS_CERT", "/etc/emcomm/post.pem",
            "EMCOMM_PORT", "7500")).build();
        assertEquals(7500, config.port(), "known variables still apply");
    }

    @Test
    void aMisspeltKeyInTheFileIsRefusedWithASuggestion() throws Exception
    {
        final Path file = Files.writeString(dir.resolve("router.properties"), "emcomm.port=7500\nemcomm.adminport=7501\n");
        assertEquals("unknown key emcomm.adminport (did you mean emcomm.admin.port?) in " + file
            + " (README.md lists the keys)", refused(file, null, null));
    }

    @Test
    void aConfigurationFileThatCannotBeReadSaysWhy() throws Exception
    {
        final Path missing = dir.resolve("missing.properties");
        assertEquals("cannot read configuration file " + missing + ": no such file", refused(missing, null, null));
        assertEquals("cannot read configuration file " + dir + ": is a directory", refused(dir, null, null));
    }

    @Test
    void everySourceStillApplies() throws Exception
    {
        final Path file = Files.writeString(dir.resolve("router.properties"), "emcomm.port=7500\nemcomm.router.id=file\n");
        final RouterConfig config = RouterConfig.builder()
            .load(file, properties("emcomm.router.id", "system"), Map.of("EMCOMM_IO_THREADS", "3"))
            .build();
        assertEquals(7500, config.port());
        assertEquals("system", config.routerId());
        assertEquals(3, config.ioThreads());
    }

    @Test
    void suggestionsAreTheNearestKnownName()
    {
        assertEquals(0, KeySuggestion.distance("emcomm.port", "emcomm.port"));
        assertEquals(2, KeySuggestion.distance("emcomm.prot", "emcomm.port"));
        assertEquals("emcomm.host", KeySuggestion.nearest("emcomm.hots", Settings.KEYS));
        assertEquals(null, KeySuggestion.nearest("emcomm.x", java.util.Set.of("emcomm.journal.retention.hours")));
    }

    private static String refused(final Path file, final Properties system, final Map<String, String> env)
    {
        return assertThrows(ConfigException.class, () -> RouterConfig.builder().load(file, system, env).build()).getMessage();
    }

    private static Properties properties(final String key, final String value)
    {
        final Properties p = new Properties();
        p.setProperty(key, value);
        return p;
    }
}
