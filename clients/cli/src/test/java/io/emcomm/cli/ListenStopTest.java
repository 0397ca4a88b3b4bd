package io.emcomm.cli;

import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.Router;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.emcomm.cli.CliHarness.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A listener stopped the usual way (SIGTERM, as Ctrl-C's SIGINT) in the middle of a stream exits 0 and has
 * acknowledged everything it printed: the next listener with the same id gets exactly the rest. Found by a fresh
 * user's review: the JVM used to exit on the signal without closing the client, and the acks of the last printed
 * messages (written, not yet flushed) were lost, so those came again.
 */
@Timeout(120)
class ListenStopTest
{
    private static final int MESSAGES = 3_000;
    private static final int STOP_AFTER = 300;
    private static final Pattern INDEX = Pattern.compile("\"index\":(\\d+)");

    @TempDir
    Path dir;

    @Test
    void aListenerStoppedBySigtermHasAcknowledgedEverythingItPrinted() throws Exception
    {
        try (Router router = Router.start(new Router.Context().config(RouterConfig.loopback(dir.resolve("data")).build()));
             TestTerminal sender = TestTerminal.login(router.port(), "uav-1", TerminalKind.AIR, "520102"))
        {
            final String address = "127.0.0.1:" + router.port();
            final List<String> listenArgs = List.of("listen", "--router", address, "--id", "cp-5201", "--kind",
                "command-post", "--region", "5201", "--subscribe", "channel:ops", "--json");
            final Path out = dir.resolve("first.out");
            final Path err = dir.resolve("first.err");
            final Process first = java(listenArgs, out, err);
            await(() -> Files.readString(err).contains("listening as cp-5201"), "the listener came up", err);

            final Set<Long> published = new HashSet<>();
            final CompletableFuture<Void> publishing = CompletableFuture.runAsync(() ->
            {
                try
                {
                    for (int i = 0; i < MESSAGES; i++)
                    {
                        published.add(sender.publish(sender.text("report " + i, Precedence.ROUTINE, "channel:ops").build())
                            .getJournalIndex());
                    }
                }
                catch (final IOException ex)
                {
                    throw new IllegalStateException(ex);
                }
            });
            await(() -> Files.readAllLines(out).size() >= STOP_AFTER, "the listener printed " + STOP_AFTER, err);
            first.destroy(); // SIGTERM, mid-stream
            assertTrue(first.waitFor(30, TimeUnit.SECONDS), "the listener stopped");
            assertEquals(0, first.exitValue(), "a stop by signal is a clean exit: " + Files.readString(err));
            publishing.get(60, TimeUnit.SECONDS);
            final List<String> printed = Files.readAllLines(out);

            final Set<Long> before = indexes(printed);
            assertEquals(printed.size(), before.size(), "nothing printed twice in one run");
            assertTrue(before.size() < MESSAGES, "stopped mid-stream: " + before.size());
            final List<String> again = new ArrayList<>(listenArgs);
            again.addAll(List.of("--count", Integer.toString(MESSAGES - before.size()), "--timeout", "60s"));
            final CliHarness.Run rest = cli(again.toArray(String[]::new));
            assertEquals(0, rest.code(), rest.err());
            final Set<Long> after = indexes(rest.outLines());

            final Set<Long> repeated = new HashSet<>(before);
            repeated.retainAll(after);
            assertEquals(Set.of(), repeated, "printed (and so acknowledged) before the stop, yet delivered again");
            final Set<Long> all = new HashSet<>(before);
            all.addAll(after);
            assertEquals(published, all, "every message reached one of the two listeners");
        }
    }

    private static Set<Long> indexes(final List<String> lines)
    {
        final Set<Long> indexes = new HashSet<>();
        for (final String line : lines)
        {
            final Matcher m = INDEX.matcher(line);
            assertTrue(m.find(), line);
            indexes.add(Long.parseLong(m.group(1)));
        }
        return indexes;
    }

    private interface Check
    {
        boolean holds() throws IOException;
    }

    /** Polls a file the child writes, up to a minute: its output is the only sign of its progress. */
    private static void await(final Check check, final String what, final Path err) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!check.holds())
        {
            assertTrue(System.nanoTime() < deadline, what + ": " + Files.readString(err));
            Thread.sleep(20);
        }
    }

    /** {@link Main} in a JVM of its own, so that a real signal stops it. */
    private static Process java(final List<String> args, final Path out, final Path err) throws IOException
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
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(args);
        final ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        return builder.redirectInput(ProcessBuilder.Redirect.PIPE).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    }
}
