package io.emcomm.cli;

import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.Router;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, kinds 8 and 9 through the real entry point: {@code emcomm router} that cannot start prints one
 * line naming the thing and the reason and exits 1 (2 for a usage error), having touched no data. The cases
 * that must show the whole output of the process (nothing logged, no stack trace) run the command in a child
 * JVM with this JVM's flags and class path; the router's log goes to the same output there.
 */
@Timeout(120)
class RouterStartupTest
{
    @TempDir
    Path dir;

    record Run(int code, String out, String err)
    {
    }

    record ChildRun(int code, List<String> lines)
    {
    }

    @Test
    void aDataFolderInUseByAnotherProcessIsOneLineAndExitOne() throws Exception
    {
        try (Router running = Router.start(new Router.Context().config(RouterConfig.loopback(dir).build())))
        {
            final ChildRun second = child(Map.of(), List.of(), "router", "--port", "0", "--admin-port", "-1", "--data", dir.toString());
            assertEquals(List.of("emcomm router: data folder " + dir.toAbsolutePath() + " is in use by process "
                + ProcessHandle.current().pid()), second.lines());
            assertEquals(1, second.code());
            assertTrue(running.isAccepting(), "the first router runs on");
        }
    }

    @Test
    void aTerminalPortInUseIsOneLineAndNoJournal() throws Exception
    {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")))
        {
            final int port = taken.getLocalPort();
            final ChildRun run = child(Map.of(), List.of(), "router", "--port", String.valueOf(port), "--admin-port", "-1",
                "--data", dir.toString());
            assertEquals(List.of("emcomm router: cannot listen on 127.0.0.1:" + port + ": address already in use"), run.lines());
            assertEquals(1, run.code());
            assertFalse(Files.exists(dir.resolve("journal")), "the journal was not opened");
        }
    }

    @Test
    void unknownKeysFromSystemPropertiesAndTheEnvironmentAreRefused() throws Exception
    {
        final ChildRun system = child(Map.of(), List.of("-Demcomm.prot=7500"), "router", "--data", dir.toString());
        assertEquals(List.of("emcomm router: bad configuration: unknown key emcomm.prot (did you mean emcomm.port?) from -D "
            + "system properties (README.md lists the keys)"), system.lines());
        assertEquals(1, system.code());

        final ChildRun env = child(Map.of("EMCOMM_ADMIN_PROT", "7501"), List.of(), "router", "--data", dir.toString());
        assertEquals(List.of("emcomm router: bad configuration: unknown environment variable EMCOMM_ADMIN_PROT (did you mean "
            + "EMCOMM_ADMIN_PORT?) (README.md lists the settings)"), env.lines());
        assertEquals(1, env.code());
        assertFalse(Files.exists(dir.resolve("journal")), "nothing was opened");
    }

