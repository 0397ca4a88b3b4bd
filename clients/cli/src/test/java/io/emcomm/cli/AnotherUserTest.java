package io.emcomm.cli;

import io.emcomm.router.config.RouterConfig;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.Router;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 12, kind 9: {@code emcomm router} run by another user than the one who owns the checkout and the data
 * folder. It used to print about a hundred lines of JNA stack traces (the launcher pointed JNA's temporary
 * folder into the checkout, which that user cannot write) before any message of its own. Now the only output
 * is the one line that says what is wrong. Runs the command as {@code nobody} through {@code runuser}, with
 * the JVM flags of the launcher script; needs root, skipped otherwise.
 */
@Timeout(120)
class AnotherUserTest
{
    private static final String RUNUSER = "/usr/sbin/runuser";

    @TempDir
    Path dir;

    @Test
    void aDataFolderOfAnotherUserIsOneLineAndNoStackTraces() throws Exception
    {
        assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of(RUNUSER)),
            "needs root and runuser to run the router as another user");
        open(dir);
        final Path data = Files.createDirectories(dir.resolve("data").resolve("journal"));
        Files.writeString(data.resolve("metadata.cq4t"), "");
        open(data.getParent());
        open(data);

        final Process process = new ProcessBuilder(command("router", "--port", "0", "--admin-port", "-1",
            "--data", data.getParent().toString())).redirectErrorStream(true).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the command did not end");
        final List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertEquals(List.of("emcomm router: cannot use data folder " + data.getParent() + ": permission denied"), lines);
        assertEquals(1, process.exitValue());
    }

    @Test
    void aJournalOfAnotherUserIsReadWithoutWarningsOrStackTraces() throws Exception
    {
        assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of(RUNUSER)),
            "needs root and runuser to read as another user");
        open(dir);
        final Path data = dir.resolve("data");
        try (Router router = Router.start(new Router.Context().config(RouterConfig.loopback(data).build()));
             TestTerminal uav = TestTerminal.login(router.port(), "uav-1", TerminalKind.AIR, "520102"))
        {
            uav.publish(uav.text("on scene", Precedence.ROUTINE, "up:520102").build());
        }
        try (var tree = Files.walk(data))
        {
            for (final Path p : tree.toList())
            {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }

        final Process process = new ProcessBuilder(command("replay", "--data", data.toString())).start();
        final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        final String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the command did not end");
        assertEquals(0, process.exitValue(), err);
        assertTrue(out.contains("text: on scene"), out);
        assertTrue(err.strip().matches("replayed 1 message \\(last index \\d+\\)"),
            "only the summary line, no warning about the read-only table store: " + err);
    }

    /**
     * {@code runuser -u nobody -- java FLAGS -cp CLASSPATH io.emcomm.cli.Main ARGS} on copies nobody can read,
     * FLAGS being the launcher's own ({@code JVM_FLAGS} in {@code ./emcomm}) plus the module exports that
     * {@code java -jar} takes from the jar's manifest.
     */
    private List<String> command(final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>(List.of(RUNUSER, "-u", "nobody", "--"));
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(launcherFlags());
        // the launcher jar's logging configuration, not the tests' (the router's test-jar brings logback-test.xml)
        command.add("-Dlogback.configurationFile=" + repositoryRoot().resolve("clients/cli/src/main/resources/logback.xml"));
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("--add-exports") || arg.startsWith("--add-opens"))
            {
                command.add(arg);
            }
        }
        command.add("-cp");
        command.add(readableClassPath());
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        return command;
    }

    private static Path repositoryRoot()
    {
        return Path.of("").toAbsolutePath().getParent().getParent(); // surefire runs in clients/cli
    }

    /** The JVM_FLAGS array of the launcher script, with ROOT and MODULE filled in as the script does. */
    private static List<String> launcherFlags() throws IOException
    {
        final Path root = repositoryRoot();
        final List<String> script = Files.readAllLines(root.resolve("emcomm"));
        final List<String> flags = new ArrayList<>();
        boolean inside = false;
        for (final String raw : script)
        {
            final String line = raw.trim();
            if (line.equals("JVM_FLAGS=("))
            {
                inside = true;
            }
            else if (inside && line.equals(")"))
            {
                break;
            }
            else if (inside && !line.isEmpty() && !line.startsWith("#"))
            {
                flags.add(line.replace("\"", "").replace("${ROOT}", root.toString()).replace("${MODULE}", "clients/cli"));
            }
        }
        assertTrue(flags.size() >= 4, "JVM_FLAGS not found in " + root.resolve("emcomm") + ": " + flags);
        return flags;
    }

    /** The class path with every jar copied where another user can read it (the local Maven repository is private). */
    private String readableClassPath() throws IOException
    {
        final Path jars = Files.createDirectory(dir.resolve("jars"));
        open(jars);
        final List<String> entries = new ArrayList<>();
        int n = 0;
        for (final String entry : System.getProperty("java.class.path").split(File.pathSeparator))
        {
            final Path source = Path.of(entry);
            if (Files.isRegularFile(source))
            {
                final Path copy = jars.resolve((n++) + "-" + source.getFileName());
                Files.copy(source, copy);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                entries.add(copy.toString());
            }
            else
            {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static void open(final Path folder) throws IOException
    {
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
