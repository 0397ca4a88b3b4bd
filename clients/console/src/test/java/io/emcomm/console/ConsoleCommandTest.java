package io.emcomm.console;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console reaches the router with the same TLS and token options as every command (docs/security.md). */
class ConsoleCommandTest
{
    @TempDir
    Path dir;

    @Test
    void theConsoleTakesTheCommandsTlsOptions()
    {
        final StringWriter out = new StringWriter();
        final CommandLine cli = new CommandLine(new ConsoleCommand()).setOut(new PrintWriter(out));
        assertEquals(0, cli.execute("--help"));
        for (final String option : new String[] {"--tls-ca", "--tls-cert", "--tls-key", "--tls-no-verify-hostname", "--credential"})
        {
            assertTrue(out.toString().contains(option), option + " in\n" + out);
        }
    }

    @Test
    void aMissingCaFileIsOneLineNamingIt()
    {
        final StringWriter err = new StringWriter();
        final Path missing = dir.resolve("no-such-ca.pem");
        final int code = new CommandLine(new ConsoleCommand()).setErr(new PrintWriter(err))
            .execute("--router", "127.0.0.1:1", "--id", "cp-5201", "--region", "5201", "--http-port", "0",
                "--tls-ca", missing.toString());
        assertEquals(1, code, err.toString());
        assertTrue(err.toString().startsWith("emcomm console: ") && err.toString().contains(missing.toString()), err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
    }

    @Test
    void aRouterAdminThatIsNotAUrlIsAUsageError()
    {
        final StringWriter err = new StringWriter();
        final int code = new CommandLine(new ConsoleCommand()).setErr(new PrintWriter(err))
            .execute("--router", "127.0.0.1:1", "--id", "cp-5201", "--region", "5201", "--http-port", "0",
                "--router-admin", "127.0.0.1:7401");
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("--router-admin"), err.toString());
    }
}