    @Test
    void anAdminPortInUseIsOneWarningAndTheRouterRunsOn() throws Exception
    {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")))
        {
            final Process process = start(Map.of("EMCOMM_CREDENTIAL", "not-for-the-router"), List.of(),
                "router", "--port", "0", "--admin-port", String.valueOf(taken.getLocalPort()), "--data", dir.toString());
            final BlockingQueue<String> lines = pump(process);
            final List<String> seen = new ArrayList<>();
            try
            {
                String line;
                do
                {
                    line = lines.poll(60, TimeUnit.SECONDS);
                    assertNotNull(line, "no 'listening' line; output so far: " + seen);
                    seen.add(line);
                }
                while (!line.startsWith("EmComm router"));
                final List<String> warnings = seen.stream().filter(l -> l.contains("WARN") || l.contains("ERROR")).toList();
                assertEquals(1, warnings.size(), String.join("\n", seen));
                assertTrue(warnings.get(0).endsWith("admin endpoint off, the router runs on without it: cannot listen on 127.0.0.1:"
                    + taken.getLocalPort() + ": address already in use"), warnings.get(0));
                assertTrue(seen.stream().noneMatch(l -> l.startsWith("\tat ")), "no stack trace: " + seen);
                process.toHandle().destroy(); // SIGTERM: a clean stop
                assertTrue(process.waitFor(60, TimeUnit.SECONDS));
                assertEquals(0, process.exitValue());
            }
            finally
            {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void aDataFolderThatIsAFileSaysSo() throws Exception
    {
        final Path file = Files.writeString(dir.resolve("data"), "x");
        final Run run = cli("router", "--port", "0", "--admin-port", "-1", "--data", file.toString());
        assertEquals("emcomm router: cannot create data folder " + file + ": not a directory\n", run.err());
        assertEquals(1, run.code());
    }

    @Test
    void aMissingConfigurationFileSaysNoSuchFile()
    {
        final Path missing = dir.resolve("router.properties");
        final Run run = cli("router", "--config", missing.toString(), "--data", dir.toString());
        assertEquals("emcomm router: bad configuration: cannot read configuration file " + missing + ": no such file\n", run.err());
        assertEquals(1, run.code());
    }

    @Test
    void aRouterIdTooLongForAFrameIsRefused() throws Exception
    {
        final Path config = Files.writeString(dir.resolve("router.properties"), "emcomm.router.id=" + "r".repeat(150) + "\n");
        final Run run = cli("router", "--config", config.toString(), "--data", dir.resolve("data").toString());
        assertEquals("emcomm router: bad configuration: emcomm.router.id: 150 characters is too long (at most 64 of "
            + "[A-Za-z0-9._-], as a terminal id)\n", run.err());
        assertEquals(1, run.code());
        assertFalse(Files.exists(dir.resolve("data")), "nothing was created");
    }

    @Test
    void aMissingTerminalsFileSaysNoSuchFileBeforeTheDataFolderIsMade() throws Exception
    {
        final Path terminals = dir.resolve("terminals.txt");
        final Path config = Files.writeString(dir.resolve("router.properties"),
            "emcomm.auth.mode=token\nemcomm.auth.terminals.file=" + terminals + "\n");
        final Run run = cli("router", "--config", config.toString(), "--port", "0", "--admin-port", "-1",
            "--data", dir.resolve("data").toString());
        assertEquals("emcomm router: bad configuration: cannot read the terminals file " + terminals + ": no such file\n", run.err());
        assertEquals(1, run.code());
        assertFalse(Files.exists(dir.resolve("data")), "nothing was created");
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
        assertEquals(1, notHostPort.code());
        assertFalse(Files.exists(dir.resolve("data")), "nothing was created");
    }

    @Test
    void anUnknownUplinkProfileIsOneLineBeforeTheDataFolderIsMade()
    {
        final Run run = cli("router", "--region", "520102", "--uplink", "city:7400", "--uplink-router-id", "city-5201",
            "--uplink-profile", "warp", "--port", "0", "--admin-port", "-1", "--data", dir.resolve("data").toString());
        assertEquals("emcomm router: bad configuration: emcomm.uplink.profile: unknown link profile 'warp' (beidou, "
            + "tiantong, vsat, rate:<bytes per second>)\n", run.err());
        assertEquals(1, run.code());
        assertFalse(Files.exists(dir.resolve("data")), "nothing was created");
    }

    @Test
    void aBadOptionIsAUsageError()
    {
        final Run run = cli("router", "--port", "seventy");
        assertEquals(2, run.code());
        assertTrue(run.err().startsWith("emcomm router: Invalid value for option '--port'"), run.err());
    }

    private static Run cli(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString().replace("\r", ""), err.toString().replace("\r", ""));
    }

    /** Runs {@code emcomm ARGS} in a child JVM to its end; its stdout and stderr together, line by line. */
    private static ChildRun child(final Map<String, String> env, final List<String> jvmArgs, final String... args)
        throws IOException, InterruptedException
    {
        final Process process = start(env, jvmArgs, args);
        final BlockingQueue<String> lines = pump(process);
        try
        {
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the command did not end");
            final List<String> all = new ArrayList<>();
            String line;
            while (!(line = lines.take()).equals(END))
            {
                all.add(line);
            }
            return new ChildRun(process.exitValue(), all);
        }
        finally
        {
            process.destroyForcibly();
        }
    }

    private static final String END = "\u0000end";

    private static Process start(final Map<String, String> env, final List<String> jvmArgs, final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (!arg.startsWith("-agentlib:jdwp"))
            {
                command.add(arg);
            }
        }
        command.add("-Dio.netty.leakDetection.level=disabled");
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("EMCOMM_"));
        builder.environment().putAll(env);
        return builder.start();
    }

    /** Every line the process prints, then {@link #END} when its output closes. */
    private static BlockingQueue<String> pump(final Process process)
    {
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final Thread pump = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = in.readLine()) != null)
                {
                    lines.add(line);
                }
            }
            catch (final IOException ignore)
            {
                // the process ended
            }
            lines.add(END);
        }, "cli-output");
        pump.setDaemon(true);
        pump.start();
        return lines;
    }
}
