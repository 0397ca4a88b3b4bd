package io.emcomm.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emcomm.client.EmcommClient;
import io.emcomm.client.ClientOptions;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.Router;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.testing.LeakWatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The /status poller against a real router's admin endpoint on loopback; readings taken by calling tick(). */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class StatusPollerTest
{
    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private Router router;
    private EventStream events;

    @BeforeEach
    void startRouter()
    {
        router = Router.start(new Router.Context().config(RouterConfig.loopback(dir).build()));
        events = new EventStream(json);
    }

    @AfterEach
    void stopRouter()
    {
        events.close();
        router.close();
    }

    private URI admin()
    {
        return URI.create("http://127.0.0.1:" + router.adminPort());
    }

    private EmcommClient connect(final String id, final TerminalKind kind, final String region)
    {
        return EmcommClient.connect(ClientOptions.builder().router("127.0.0.1", router.port()).terminal(id, kind, region).build());
    }

    private static JsonNode row(final JsonNode snapshot, final String id)
    {
        for (final JsonNode t : snapshot.get("terminals"))
        {
            if (t.get("id").asText().equals(id))
            {
                return t;
            }
        }
        return null;
    }

    @Test
    void theRoutersConnectedTerminalsOfTheSubtreeAreOnlineUntilTheyLeave() throws Exception
    {
        final Roster roster = new Roster("cp-5201", "5201", true);
        try (StatusPoller poller = new StatusPoller(admin(), roster, events, json, clock::get))
        {
            final EmcommClient uav = connect("uav-7", TerminalKind.AIR, "520111");
            try (EmcommClient zunyi = connect("van-3", TerminalKind.GROUND, "520302"))
            {
                poller.tick();
                final JsonNode s = roster.snapshot();
                final JsonNode health = s.get("health");
                assertEquals(Roster.ADMIN_OK, health.get("admin").asText(), health.toString());
                assertTrue(health.get("ready").asBoolean());
                assertFalse(health.get("diskRefusing").asBoolean());
                assertEquals(router.journal().lastIndex(), health.get("journalLastIndex").asLong());
                assertEquals(1, s.get("terminals").size(), "van-3 is in Zunyi, outside the post's subtree: " + s);
                final JsonNode row = row(s, "uav-7");
                assertTrue(row.get("online").asBoolean());
                assertEquals("air", row.get("kind").asText());
                assertEquals("520111", row.get("region").asText());
                assertTrue(Math.abs(row.get("connectedSince").asLong() - System.currentTimeMillis()) < 60_000,
                    "connected since the router's clock says, to the second: " + row);
            }
            uav.close();
            clock.addAndGet(2_000);
            // The router notices the closed connection on its event loop: read until it no longer lists uav-7.
            PostFixture.await("uav-7 offline", () ->
            {
                poller.tick();
                return !row(roster.snapshot(), "uav-7").get("online").asBoolean();
            });
            final JsonNode gone = row(roster.snapshot(), "uav-7");
            assertEquals("air", gone.get("kind").asText());
            assertTrue(gone.get("lastHeard").asLong() >= 1_000_000, "last seen online at a reading: " + gone);
        }
    }

    @Test
    void anUnreachableEndpointIsSaidInTheHealthAndTheReadingsGoOn() throws Exception
    {
        final int closed;
        try (ServerSocket s = new ServerSocket(0))
        {
            closed = s.getLocalPort(); // free once closed: nothing listens there
        }
        final Roster roster = new Roster("cp-5201", "5201", true);
        try (StatusPoller poller = new StatusPoller(URI.create("http://127.0.0.1:" + closed), roster, events, json, clock::get))
        {
            poller.tick();
            final JsonNode health = roster.snapshot().get("health");
            assertEquals(Roster.ADMIN_UNREACHABLE, health.get("admin").asText());
            assertTrue(health.get("problem").asText().contains("127.0.0.1:" + closed), health.toString());
            assertTrue(health.get("ready").isNull());
        }
        // The router's terminal port speaks the binary protocol, not HTTP: an answer that is not a status document.
        assertThrows(IOException.class, () -> RouterStatus.read(HttpClient.newHttpClient(),
            URI.create("http://127.0.0.1:" + router.port()), Duration.ofSeconds(2), json));
    }

    @Test
    void theAdminAddressDefaultsToTheRoutersHostAndNoneTurnsItOff()
    {
        assertEquals(URI.create("http://10.0.0.5:7401"), Console.adminUrl(null, "10.0.0.5"));
        assertEquals(URI.create("http://[::1]:7401"), Console.adminUrl("", "::1"));
        assertEquals(null, Console.adminUrl("none", "10.0.0.5"));
        assertEquals(URI.create("https://ops.example:9443"), Console.adminUrl("https://ops.example:9443", "10.0.0.5"));
        assertThrows(IllegalArgumentException.class, () -> Console.adminUrl("10.0.0.5:7401", "10.0.0.5"));
    }
}
