package io.emcomm.router.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.Router;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.testing.AdminHttp;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16, "Operations": {@code /status} lists each peer link of two real routers linked over loopback (province 52,
 * city 5201) with its direction, region, state and since when, and what this router still has to send the peer by
 * precedence; the entries stay while the link is cut (from the kept cursor and advertisement), and the
 * {@code emcomm_link_*} metrics carry the same per peer.
 */
@Timeout(120)
@ExtendWith(LeakWatch.class)
class LinkStatusTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long AWAIT_MS = 15_000;

    @TempDir
    Path dir;

    private Router province;
    private Router city;
    private int provincePort;
    private final List<TestTerminal> terminals = new ArrayList<>();

    @AfterEach
    void stop() throws IOException
    {
        for (final TestTerminal t : terminals)
        {
            t.close();
        }
        if (city != null)
        {
            city.close();
        }
        if (province != null)
        {
            province.close();
        }
    }

    private void startProvince()
    {
        province = Router.start(Router.Context.loopback(dir.resolve("province")).config(RouterConfig
            .loopback(dir.resolve("province")).port(provincePort).routerId("province").region("52").build()));
    }

    private void startCity(final String profile)
    {
        city = Router.start(new Router.Context().config(RouterConfig.loopback(dir.resolve("city")).routerId("city")
            .region("5201").uplink("127.0.0.1:" + provincePort, "province").uplinkProfile(profile)
            .uplinkReconnectMaxMs(200).build()));
    }

    private void linked() throws Exception
    {
        linked("");
    }

    private void linked(final String profile) throws Exception
    {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")))
        {
            provincePort = s.getLocalPort();
        }
        startProvince();
        startCity(profile);
        awaitLink(province, "city", l -> l.get("connected").asBoolean(), "the province shows the city connected");
        awaitLink(city, "province", l -> l.get("connected").asBoolean(), "the city shows its uplink connected");
    }

    private TestTerminal login(final Router router, final String id, final TerminalKind kind, final String region)
        throws IOException
    {
        final TestTerminal t = TestTerminal.login(router.port(), id, kind, region);
        terminals.add(t);
        return t;
    }

    private static JsonNode status(final Router router) throws Exception
    {
        final AdminHttp.Response r = AdminHttp.get(router.adminPort(), "/status");
        assertEquals(200, r.status(), r.body());
        return JSON.readTree(r.body());
    }

    /** The {@code links} entry for {@code peer}, once {@code condition} holds for it. */
    private static JsonNode awaitLink(final Router router, final String peer, final Predicate<JsonNode> condition,
        final String what) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AWAIT_MS);
        JsonNode last = null;
        while (System.nanoTime() < deadline)
        {
            for (final JsonNode l : status(router).get("links"))
            {
                if (l.get("peer").asText().equals(peer))
                {
                    last = l;
                    if (condition.test(l))
                    {
                        return l;
                    }
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        throw new AssertionError("not within " + AWAIT_MS + " ms: " + what + "; last seen " + last);
    }

    private static boolean backlog(final JsonNode link, final long flash, final long immediate, final long priority,
        final long routine)
    {
        final JsonNode b = link.get("backlog");
        return b.get("flash").asLong() == flash && b.get("immediate").asLong() == immediate
            && b.get("priority").asLong() == priority && b.get("routine").asLong() == routine;
    }

    @Test
    void bothEndsListTheLinkConnectedWithNothingWaiting() throws Exception
    {
        linked();
        final JsonNode down = status(province).get("links");
        assertEquals(1, down.size(), down.toString());
        final JsonNode child = down.get(0);
        assertEquals("city", child.get("peer").asText());
        assertEquals("downlink", child.get("direction").asText());
        assertEquals("5201", child.get("region").asText());
        assertTrue(child.get("connected").asBoolean());
        assertFalse(Instant.parse(child.get("since").asText()).isAfter(Instant.now()), child.toString());
        assertTrue(backlog(child, 0, 0, 0, 0), child.toString());
        assertTrue(child.get("oldestWaiting").isNull(), child.toString());

        final JsonNode up = status(city).get("links");
        assertEquals(1, up.size(), up.toString());
        assertEquals("province", up.get(0).get("peer").asText());
        assertEquals("uplink", up.get(0).get("direction").asText());
        assertEquals("5201", up.get(0).get("region").asText(), "the uplink's region is the city's own");
        assertTrue(up.get(0).get("connected").asBoolean());
    }

    @Test
    void whileTheUplinkIsCutTheChildShowsItsBacklogByPrecedenceThenItDrains() throws Exception
    {
        linked();
        final TestTerminal uav = login(city, "uav-1", TerminalKind.AIR, "520102");
        final Instant cut = Instant.now().minusSeconds(1);
        province.close();
        final JsonNode down = awaitLink(city, "province", l -> !l.get("connected").asBoolean(), "the city sees the cut");
        assertFalse(Instant.parse(down.get("since").asText()).isBefore(cut.minusSeconds(1)), down.toString());

        uav.publishMany(5, "backlog", Precedence.ROUTINE, "terminal:cp-52");
        uav.publishMany(2, "report", Precedence.PRIORITY, "up:520102");
        uav.publish(uav.text("levee breach", Precedence.FLASH, "terminal:cp-52").build());
        uav.publish(uav.text("for the city only", Precedence.FLASH, "region:5201").build()); // stays: not for the parent
        final JsonNode waiting = awaitLink(city, "province", l -> backlog(l, 1, 0, 2, 5),
            "F1 I0 P2 R5 wait for the province");
        assertFalse(waiting.get("connected").asBoolean());
        final Instant oldest = Instant.parse(waiting.get("oldestWaiting").asText());
        assertFalse(oldest.isBefore(cut.minusSeconds(1)) || oldest.isAfter(Instant.now()), waiting.toString());
        final String text = AdminHttp.get(city.adminPort(), "/status?format=text").body();
        assertTrue(text.lines().anyMatch(l -> l.matches("link uplink province \\(5201\\) DISCONNECTED since \\S+Z, "
            + "backlog F1 I0 P2 R5, oldest waiting \\S+Z")), text);

        startProvince();
        final JsonNode drained = awaitLink(city, "province", l -> l.get("connected").asBoolean() && backlog(l, 0, 0, 0, 0),
            "the backlog crosses once the province is back");
        assertTrue(drained.get("oldestWaiting").isNull(), drained.toString());
        assertEquals(8, drained.get("exported").asLong(), "the province acknowledged all eight");
        assertEquals(1, drained.get("reconnects").asLong(), drained.toString());
        final JsonNode imported = awaitLink(province, "city", l -> l.get("imported").asLong() == 8, "the province imported them");
        assertTrue(imported.get("connected").asBoolean());
    }

    @Test
    void aDisconnectedChildStaysListedWithWhatWaitsForItAndItsMetrics() throws Exception
    {
        linked();
        try (TestTerminal uav = TestTerminal.login(city.port(), "uav-1", TerminalKind.AIR, "520102"))
        {
            uav.sync(); // uav-1 has a cursor at the city: the city advertises it
        }
        final TestTerminal cp52 = login(province, "cp-52", TerminalKind.COMMAND_POST, "52");
        // the province knows uav-1 from the city's advertisement before the city goes away
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AWAIT_MS);
        while (province.routingTable().peer("city") == null
            || !province.routingTable().peer("city").peerScope().advertisedTerminals().contains("uav-1"))
        {
            assertTrue(System.nanoTime() < deadline, "the city advertises uav-1");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        city.close();
        city = null;
        awaitLink(province, "city", l -> !l.get("connected").asBoolean(), "the province sees the city gone");

        cp52.publish(cp52.text("evacuate", Precedence.IMMEDIATE, "terminal:uav-1").build());
        cp52.publishMany(3, "to the city", Precedence.ROUTINE, "region:5201");
        cp52.publish(cp52.text("elsewhere", Precedence.FLASH, "region:5202").build()); // not for the city
        final JsonNode waiting = awaitLink(province, "city", l -> backlog(l, 0, 1, 0, 3), "I1 R3 wait for the city");
        assertEquals("downlink", waiting.get("direction").asText());
        assertEquals("5201", waiting.get("region").asText());
        assertFalse(waiting.get("oldestWaiting").isNull(), waiting.toString());

        final String scrape = AdminHttp.get(province.adminPort(), "/metrics").body();
        assertEquals(0, AdminHttp.sample(scrape, "emcomm_link_connected{peer=\"city\"}"));
        assertEquals(1, AdminHttp.sample(scrape, "emcomm_link_backlog_messages{peer=\"city\",precedence=\"immediate\"}"));
        assertEquals(3, AdminHttp.sample(scrape, "emcomm_link_backlog_messages{peer=\"city\",precedence=\"routine\"}"));
        assertEquals(0, AdminHttp.sample(scrape, "emcomm_link_backlog_messages{peer=\"city\",precedence=\"flash\"}"));
        assertEquals(0, AdminHttp.sample(scrape, "emcomm_link_backlog_messages{peer=\"city\",precedence=\"priority\"}"));
        assertTrue(AdminHttp.sample(scrape, "emcomm_link_oldest_waiting_seconds{peer=\"city\"}") >= 0);
        assertEquals(0, AdminHttp.sample(scrape, "emcomm_link_imported_total{peer=\"city\"}"));
        assertEquals(0, AdminHttp.sample(scrape, "emcomm_link_exported_total{peer=\"city\"}"));
        assertEquals(0, AdminHttp.sample(scrape, "emcomm_link_reconnects_total{peer=\"city\"}"));
        for (final String help : List.of(
            "# HELP emcomm_link_connected 1 while the link with the peer router is up, 0 while it is down",
            "# HELP emcomm_link_backlog_messages messages this router still has to send the peer router (or sent, not"
                + " acknowledged), by precedence",
            "# HELP emcomm_link_oldest_waiting_seconds age of the oldest message waiting for the peer router, 0 when none waits",
            "# HELP emcomm_link_imported_total messages from the peer router journaled here",
            "# HELP emcomm_link_exported_total messages sent to the peer router and acknowledged by it",
            "# HELP emcomm_link_reconnects_total times the link with the peer router came up again"))
        {
            assertTrue(scrape.contains(help + "\n"), help + " in\n" + scrape);
        }
    }

    /**
     * On a narrow link (beidou, 29 B/s) the FLASH crosses first out of a ROUTINE backlog and is acknowledged while the
     * ROUTINE still trickles: it no longer counts, though the link's cursor is still below it.
     */
    @Test
    void aFlashThatCrossedAheadOfTheBacklogNoLongerCounts() throws Exception
    {
        linked("beidou");
        final TestTerminal uav = login(city, "uav-1", TerminalKind.AIR, "520102");
        province.close();
        awaitLink(city, "province", l -> !l.get("connected").asBoolean(), "the city sees the cut");
        uav.publishMany(40, "backlog", Precedence.ROUTINE, "terminal:cp-52");
        uav.publish(uav.text("levee breach", Precedence.FLASH, "terminal:cp-52").build());
        awaitLink(city, "province", l -> backlog(l, 1, 0, 0, 40), "F1 R40 wait");

        startProvince();
        final TestTerminal cp52 = login(province, "cp-52", TerminalKind.COMMAND_POST, "52");
        assertEquals(Precedence.FLASH, cp52.awaitAndAck().getEnvelope().getPrecedence(), "the FLASH crosses first");
        final JsonNode after = awaitLink(city, "province", l -> l.get("connected").asBoolean()
            && l.get("backlog").get("flash").asLong() == 0, "the FLASH no longer waits");
        assertTrue(after.get("backlog").get("routine").asLong() > 0, "the ROUTINE still trickles: " + after);
        assertFalse(after.get("oldestWaiting").isNull(), after.toString());
    }
}
