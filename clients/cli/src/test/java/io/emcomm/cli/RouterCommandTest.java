package io.emcomm.cli;

import io.emcomm.router.config.FederationSettings;
import io.emcomm.router.config.RouterConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@code emcomm router}'s federation options (issue 16): each reaches its setting and wins over the configuration
 * file; a child without a region or a parent id, or with an uplink that is not HOST:PORT, is one line and exit 1
 * before anything is created.
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
    void aChildWithoutRegionOrParentIdIsOneLineAndExitOne()
    {
        final Run noRegion = cli("router", "--uplink", "city:7400", "--uplink-router-id", "city-5201", "--data",
            dir.resolve("data").toString());
        assertEquals("emcomm router: bad configuration: emcomm.router.region: required with emcomm.uplink (a child router "
            + "serves a region subtree of its parent's)\n", noRegion.err());
        assertEquals(1, noRegion.code());

        final Run noParentId = cli("router", "--region", "520102", "--uplink", "city:7400", "--data",
            dir.resolve("data").toString());
        assertEquals("emcomm router: bad configuration: emcomm.uplink.router.id: required with emcomm.uplink (the parent's "
            + "emcomm.router.id, checked against its WELCOME)\n", noParentId.err());
        assertEquals(1, noParentId.code());

        final Run notHostPort = cli("router", "--region", "520102", "--uplink", "city", "--uplink-router-id", "c",
            "--data", dir.resolve("data").toString());
        assertEquals("emcomm router: bad configuration: emcomm.uplink: 'city' is not HOST:PORT (for example "
            + "city-router.example:7400)\n", notHostPort.err());
        assertFalse(Files.exists(dir.resolve("data")), "nothing was created");
    }

    private record Run(int code, String out, String err)
    {
    }

    private static Run cli(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString().replace("\r", ""), err.toString().replace("\r", ""));
    }
}
