package io.emcomm.router.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.Router;
import io.emcomm.testing.AdminHttp;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12 kinds 10 and 11: the connected terminals (id, kind, region, address, since, backlog) in {@code /status}
 * and its text form, journal indexes in decimal.
 */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class ConnectedTerminalsTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void statusListsEveryConnectedTerminalWithItsAddressLoginTimeAndBacklog() throws Exception
    {
        final Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal uav = TestTerminal.login(router.port(), "uav-1", TerminalKind.AIR, "520102");
             TestTerminal post = TestTerminal.login(router.port(), "cp-5201", TerminalKind.COMMAND_POST, "5201"))
        {
            final Instant after = Instant.now();
            long last = 0;
            for (int i = 0; i < 3; i++)
            {
                last = uav.publish(uav.text("routine " + i, Precedence.ROUTINE, "up:520102").build()).getJournalIndex();
            }
            final long first = post.awaitDelivery().getJournalIndex();
            post.ack(first);
            post.awaitDelivery();
            post.awaitDelivery();
            post.sync(); // the ack has been applied: the cursor is at the first message

            final AdminHttp.Response response = AdminHttp.get(router.adminPort(), "/status");
            assertEquals(200, response.status());
            final JsonNode status = JSON.readTree(response.body());
            final JsonNode terminals = status.get("terminals");
            assertEquals(2, terminals.size());
            final JsonNode cp = terminals.get(0);
            assertEquals("cp-5201", cp.get("id").asText(), "ordered by id");
            assertEquals("command_post", cp.get("kind").asText());
            assertEquals("5201", cp.get("region").asText());
            assertEquals("127.0.0.1:" + post.socket().getLocalPort(), cp.get("remote_address").asText());
            final Instant since = Instant.parse(cp.get("connected_since").asText());
            assertTrue(!since.isBefore(before) && !since.isAfter(after), since + " within the login");
            assertTrue(cp.get("connected_since").asText().endsWith("Z"), "UTC");
            assertEquals(0, cp.get("queued").asInt());
            assertEquals(2, cp.get("unacked").asInt());
            assertFalse(cp.get("catching_up").asBoolean());
            assertEquals(first, cp.get("cursor").asLong());
            final JsonNode air = terminals.get(1);
            assertEquals("uav-1", air.get("id").asText());
            assertEquals("air", air.get("kind").asText());
            assertEquals("520102", air.get("region").asText());
            assertEquals("127.0.0.1:" + uav.socket().getLocalPort(), air.get("remote_address").asText());
            assertEquals(0, air.get("unacked").asInt());
            // the fields that were there before keep their names
            assertEquals(2, status.get("sessions").get("total").asInt());
            assertEquals("cp-5201", status.get("backlogs").get(0).get("terminal").asText());
            assertEquals(last, status.get("journal").get("last_index").asLong());

            final String text = AdminHttp.get(router.adminPort(), "/status?format=text").body();
            assertTrue(text.contains("indexes " + router.journal().firstIndex() + ".." + last + ";"), text);
            final String row = text.lines().filter(l -> l.startsWith("  cp-5201 ") && l.contains("5201 ")
                && l.contains("127.0.0.1:" + post.socket().getLocalPort())).findFirst().orElseThrow(() -> new AssertionError(text));
            assertTrue(row.contains(cp.get("connected_since").asText()), row);
            assertTrue(row.matches(".* 0 +2  " + first + "$"), row);
        }
    }

    @Test
    void noTerminalsIsSaidInWords() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir)))
        {
            assertEquals(0, JSON.readTree(AdminHttp.get(router.adminPort(), "/status").body()).get("terminals").size());
            assertTrue(AdminHttp.get(router.adminPort(), "/status?format=text").body().contains("terminals none connected"));
        }
    }
}
