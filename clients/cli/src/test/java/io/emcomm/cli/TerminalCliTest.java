package io.emcomm.cli;

import io.emcomm.router.config.RouterConfig;
import io.emcomm.cli.CliHarness.Capture;
import io.emcomm.cli.CliHarness.Run;
import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.PositionReport;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.PublishAck;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.Router;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static io.emcomm.cli.CliHarness.awaitLines;
import static io.emcomm.cli.CliHarness.awaitMatch;
import static io.emcomm.cli.CliHarness.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12 kinds 3 and 11 on the command line, against a real router: send and unsubscribe acknowledge nothing
 * they did not show, listen never stops silently and counts each message once, positions lists the latest
 * positions.
 */
@Timeout(120)
@ExtendWith(LeakWatch.class)
class TerminalCliTest
{
    @TempDir
    Path dir;

    private static String[] as(final String id, final String kind, final String region, final int port, final String... rest)
    {
        final String[] head = {"--router", "127.0.0.1:" + port, "--id", id, "--kind", kind, "--region", region};
        final String[] all = new String[head.length + rest.length];
        System.arraycopy(rest, 0, all, 0, 1); // the command name first
        System.arraycopy(head, 0, all, 1, head.length);
        System.arraycopy(rest, 1, all, 1 + head.length, rest.length - 1);
        return all;
    }

    @Test
    void sendAcknowledgesNothingDeliveredToItsTerminalWhileConnected() throws Exception
    {
        try (Router router = Router.start(new Router.Context().config(RouterConfig.loopback(dir).build()));
             TestTerminal uav = TestTerminal.login(router.port(), "uav-1", TerminalKind.AIR, "520102"))
        {
            TestTerminal.login(router.port(), "cp-1", TerminalKind.COMMAND_POST, "5201").close(); // known from now on
            // queued for cp-1 while it is away, and a receipt that cp-1's own send asks for
            final PublishAck queued = uav.publish(uav.text("waiting for cp-1", Precedence.PRIORITY, "terminal:cp-1").build());
            final Run sent = cli(as("cp-1", "command-post", "5201", router.port(),
                "send", "--to", "terminal:uav-1", "--receipts", "--text", "on my way"));
            assertEquals(0, sent.code(), sent.err());
            final long sentIndex = Long.parseLong(sent.out().trim());
            assertTrue(sent.err().startsWith("delivered now to "), sent.err());
            uav.awaitAndAck(); // uav-1 takes cp-1's message, so a receipt goes back to cp-1

            try (TestTerminal post = TestTerminal.login(router.port(), "cp-1", TerminalKind.COMMAND_POST, "5201"))
            {
                // in either order: what send saw nothing of is still there, and so is the receipt for what it sent
                final List<Delivery> got = List.of(post.awaitDelivery(), post.awaitDelivery());
                assertEquals(1, got.stream().filter(d -> d.getJournalIndex() == queued.getJournalIndex()
                    && d.getEnvelope().getText().getText().equals("waiting for cp-1")).count(), got.toString());
                assertEquals(1, got.stream().filter(d -> d.getEnvelope().hasReceipt()
                    && d.getEnvelope().getReceipt().getMessageOriginSequence() > 0).count(), got.toString());
                assertTrue(sentIndex > queued.getJournalIndex());
            }
        }
    }

    @Test
    void listenerReplacedByAnotherLoginSaysSoAndExitsOne() throws Exception
    {
        try (Router router = Router.start(new Router.Context().config(RouterConfig.loopback(dir).build())))
        {
            final Capture listen = new Capture();
            final CompletableFuture<Run> running = listen.start(as("cp-2", "command-post", "5201", router.port(), "listen"));
            awaitMatch(listen::err, Pattern.compile("listening as cp-2"));
            try (TestTerminal other = TestTerminal.login(router.port(), "cp-2", TerminalKind.COMMAND_POST, "5201"))
            {
                final Run ended = running.get(30, TimeUnit.SECONDS);
                assertEquals(1, ended.code(), ended.err());
                final int localPort = other.socket().getLocalPort();
                assertTrue(ended.err().contains("emcomm listen: session replaced by another login from /127.0.0.1:" + localPort),
                    ended.err());
            }
        }
    }

    @Test
    void aListenerOnARouterListNamesTheRouterItFailsOverTo() throws Exception
    {
        final Router first = Router.start(new Router.Context().config(RouterConfig.loopback(dir.resolve("a")).build()));
        try (Router second = Router.start(new Router.Context().config(RouterConfig.loopback(dir.resolve("b")).build())))
        {
            final String list = "127.0.0.1:" + first.port() + ",127.0.0.1:" + second.port();
            final Capture listen = new Capture();
            final CompletableFuture<Run> running = listen.start("listen", "--router", list, "--id", "cp-7", "--kind",
                "command-post", "--region", "5201", "--count", "1", "--timeout", "60s");
            awaitMatch(listen::err, Pattern.compile("listening as cp-7 on 127\\.0\\.0\\.1:" + first.port() + "\\b"));
            first.close();
            awaitMatch(listen::err, Pattern.compile("reconnected to 127\\.0\\.0\\.1:" + second.port() + "\\b"));
            try (TestTerminal uav = TestTerminal.login(second.port(), "uav-1", TerminalKind.AIR, "520102"))
            {
                uav.publish(uav.text("after the failover", Precedence.ROUTINE, "terminal:cp-7").build());
                final Run done = running.get(30, TimeUnit.SECONDS);
                assertEquals(0, done.code(), done.err());
                assertTrue(done.out().contains("text: after the failover"), done.out());
            }
        }
        finally
        {
            first.close();
        }
    }

