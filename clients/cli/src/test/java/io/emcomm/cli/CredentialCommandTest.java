package io.emcomm.cli;

import io.emcomm.router.Router;
import io.emcomm.router.config.AuthMode;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.security.TokenHash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code emcomm credential}: the printed token verifies against the printed registry line, and only there. */
@Timeout(30)
class CredentialCommandTest
{
    @Test
    void theTokenVerifiesAgainstTheRegistryLineWhichDoesNotContainIt()
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        assertEquals(0, Main.run(new PrintWriter(out), new PrintWriter(err), "credential", "--id", "uav-1", "--kind", "air",
            "--region", "520102"));
        final String[] lines = out.toString().split("\n");
        final String token = lines[0].substring(lines[0].lastIndexOf(' ') + 1).strip();
        final String[] entry = lines[2].strip().split(" ");
        assertEquals("uav-1", entry[0]);
        assertEquals("air", entry[1]);
        assertEquals("520102", entry[2]);
        assertTrue(TokenHash.verify(entry[3], token));
        assertFalse(TokenHash.verify(entry[3], token + "x"));
        assertFalse(lines[2].contains(token), "the registry line holds only the hash");
    }

    @Test
    void aBadRegionIsAUsageError()
    {
        final StringWriter err = new StringWriter();
        assertEquals(2, Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "credential", "--id", "x", "--kind",
            "air", "--region", "5x"));
        assertTrue(err.toString().contains("5x"), err.toString());
    }

    /** Issue 16: a child router's registry line, with which its uplink logs in at a parent that checks tokens. */
    @Test
    @Timeout(60)
    void aRouterCredentialLetsTheChildRouterLinkWithItsToken(@TempDir final Path dir) throws Exception
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        assertEquals(0, Main.run(new PrintWriter(out), new PrintWriter(err), "credential", "--id", "city", "--kind", "router",
            "--region", "5201"), err.toString());
        final String[] lines = out.toString().split("\n");
        final String token = lines[0].substring(lines[0].lastIndexOf(' ') + 1).strip();
        final String line = lines[2].strip();
        assertTrue(line.startsWith("city router 5201 "), line);
        final Path registry = Files.writeString(dir.resolve("terminals.txt"), line + "\n");
        final RouterConfig.Builder parent = RouterConfig.loopback(dir.resolve("province")).routerId("province").region("52");
        parent.security().authMode(AuthMode.TOKEN).terminalsFile(registry);
        try (Router province = Router.start(new Router.Context().config(parent.build()));
             Router city = Router.start(new Router.Context().config(RouterConfig.loopback(dir.resolve("city"))
                 .routerId("city").region("5201").uplink("127.0.0.1:" + province.port(), "province")
                 .uplinkCredential(token).uplinkReconnectMaxMs(200).build())))
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (!city.uplinkUp())
            {
                assertTrue(System.nanoTime() < deadline, "the city's uplink logs in with the token");
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            assertEquals(0, province.counters().authenticationFailures());
        }
    }

    @Test
    void anUnknownKindNamesTheKindsARegistryTakes()
    {
        final StringWriter err = new StringWriter();
        assertEquals(2, Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "credential", "--id", "x",
            "--kind", "boat", "--region", "52"));
        assertTrue(err.toString().contains("unknown terminal kind 'boat' (air, space, ground, command-post, router)"),
            err.toString());
    }
}
