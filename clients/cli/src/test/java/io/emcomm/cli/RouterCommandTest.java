package io.emcomm.cli;

import io.emcomm.router.config.FederationSettings;
import io.emcomm.router.config.RouterConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code emcomm router}'s federation options (issue 16): each reaches its setting and wins over the configuration
 * file (a child without a region or a parent id is refused in {@link RouterStartupTest}).
 */
@Timeout(60)
class RouterCommandTest
{
    @TempDir
    Path dir;

    private static RouterConfig parsed(final String... args)
    {
        final RouterCommand command = new RouterCommand();
        new CommandLine(command).parseArgs(args);
        return command.config();
    }

    @Test
    void theFederationOptionsReachTheConfiguration()
    {
        final RouterConfig config = parsed("--router-id", "county-520102", "--region", "520102", "--uplink",
            "city.example:7400", "--uplink-router-id", "city-5201", "--uplink-credential", "s3cret", "--uplink-profile",
            "vsat", "--data", dir.toString());

        assertEquals("county-520102", config.routerId());
        final FederationSettings federation = config.federation();
        assertEquals("520102", federation.region());
        assertEquals("city.example:7400", federation.uplink());
        assertEquals("city.example", federation.uplinkHost());
        assertEquals(7400, federation.uplinkPort());
        assertEquals("city-5201", federation.uplinkRouterId());
        assertEquals("s3cret", federation.uplinkCredential());
        assertEquals("vsat", federation.uplinkProfile());
    }

    @Test
    void withoutTheOptionsARouterServesEverythingAndHasNoUplink()
    {
        final RouterConfig config = parsed("--data", dir.toString());
        assertEquals("", config.federation().region());
        assertFalse(config.federation().hasUplink());
    }

    @Test
    void anOptionWinsOverTheConfigurationFile() throws Exception
    {
        final Path file = Files.writeString(dir.resolve("router.properties"),
            "emcomm.router.id=from-file\nemcomm.router.region=52\n");
        final RouterConfig config = parsed("--config", file.toString(), "--router-id", "city-5201", "--region", "5201");
        assertEquals("city-5201", config.routerId());
        assertEquals("5201", config.federation().region());
    }

    @Test
    void aBadRegionIsRefusedNamingTheSetting()
    {
        final CliFailure failure = assertThrows(CliFailure.class, () -> parsed("--region", "52x"));
        assertEquals("bad configuration: emcomm.router.region: ", failure.getMessage().substring(0, 41));
    }

    @Test
    void theKafkaOptionMakesTheRouterANodeOfTheSitesJournal()
    {
        final RouterConfig config = parsed("--kafka", "127.0.0.1:9092,127.0.0.1:9093", "--router-id", "node-1", "--data",
            dir.toString());
        assertEquals("kafka", config.journal().backend());
        assertEquals("127.0.0.1:9092,127.0.0.1:9093", config.journal().kafkaBootstrap());
        assertEquals("chronicle", parsed("--data", dir.toString()).journal().backend(), "the default stays Chronicle");
    }

    @Test
    void aBadKafkaBootstrapIsRefusedNamingTheSetting()
    {
        final CliFailure failure = assertThrows(CliFailure.class, () -> parsed("--kafka", "kafka-without-port"));
        assertTrue(failure.getMessage().startsWith("bad configuration: emcomm.kafka.bootstrap: "), failure.getMessage());
    }
}