    @Test
    void listenerReportsTheConnectionAndCountsEachMessageOnce() throws Exception
    {
        final Path data = dir.resolve("data");
        final Router first = Router.start(new Router.Context().config(RouterConfig.loopback(data).build()));
        final int port = first.port();
        final Capture listen = new Capture();
        final CompletableFuture<Run> running;
        final long a;
        final long b;
        try (first; TestTerminal uav = TestTerminal.login(port, "uav-1", TerminalKind.AIR, "520102"))
        {
            running = listen.start(as("cp-3", "command-post", "5201", port, "listen", "--count", "3", "--no-ack", "--timeout", "60s"));
            awaitMatch(listen::err, Pattern.compile("listening as cp-3 .*\\(not acknowledging\\)"));
            a = uav.publish(uav.text("one", Precedence.ROUTINE, "terminal:cp-3").build()).getJournalIndex();
            b = uav.publish(uav.text("two", Precedence.ROUTINE, "terminal:cp-3").build()).getJournalIndex();
            awaitLines(listen::out, 2);
        }
        awaitMatch(listen::err, Pattern.compile("disconnected from 127\\.0\\.0\\.1:" + port + ".*\\nreconnecting to 127\\.0\\.0\\.1:" + port));
        try (Router second = Router.start(new Router.Context().config(RouterConfig.loopback(data).port(port).build()));
             TestTerminal uav = TestTerminal.login(port, "uav-1", TerminalKind.AIR, "520102"))
        {
            awaitMatch(listen::err, Pattern.compile("reconnected to 127\\.0\\.0\\.1:" + port));
            awaitLines(listen::out, 4); // not acknowledged, so both come again after the reconnect
            final long c = uav.publish(uav.text("three", Precedence.ROUTINE, "terminal:cp-3").build()).getJournalIndex();
            final Run done = running.get(30, TimeUnit.SECONDS);
            assertEquals(0, done.code(), done.err());
            final List<String> lines = done.outLines();
            assertEquals(5, lines.size(), done.out());
            assertTrue(lines.get(0).contains(" #" + a + " ") && lines.get(0).endsWith("text: one"), lines.get(0));
            assertTrue(lines.get(1).contains(" #" + b + " ") && lines.get(1).endsWith("text: two"), lines.get(1));
            assertTrue(lines.get(2).contains(" #" + a + " ") && lines.get(2).endsWith("text: one (again)"), lines.get(2));
            assertTrue(lines.get(3).contains(" #" + b + " ") && lines.get(3).endsWith("text: two (again)"), lines.get(3));
            assertTrue(lines.get(4).contains(" #" + c + " ") && lines.get(4).endsWith("text: three"), lines.get(4));
        }
    }

    @Test
    void listenTimeoutWithoutCountRunsThatLongAndAcksWhatItPrinted() throws Exception
    {
        try (Router router = Router.start(new Router.Context().config(RouterConfig.loopback(dir).build()));
             TestTerminal uav = TestTerminal.login(router.port(), "uav-1", TerminalKind.AIR, "520102"))
        {
            final Capture listen = new Capture();
            final CompletableFuture<Run> running = listen.start(as("cp-4", "command-post", "5201", router.port(),
                "listen", "--timeout", "6s", "--json"));
            awaitMatch(listen::err, Pattern.compile("listening as cp-4"));
            uav.publish(uav.text("first", Precedence.ROUTINE, "terminal:cp-4").build());
            awaitLines(listen::out, 1);
            uav.publish(uav.text("second", Precedence.ROUTINE, "terminal:cp-4").build());
            awaitLines(listen::out, 2);
            assertFalse(running.isDone(), "still listening after the first message: " + listen.err());
            final Run done = running.get(30, TimeUnit.SECONDS);
            assertEquals(0, done.code(), done.err());
            assertEquals(2, done.outLines().size(), done.out());
            assertTrue(done.outLines().get(1).contains("\"text\":\"second\""), done.out());
            // both were acknowledged once printed: the next login gets nothing before this marker
            uav.publish(uav.text("marker", Precedence.ROUTINE, "terminal:cp-4").build());
            try (TestTerminal post = TestTerminal.login(router.port(), "cp-4", TerminalKind.COMMAND_POST, "5201"))
            {
                assertEquals("marker", post.awaitDelivery().getEnvelope().getText().getText());
            }
        }
    }

