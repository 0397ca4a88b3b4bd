package io.emcomm.cli;

import io.emcomm.router.config.RouterConfig;
import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.Router;
import io.emcomm.router.journal.JournalEntry;
import io.emcomm.router.journal.JournalReader;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 7 on the command line: status, journal verify/export, replay --into, and exit 0 on SIGTERM. */
@Timeout(120)
@ExtendWith(LeakWatch.class)
class OpsCliTest
{
    private static final int MESSAGES = 5;

    @TempDir
    Path dir;

    record Run(int code, String out, String err)
    {
    }

    private static Run cli(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString().replace("\r", ""), err.toString().replace("\r", ""));
    }

    @Test
    void statusJournalToolsAndPlayback() throws Exception
    {
        final Path source = dir.resolve("source");
        try (Router router = Router.start(new Router.Context().config(RouterConfig.loopback(source).build()));
             TestTerminal uav = TestTerminal.login(router.port(), "uav-1", TerminalKind.AIR, "520102");
             TestTerminal post = TestTerminal.login(router.port(), "cp-5201", TerminalKind.COMMAND_POST, "5201"))
        {
            for (int i = 0; i < MESSAGES; i++)
            {
                uav.publish(uav.text("report " + i, Precedence.PRIORITY, "up:520102").build());
            }
            post.awaitDelivery();
            final Run status = cli("status", "--admin", "127.0.0.1:" + router.adminPort());
            assertEquals(0, status.code(), status.err());
            assertTrue(status.out().startsWith("router emcomm-1 on port " + router.port()), status.out());
            assertTrue(status.out().contains("sessions  2 {air=1, command_post=1}"), status.out());
            assertTrue(status.out().contains("journaled " + MESSAGES), status.out());
            assertTrue(status.out().contains("cp-5201"), status.out());
            final Run json = cli("status", "--admin", "127.0.0.1:" + router.adminPort(), "--json");
            assertTrue(json.out().startsWith("{\"router_id\":\"emcomm-1\""), json.out());
        }
        final Run unreachable = cli("status", "--admin", "127.0.0.1:1");
        assertEquals(1, unreachable.code());
        assertTrue(unreachable.err().contains("cannot reach the admin endpoint"), unreachable.err());

        final Run verify = cli("journal", "verify", "--data", source.toString());
        assertEquals(0, verify.code(), verify.err());
        assertTrue(verify.out().startsWith("journal ok: " + MESSAGES + " entries in 1 roll file(s)"), verify.out());

        final Run csv = cli("journal", "export", "--data", source.toString(), "--format", "csv");
        assertEquals(0, csv.code(), csv.err());
        assertEquals(MESSAGES + 1, csv.out().split("\n").length, csv.out());
        assertTrue(csv.out().contains(",uav-1,3,air,520102,priority,up:520102,"), csv.out());
        final Run jsonl = cli("journal", "export", "--data", source.toString());
        assertEquals(MESSAGES, jsonl.out().split("\n").length);

        // after-action playback into a second router, at the original pace
        final Path target = dir.resolve("target");
        try (Router training = Router.start(new Router.Context().config(RouterConfig.loopback(target).build())))
        {
            final Run played = cli("replay", "--data", source.toString(), "--pace", "original", "--into", "127.0.0.1:" + training.port());
            assertEquals(0, played.code(), played.err());
            assertEquals("re-published " + MESSAGES + " messages into 127.0.0.1:" + training.port() + " as 1 terminal",
                played.err().trim());
            final List<String> texts = new ArrayList<>();
            final EnvelopeHeader header = new EnvelopeHeader();
            final JournalEntry e = new JournalEntry();
            try (JournalReader r = training.journal().newReader())
            {
                r.toStart();
                while (r.next(e))
                {
                    assertTrue(header.wrap(Unpooled.wrappedBuffer(e.envelope(), 0, e.envelopeLength()), 0, e.envelopeLength()));
                    texts.add(header.origin() + "@" + e.originRegion());
                }
            }
            assertEquals(List.of("uav-1.replay@520102", "uav-1.replay@520102", "uav-1.replay@520102", "uav-1.replay@520102",
                "uav-1.replay@520102"), texts);
        }
        final Run usage = cli("replay", "--router", "127.0.0.1:7400", "--into", "127.0.0.1:7400");
        assertEquals(2, usage.code());

        // a damaged roll file: verify names it and exits 1
        final Path copy = dir.resolve("damaged/journal");
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(source.resolve("journal")))
        {
            for (final Path p : files.toList())
            {
                Files.copy(p, copy.resolve(p.getFileName()));
            }
        }
        final Path roll;
        try (Stream<Path> files = Files.list(copy))
        {
            roll = files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        final byte[] bytes = Files.readAllBytes(roll);
        final int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("report 2");
        try (RandomAccessFile raf = new RandomAccessFile(roll.toFile(), "rw"))
        {
            raf.seek(at - 1);
            raf.write(0x7F);
        }
        final Run damaged = cli("journal", "verify", "--data", dir.resolve("damaged").toString());
        assertEquals(1, damaged.code());
        assertTrue(damaged.err().contains("journal damaged at index") && damaged.err().contains(roll.getFileName().toString()),
            damaged.err());
    }

    @Test
    void routerExitsZeroOnSigterm() throws Exception
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
        command.addAll(List.of("router", "--port", "0", "--admin-port", "0", "--data", dir.toString()));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final StringBuffer output = new StringBuffer();
        final CompletableFuture<Integer> port = new CompletableFuture<>();
        final Pattern listening = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
        final Thread pump = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = in.readLine()) != null)
                {
                    output.append(line).append('\n');
                    final Matcher m = listening.matcher(line);
                    if (m.find())
                    {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            }
            catch (final java.io.IOException ignore)
            {
                // the process ended
            }
        }, "router-output");
        pump.setDaemon(true);
        pump.start();
        try
        {
            final int routerPort = port.get(60, TimeUnit.SECONDS);
            try (TestTerminal uav = TestTerminal.login(routerPort, "uav-1", TerminalKind.AIR, "520102"))
            {
                uav.publish(uav.text("before the signal", Precedence.ROUTINE, "up:520102").build());
                // SIGTERM through the handle: Process.destroy() would also close our end of the child's output
                process.toHandle().destroy();
                final TestTerminal.Frame last = uav.nextControl();
                assertEquals(io.emcomm.protocol.wire.FrameType.GOING_AWAY_VALUE, last.type(), output.toString());
            }
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), output.toString());
            assertEquals(0, process.exitValue(), output.toString());
            pump.join(10_000);
            assertTrue(output.toString().contains("router stopped"), "pump alive " + pump.isAlive() + "\n" + output);
        }
        finally
        {
            process.destroyForcibly();
        }
    }
}
