package io.emcomm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.Router;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 12 kinds 10 and 11 on the command line: {@code emcomm status} lists the connected terminals, indexes in decimal. */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class StatusCommandTest
{
    @TempDir
    Path dir;

    private static String[] cli(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        assertEquals(0, code, err.toString());
        return new String[] {out.toString().replace("\r", ""), err.toString()};
    }

    @Test
    void statusListsTheConnectedTerminals() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal uav = TestTerminal.login(router.port(), "uav-1", TerminalKind.AIR, "520102");
             TestTerminal post = TestTerminal.login(router.port(), "cp-5201", TerminalKind.COMMAND_POST, "5201"))
        {
            final long index = uav.publish(uav.text("report", Precedence.PRIORITY, "up:520102").build()).getJournalIndex();
            post.awaitDelivery(); // read, not acknowledged

            final String text = cli("status", "--admin", "127.0.0.1:" + router.adminPort())[0];
            assertTrue(text.contains("indexes " + index + ".." + index + ";"), text);
            final List<String> rows = text.lines().dropWhile(l -> !l.startsWith("terminals ")).skip(2).toList();
            assertEquals(2, rows.size(), text);
            assertTrue(rows.get(0).matches("  cp-5201 +command_post +5201 +127\\.0\\.0\\.1:" + post.socket().getLocalPort()
                + " +\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ +0 +1  -?\\d+"), rows.get(0));
            assertTrue(rows.get(1).startsWith("  uav-1 "), rows.get(1));
            assertTrue(rows.get(1).contains(" air ") && rows.get(1).contains(" 520102 "), rows.get(1));

            final JsonNode json = new ObjectMapper().readTree(cli("status", "--admin", "127.0.0.1:" + router.adminPort(), "--json")[0]);
            assertEquals(2, json.get("terminals").size());
            assertEquals("uav-1", json.get("terminals").get(1).get("id").asText());
            assertEquals(index, json.get("journal").get("last_index").asLong());
        }
    }

    /**
     * Issue 15 item 6: {@code emcomm status --terminal ID} says where one terminal is. A router with its own journal
     * answers for the terminals connected to it (a node of a Kafka cluster answers for every terminal of the cluster:
     * KafkaClaimsTest); one it does not know is an error naming the terminal and the router, exit code not 0.
     */
    @Test
    void statusOfOneTerminalNamesItsRouter() throws Exception
    {
        try (Router router = Router.start(new Router.Context().config(RouterConfig.loopback(dir).routerId("county-1").build()));
             TestTerminal uav = TestTerminal.login(router.port(), "uav-1", TerminalKind.AIR, "520102"))
        {
            uav.sync();
            final String admin = "127.0.0.1:" + router.adminPort();
            assertEquals("terminal uav-1 on node county-1 (connected to this node)\n", cli("status", "--admin", admin,
                "--terminal", "uav-1")[0]);
            final JsonNode json = new ObjectMapper().readTree(cli("status", "--admin", admin, "--terminal", "uav-1", "--json")[0]);
            assertEquals("county-1", json.get("node").asText());
            assertTrue(json.get("connectedHere").asBoolean(), json.toString());

            final StringWriter out = new StringWriter();
            final StringWriter err = new StringWriter();
            final int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true),
                "status", "--admin", admin, "--terminal", "cp-9");
            assertTrue(code != 0, "unknown terminal: " + out);
            assertTrue(err.toString().contains("terminal cp-9 is not connected to router county-1"), err.toString());
        }
    }

    /** Issue 16, "Operations": one line per peer link, here the city's uplink while its parent is away. */
    @Test
    void statusPrintsOneLinePerPeerLink() throws Exception
    {
        final int provincePort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")))
        {
            provincePort = s.getLocalPort();
        }
        final Router province = Router.start(Router.Context.loopback(dir.resolve("province")).config(RouterConfig
            .loopback(dir.resolve("province")).port(provincePort).routerId("province").region("52").build()));
        try (Router city = Router.start(new Router.Context().config(RouterConfig.loopback(dir.resolve("city"))
                 .routerId("city").region("5201").uplink("127.0.0.1:" + provincePort, "province")
                 .uplinkReconnectMaxMs(200).build()));
             TestTerminal uav = TestTerminal.login(city.port(), "uav-1", TerminalKind.AIR, "520102"))
        {
            try (province)
            {
                awaitLine(province, "link downlink city (5201) connected since ");
            }
            uav.publishMany(3, "backlog", Precedence.ROUTINE, "terminal:cp-52");
            uav.publish(uav.text("levee breach", Precedence.FLASH, "terminal:cp-52").build());
            final String line = awaitLine(city, "link uplink province (5201) DISCONNECTED since ");
            assertTrue(line.matches("link uplink province \\(5201\\) DISCONNECTED since \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ,"
                + " backlog F1 I0 P0 R3, oldest waiting \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), line);
        }
    }

    /** The {@code emcomm status} line that starts with {@code prefix} (and, for a backlog, shows F1), within 15 s. */
    private static String awaitLine(final Router router, final String prefix)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        String text = "";
        while (System.nanoTime() < deadline)
        {
            text = cli("status", "--admin", "127.0.0.1:" + router.adminPort())[0];
            final java.util.Optional<String> line = text.lines().filter(l -> l.startsWith(prefix)).findFirst();
            if (line.isPresent() && (prefix.contains("connected") || line.get().contains(" F1 ")))
            {
                return line.get();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        throw new AssertionError("no line '" + prefix + "...' in\n" + text);
    }
}