    @Test
    void listenNoAckShowsFlashResendAndEscalation() throws Exception
    {
        try (Router router = Router.start(new Router.Context()
                .config(RouterConfig.loopback(dir).flashAckTimeoutMs(300).timerIntervalMs(50).build()));
             TestTerminal province = TestTerminal.login(router.port(), "cp-52", TerminalKind.COMMAND_POST, "52"))
        {
            final Capture listen = new Capture();
            final CompletableFuture<Run> running = listen.start(as("cp-6", "command-post", "520102", router.port(),
                "listen", "--no-ack", "--count", "2", "--timeout", "60s"));
            awaitMatch(listen::err, Pattern.compile("listening as cp-6"));
            final long flash = province.publish(province.text("evacuate", Precedence.FLASH, "terminal:cp-6").build())
                .getJournalIndex();
            final Run done = running.get(30, TimeUnit.SECONDS);
            assertEquals(0, done.code(), done.err());
            final List<String> lines = done.outLines();
            // the FLASH, its one resend, then the router's escalated copy to up:520102 (which reaches cp-6 too)
            assertEquals(3, lines.size(), done.out());
            assertTrue(lines.get(0).contains(" #" + flash + " FLASH cp-52/1 -> terminal:cp-6 text: evacuate"), lines.get(0));
            assertTrue(lines.get(1).contains(" #" + flash + " FLASH cp-52/1 -> terminal:cp-6 text: evacuate (again)"), lines.get(1));
            assertTrue(lines.get(2).contains(" FLASH ") && lines.get(2).contains(" -> up:520102 text: evacuate"), lines.get(2));
        }
    }

    @Test
    void unsubscribeEndsADurableSubscription() throws Exception
    {
        try (Router router = Router.start(new Router.Context().config(RouterConfig.loopback(dir).build()));
             TestTerminal uav = TestTerminal.login(router.port(), "uav-1", TerminalKind.AIR, "520102"))
        {
            try (TestTerminal post = TestTerminal.login(router.port(), "cp-5", TerminalKind.COMMAND_POST, "5201"))
            {
                assertTrue(post.subscribe("channel:flood.>", "channel:fire.>").getOk());
            }
            final Run bad = cli(as("cp-5", "command-post", "5201", router.port(), "unsubscribe", "region:52"));
            assertEquals(2, bad.code(), bad.err());
            final Run removed = cli(as("cp-5", "command-post", "5201", router.port(), "unsubscribe", "channel:flood.>"));
            assertEquals(0, removed.code(), removed.err());
            assertEquals("unsubscribed cp-5 from channel:flood.>\n", removed.err());
            uav.publish(uav.text("gauge", Precedence.ROUTINE, "channel:flood.5201").build());
            uav.publish(uav.text("smoke", Precedence.ROUTINE, "channel:fire.5201").build());
            try (TestTerminal post = TestTerminal.login(router.port(), "cp-5", TerminalKind.COMMAND_POST, "5201"))
            {
                assertEquals("smoke", post.awaitDelivery().getEnvelope().getText().getText(), "flood.> is gone, fire.> stays");
            }
        }
    }

    @Test
    void positionsListsTheLatestPositionOfEachTerminal() throws Exception
    {
        try (Router router = Router.start(new Router.Context().config(RouterConfig.loopback(dir).build()));
             TestTerminal uav = TestTerminal.login(router.port(), "uav-7", TerminalKind.AIR, "520102");
             TestTerminal truck = TestTerminal.login(router.port(), "veh-2", TerminalKind.GROUND, "520111"))
        {
            uav.publish(position(uav, 26.40, 106.60, 900));
            final long latest = uav.publish(position(uav, 26.45, 106.63, 1200)).getJournalIndex();
            truck.publish(position(truck, 26.5, 106.7, 0));
            final Run listed = cli("positions", "--router", "127.0.0.1:" + router.port(), "--within", "5201");
            assertEquals(0, listed.code(), listed.err());
            final List<String> lines = listed.outLines();
            assertEquals(2, lines.size(), listed.out());
            assertTrue(lines.get(0).matches("uav-7 26\\.450000,106\\.630000 alt 1200 m at \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z \\(#"
                + latest + "\\)"), lines.get(0));
            assertTrue(lines.get(1).startsWith("veh-2 26.500000,106.700000 alt 0 m at "), lines.get(1));
            assertEquals("2 terminals with a position in 5201\n", listed.err());

            final Run json = cli("positions", "--router", "127.0.0.1:" + router.port(), "--within", "520111", "--json");
            assertEquals(0, json.code(), json.err());
            assertEquals(1, json.outLines().size(), json.out());
            assertTrue(json.out().contains("\"origin\":\"veh-2\"") && json.out().contains("\"lat\":26.5"), json.out());
            assertEquals(2, cli("positions", "--router", "127.0.0.1:" + router.port()).code(), "a region is needed");
        }
    }

    private static Envelope position(final TestTerminal t, final double lat, final double lon, final double alt)
    {
        return t.text("x", Precedence.ROUTINE, "channel:positions.all")
            .setPosition(PositionReport.newBuilder().setLat(lat).setLon(lon).setAltitudeM(alt)).build();
    }
}
