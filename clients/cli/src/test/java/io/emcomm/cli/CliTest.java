package io.emcomm.cli;

import io.emcomm.cli.CliHarness.Capture;
import io.emcomm.cli.CliHarness.Run;
import io.emcomm.router.Router;
import io.emcomm.testing.LeakWatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static io.emcomm.cli.CliHarness.awaitMatch;
import static io.emcomm.cli.CliHarness.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line end to end, in-process: {@code router} in one thread, {@code listen} in another,
 * {@code send} and {@code replay} against them, each through {@link Main#run} with captured output.
 */
@Timeout(90)
@ExtendWith(LeakWatch.class)
class CliTest
{
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    @Test
    void routerSendListenReplayEndToEnd() throws Exception
    {
        final Capture routerOut = new Capture();
        final Thread[] routerThread = new Thread[1];
        final CompletableFuture<Run> routerRun = new CompletableFuture<>();
        routerThread[0] = new Thread(() -> routerRun.complete(routerOut.run("router", "--port", "0", "--data", dir.toString())), "cli-router");
        routerThread[0].start();
        final String port = awaitMatch(routerOut::out, LISTENING).group(1);
        final String router = "127.0.0.1:" + port;

        final Capture listenOut = new Capture();
        final CompletableFuture<Run> listen = listenOut.start("listen", "--router", router, "--id", "cp-5201",
            "--kind", "command-post", "--region", "5201", "--subscribe", "channel:flood.>", "--count", "2",
            "--timeout", "30s", "--json");
        awaitMatch(listenOut::err, Pattern.compile("listening as cp-5201"));

        final Run alert = cli("send", "--router", router, "--id", "uav-1", "--kind", "air", "--region", "520111",
            "--to", "region:5201", "--precedence", "flash", "--ttl", "30m", "--text", "Flood warning \"Nanming\"");
        assertEquals(0, alert.code(), alert.err());
        final long alertIndex = Long.parseLong(alert.out().trim());
        final Run gauge = cli("send", "--router", router, "--id", "uav-1", "--kind", "air", "--region", "520111",
            "--to", "channel:flood.520102", "--text", "level 3.1 m");
        assertEquals(0, gauge.code(), gauge.err());
        final long gaugeIndex = Long.parseLong(gauge.out().trim());
        assertTrue(gaugeIndex > alertIndex);

        final Run listened = listen.get(30, TimeUnit.SECONDS);
        assertEquals(0, listened.code(), listened.err());
        final List<String> lines = listened.outLines();
        assertEquals(2, lines.size(), listened.out());
        assertTrue(lines.get(0).startsWith("{\"index\":" + alertIndex + ",\"id\":\"uav-1/1\",\"origin\":\"uav-1\""), lines.get(0));
        assertTrue(lines.get(0).contains("\"precedence\":\"flash\",\"to\":[\"region:5201\"]"), lines.get(0));
        assertTrue(lines.get(0).endsWith("\"body\":\"text\",\"text\":\"Flood warning \\\"Nanming\\\"\"}"), lines.get(0));
        assertTrue(lines.get(1).contains("\"index\":" + gaugeIndex + ",\"id\":\"uav-1/2\""), lines.get(1));
        assertTrue(lines.get(1).contains("\"precedence\":\"routine\""), lines.get(1));

        final Run replay = cli("replay", "--router", router, "--origin", "uav-1", "--json");
        assertEquals(0, replay.code(), replay.err());
        assertEquals(lines, replay.outLines(), "live and replayed JSON lines are the same");
        assertEquals("replayed 2 messages (last index " + gaugeIndex + ")", replay.err().trim());

        final Run flashOnly = cli("replay", "--router", router, "--precedence", "immediate");
        assertEquals(1, flashOnly.outLines().size(), flashOnly.out());
        assertTrue(flashOnly.out().contains("#" + alertIndex + " FLASH uav-1/1 -> region:5201 text: Flood warning"), flashOnly.out());

        routerThread[0].interrupt();
        final Run stopped = routerRun.get(30, TimeUnit.SECONDS);
        assertEquals(0, stopped.code(), stopped.err());
        assertTrue(stopped.out().contains("router stopped"));

        final Run fromDisk = cli("replay", "--data", dir.toString(), "--json");
        assertEquals(0, fromDisk.code(), fromDisk.err());
        assertEquals(lines, fromDisk.outLines(), "replay from disk matches");

        final Run down = cli("send", "--router", router, "--id", "uav-1", "--kind", "air", "--region", "520111",
            "--to", "up:520111", "--text", "anyone?");
        assertEquals(1, down.code());
        assertEquals("emcomm send: cannot reach the router at " + router + ": connection refused\n", down.err());
    }

    /** {@code --router a,b}: the nodes of a cluster, tried in order; a bad entry is one line that names it. */
    @Test
    void aCommandGivenSeveralRoutersUsesTheFirstThatAnswersAndABadEntryIsOneLineNamingIt() throws Exception
    {
        final String dead;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            dead = "127.0.0.1:" + probe.getLocalPort(); // closed at once: nothing listens there
        }
        try (Router live = Router.start(Router.Context.loopback(dir.resolve("live"))))
        {
            final String routers = dead + "," + "127.0.0.1:" + live.port();
            final Run sent = cli("send", "--router", routers, "--id", "uav-1", "--kind", "air", "--region", "520111",
                "--to", "up:520111", "--text", "on scene");
            assertEquals(0, sent.code(), sent.err());
            final long index = Long.parseLong(sent.out().trim());
            final Run replayed = cli("replay", "--router", "127.0.0.1:" + live.port(), "--origin", "uav-1");
            assertEquals(0, replayed.code(), replayed.err());
            assertTrue(replayed.out().contains(" #" + index + " ROUTINE uav-1/1 "), "journaled by the live router: " + replayed.out());
        }

        final Run bad = cli("send", "--router", dead + ",b:http", "--id", "uav-1", "--kind", "air", "--region", "520111",
            "--to", "up:520111", "--text", "x");
        assertEquals(2, bad.code(), bad.err());
        assertEquals("emcomm send: Invalid value for option '--router': bad router 'b:http' in '" + dead +
            ",b:http': not HOST:PORT with a port in 1..65535", bad.err().lines().findFirst().orElseThrow());

        final Run down = cli("send", "--router", dead + "," + dead, "--id", "uav-1", "--kind", "air", "--region", "520111",
            "--to", "up:520111", "--text", "anyone?");
        assertEquals(1, down.code());
        assertEquals("emcomm send: none of the routers " + dead + ", " + dead + " welcomed terminal uav-1: cannot reach the router at " +
            dead + ": connection refused; cannot reach the router at " + dead + ": connection refused\n", down.err());
    }

    @Test
    void nackIsOneLineAndExitCodeOne() throws Exception
    {
        final Capture routerOut = new Capture();
        final Thread routerThread = new Thread(() -> routerOut.run("router", "--port", "0", "--data", dir.toString()), "cli-router");
        routerThread.start();
        try
        {
            final String router = "127.0.0.1:" + awaitMatch(routerOut::out, LISTENING).group(1);
            final List<String> args = new ArrayList<>(List.of("send", "--router", router, "--id", "cp-52",
                "--kind", "command-post", "--region", "52", "--text", "too many"));
            final StringBuilder to = new StringBuilder();
            for (int i = 0; i < 65; i++)
            {
                to.append(i == 0 ? "" : ",").append("terminal:veh-").append(i);
            }
            args.add("--to");
            args.add(to.toString());
            final Run nacked = cli(args.toArray(String[]::new));
            assertEquals(1, nacked.code(), nacked.err());
            // The router reports this as MALFORMED_ENVELOPE for now (TOO_MANY_DESTINATIONS would be more precise).
            assertTrue(nacked.err().startsWith("emcomm send: rejected by the router: "), nacked.err());
            assertTrue(nacked.err().contains("more than 64 destinations"), nacked.err());
            assertEquals(1, nacked.err().lines().count(), nacked.err());
            assertEquals("", nacked.out());
        }
        finally
        {
            routerThread.interrupt();
            routerThread.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "send --id a --kind air --region 52 --to nowhere --text x",
        "send --id a --kind air --region 52 --to up:52 --ttl 5x --text x",
        "send --id a --kind tank --region 52 --to up:52 --text x",
        "send --id a --kind air --region 521 --to up:52 --text x",
        "send --kind air --region 52 --to up:52 --text x",
        "send --id a --kind air --region 52 --to up:52",
        "send --id a --kind air --region 52 --to up:52 --text x --position 1,2",
        "send --id a --kind air --region 52 --to up:52 --bogus",
        "listen --id a --kind air --region 52 --subscribe region:52",
        "listen --id a --kind air --region 52 --timeout soon",
        "replay --from yesterday-ish",
        "send --id a --kind air --region 52 --to up:52 --ttl 0s --text x",
        "send --id a --kind air --region 52 --to up:52 --ttl -PT5S --text x",
        "send --id a --kind air --region 52 --to up:52 --ttl 99999999999999999999d --text x",
        "send --id a --kind air --region 52 --to up:52 --ttl 3651d --text x",
        "send --id a --kind air --region 52 --to up:52 --timeout 0ms --text x",
        "send --id a --kind air --region 52 --to up:52 --position NaN,106",
        "send --id a --kind air --region 52 --to up:52 --position 26,106,Infinity",
        "listen --id a --kind air --region 52 --timeout 0s",
        "listen --id a --kind air --region 52 --count -1",
        "listen --id a --kind air --region 52 --count 0",
        "listen --id a --kind air --region 52 --count 99999999999",
        "replay --from 999999999d",
        "replay --from 1900-01-01T00:00:00Z",
        "replay --limit -1",
        "simulate --duration 1d1d99999999999999999999s",
        "positions",
        "unsubscribe --id a --kind air --region 52 region:52",
        "unsubscribe --id a --kind air --region 52",
        "replay --data x --router 127.0.0.1:1",
        "router --port notaport",
        "frobnicate",
        ""})
    void usageErrorsAreExitCodeTwoWithoutAStackTrace(final String line)
    {
        final Run r = cli(line.isEmpty() ? new String[0] : line.split(" "));
        assertEquals(2, r.code(), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertTrue(r.err().lines().count() <= 2, r.err());
        assertTrue(r.err().contains("Try 'emcomm"), r.err());
        assertEquals("", r.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "router", "send", "listen", "unsubscribe", "positions", "replay", "simulate", "demo", "status",
        "credential", "journal", "journal export", "journal verify", "bench", "kafka"})
    void everyCommandHasHelp(final String command)
    {
        final List<String> args = new ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
        args.add("--help");
        final Run r = cli(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Usage: emcomm" + (command.isEmpty() ? "" : " " + command)), r.out());
    }

    @Test
    void helpListsEveryCommandWithItsWholeFirstSentence()
    {
        final String help = cli("--help").out();
        final String commands = help.substring(help.indexOf("Commands:"));
        for (final Class<?> sub : Main.SUBCOMMANDS)
        {
            final picocli.CommandLine.Command c = sub.getAnnotation(picocli.CommandLine.Command.class);
            final String sentence = CommandSummaries.summary(c.description());
            assertTrue(sentence.endsWith("."), c.name() + ": " + sentence);
            // compared without white space: the table wraps lines wherever it likes
            assertTrue(commands.replaceAll("\\s+", "").contains((c.name() + sentence).replaceAll("\\s+", "")), c.name() + " in\n" + help);
        }
        assertTrue(commands.contains("\n  bench "), help);
        assertTrue(help.replaceAll("\\s+", " ").contains("queued and unacknowledged deliveries, cursor)."), "status is not cut: " + help);
        final String journal = cli("journal", "--help").out().replaceAll("\\s+", " ");
        assertTrue(journal.contains("without gaps within each roll file."), journal);
    }
}
