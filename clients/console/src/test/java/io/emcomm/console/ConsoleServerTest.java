package io.emcomm.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emcomm.client.ClientOptions;
import io.emcomm.client.Message;
import io.emcomm.client.PublishResult;
import io.emcomm.protocol.wire.Alert;
import io.emcomm.protocol.wire.Area;
import io.emcomm.protocol.wire.Circle;
import io.emcomm.protocol.wire.Point;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.Receipt;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.testing.LeakWatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console's server side against a real router: what it shows, what it acknowledges, what it sends. */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class ConsoleServerTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private PostFixture post;

    @AfterEach
    void close() throws Exception
    {
        if (post != null)
        {
            post.close();
        }
    }

    private JsonNode state() throws Exception
    {
        return JSON.readTree(post.get("/api/state").body());
    }

    private JsonNode entry(final long index) throws Exception
    {
        for (final JsonNode e : state().get("feed"))
        {
            if (e.get("index").asLong() == index)
            {
                return e;
            }
        }
        return null;
    }

    private boolean hasEntry(final long index)
    {
        try
        {
            return entry(index) != null;
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
    }

    private int copies(final long index)
    {
        try
        {
            final JsonNode e = entry(index);
            return e == null ? 0 : e.get("copies").asInt();
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
    }

    @Test
    void servesThePageAndThePostsIdentity() throws Exception
    {
        post = new PostFixture(dir, null);
        final var page = post.get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("/console.js"), page.body());
        final JsonNode s = state();
        assertEquals("cp-5201", s.at("/post/id").asText());
        assertEquals("5201", s.at("/post/region").asText());
        assertEquals("command-post", s.at("/post/kind").asText());
        assertEquals("CONNECTED", s.at("/link/state").asText());
    }

    @Test
    void aRoutineMessageIsShownAndAcknowledgedOnReceipt() throws Exception
    {
        post = new PostFixture(dir, null);
        final PostFixture.Terminal van = post.terminal("van-3", TerminalKind.GROUND, "520102");
        final PublishResult r = van.client().publish(Message.text("水位上涨，南明河桥 water rising").to("up:520102")
            .precedence(Precedence.IMMEDIATE).wantReceipts(true)).get(10, TimeUnit.SECONDS);
        final Receipt receipt = van.nextReceipt();
        assertEquals(Receipt.Status.DELIVERED, receipt.getStatus());
        assertEquals("cp-5201", receipt.getTerminalId());
        final JsonNode e = entry(r.journalIndex());
        assertEquals("水位上涨，南明河桥 water rising", e.get("text").asText());
        assertEquals("IMMEDIATE", e.get("precedence").asText());
        assertFalse(e.get("held").asBoolean());
    }

    @Test
    void aFlashIsHeldUntilTheOfficerAcknowledgesItAndTheRouterResendsItMeanwhile() throws Exception
    {
        post = new PostFixture(dir, null);
        final PostFixture.Terminal uav = post.terminal("uav-7", TerminalKind.AIR, "520111");
        final PublishResult r = uav.client().publish(Message.text("dam breach seen").to("up:520111")
            .precedence(Precedence.FLASH).wantReceipts(true)).get(10, TimeUnit.SECONDS);
        PostFixture.await("the FLASH shown", () -> hasEntry(r.journalIndex()));
        assertTrue(entry(r.journalIndex()).get("held").asBoolean());
        PostFixture.await("the router's resend of the unacknowledged FLASH", () -> copies(r.journalIndex()) == 2);
        assertEquals(204, post.post("/api/ack/" + r.journalIndex(), "").statusCode());
        // Had the ack not reached the router, its next step would be NOT_DELIVERED, not DELIVERED.
        final Receipt receipt = uav.nextReceipt();
        assertEquals(Receipt.Status.DELIVERED, receipt.getStatus());
        assertEquals("cp-5201", receipt.getTerminalId());
        assertFalse(entry(r.journalIndex()).get("held").asBoolean());
        assertEquals(404, post.post("/api/ack/" + r.journalIndex(), "").statusCode(), "acknowledged twice");
        assertEquals(2, copies(r.journalIndex()), "no resend after the acknowledgement");
    }

    @Test
    void alertsCarryTheirCapFieldsAndAreas() throws Exception
    {
        post = new PostFixture(dir, null);
        final PostFixture.Terminal county = post.terminal("cp-520102", TerminalKind.COMMAND_POST, "520102");
        final Alert alert = Alert.newBuilder().setEvent("Flood").setUrgency(Alert.Urgency.URGENCY_IMMEDIATE)
            .setSeverity(Alert.Severity.EXTREME).setCertainty(Alert.Certainty.OBSERVED).setHeadline("南明河洪水")
            .setInstruction("evacuate the riverbank").setExpiresAtMicros(4_102_444_800_000_000L)
            .addAreas(Area.newBuilder().setCircle(Circle.newBuilder()
                .setCentre(Point.newBuilder().setLat(26.57).setLon(106.71)).setRadiusKm(3)))
            .build();
        final PublishResult r = county.client().publish(Message.alert(alert).to("up:520102")
            .precedence(Precedence.IMMEDIATE)).get(10, TimeUnit.SECONDS);
        PostFixture.await("the alert shown", () -> hasEntry(r.journalIndex()));
        final JsonNode a = entry(r.journalIndex()).get("alert");
        assertEquals("Flood", a.get("event").asText());
        assertEquals("Immediate", a.get("urgency").asText());
        assertEquals("Extreme", a.get("severity").asText());
        assertEquals("Observed", a.get("certainty").asText());
        assertEquals("南明河洪水", a.get("headline").asText());
        assertEquals("evacuate the riverbank", a.get("instruction").asText());
        assertEquals(4_102_444_800_000L, a.get("expires").asLong());
        assertEquals(3.0, a.at("/areas/0/circle/radiusKm").asDouble());
    }

    @Test
    void positionsOfTheSubtreeAreOnTheMapFromTheStartAndLive() throws Exception
    {
        post = new PostFixture(dir, null);
        final PostFixture.Terminal uav = post.terminal("uav-7", TerminalKind.AIR, "520111");
        final PostFixture.Terminal far = post.terminal("van-9", TerminalKind.GROUND, "5203");
        uav.client().publish(Message.position(26.41, 106.67).to("channel:positions.520111.air")).get(10, TimeUnit.SECONDS);
        far.client().publish(Message.position(27.73, 106.93).to("channel:positions.5203.ground")).get(10, TimeUnit.SECONDS);
        PostFixture.await("uav-7 on the map", () -> position("uav-7") != null);
        assertEquals("air", position("uav-7").get("kind").asText());
        uav.client().publish(Message.position(26.45, 106.70).to("channel:positions.520111.air")).get(10, TimeUnit.SECONDS);
        PostFixture.await("uav-7 moved", () -> position("uav-7").get("lat").asDouble() == 26.45);
        assertEquals(null, position("van-9"), "Zunyi is not in Guiyang's subtree");

        // A console that starts later gets the router's latest positions.
        try (Console late = Console.start(post.options("cp-5201b", TerminalKind.COMMAND_POST, "5201"), "127.0.0.1", 0, null))
        {
            final HttpResponse<String> s = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(late.url() + "api/state")).build(), HttpResponse.BodyHandlers.ofString());
            final JsonNode positions = JSON.readTree(s.body()).get("positions");
            assertEquals(1, positions.size(), s.body());
            assertEquals(26.45, positions.get(0).get("lat").asDouble());
        }
    }

    private JsonNode position(final String terminal)
    {
        try
        {
            for (final JsonNode p : state().get("positions"))
            {
                if (p.get("terminal").asText().equals(terminal))
                {
                    return p;
                }
            }
            return null;
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
    }

    @Test
    void aComposedMessageReachesTheTerminalAndItsReceiptComesBack() throws Exception
    {
        post = new PostFixture(dir, null);
        final PostFixture.Terminal uav = post.terminal("uav-7", TerminalKind.AIR, "520111");
        final HttpResponse<String> sent = post.post("/api/send",
            "{\"body\":\"task\",\"to\":[\"terminal:uav-7\"],\"precedence\":\"PRIORITY\",\"ttlMinutes\":30," +
            "\"title\":\"侦察花溪\",\"text\":\"fly the river\"}");
        assertEquals(200, sent.statusCode(), sent.body());
        final String id = JSON.readTree(sent.body()).get("id").asText();
        final var d = uav.next();
        assertEquals("侦察花溪", d.envelope().getTask().getTitle());
        assertEquals(Precedence.PRIORITY, d.precedence());
        assertTrue(d.envelope().getExpiresAtMicros() > 0);
        PostFixture.await("the DELIVERED receipt from uav-7 in the sent list", () ->
        {
            try
            {
                for (final JsonNode s : state().get("sent"))
                {
                    if (s.get("id").asText().equals(id) && s.get("receipts").size() == 1)
                    {
                        return s.at("/receipts/0/status").asText().equals("DELIVERED") &&
                            s.at("/receipts/0/terminal").asText().equals("uav-7");
                    }
                }
                return false;
            }
            catch (final Exception ex)
            {
                throw new AssertionError(ex);
            }
        });
    }

    @Test
    void theReviewReplaysThePostsRegionFromTheJournal() throws Exception
    {
        post = new PostFixture(dir, null);
        final PostFixture.Terminal van = post.terminal("van-3", TerminalKind.GROUND, "520102");
        final PostFixture.Terminal far = post.terminal("van-9", TerminalKind.GROUND, "5203");
        final long from = System.currentTimeMillis() - 1_000;
        final PublishResult position = van.client().publish(Message.position(26.57, 106.71)
            .to("channel:positions.520102.ground")).get(10, TimeUnit.SECONDS);
        final PublishResult text = van.client().publish(Message.text("bridge closed").to("up:520102"))
            .get(10, TimeUnit.SECONDS);
        far.client().publish(Message.text("Zunyi is dry").to("up:5203")).get(10, TimeUnit.SECONDS);

        final var review = post.get("/api/review?from=" + from + "&to=" + (System.currentTimeMillis() + 1_000));
        assertEquals(200, review.statusCode(), review.body());
        final JsonNode items = JSON.readTree(review.body());
        assertEquals(2, items.size(), "only the post's subtree: " + items);
        assertEquals(position.journalIndex(), items.get(0).get("index").asLong());
        assertEquals("position", items.get(0).get("body").asText());
        assertEquals(text.journalIndex(), items.get(1).get("index").asLong());
        assertEquals("bridge closed", items.get(1).get("text").asText());

        final var empty = post.get("/api/review?from=" + (from - 60_000) + "&to=" + (from - 30_000));
        assertEquals("[]", empty.body());
        final var backwards = post.get("/api/review?from=10&to=5");
        assertEquals(400, backwards.statusCode());
        assertEquals("the review window ends (5) before it starts (10)", JSON.readTree(backwards.body()).get("error").asText());
        assertEquals(400, post.get("/api/review?from=yesterday&to=5").statusCode());
    }

    @Test
    void badInputAndRouterRefusalsAreAnsweredInWords() throws Exception
    {
        post = new PostFixture(dir, null);
        final HttpResponse<String> badAddress = post.post("/api/send",
            "{\"body\":\"text\",\"to\":[\"region:5200\"],\"text\":\"x\"}");
        assertEquals(400, badAddress.statusCode());
        assertTrue(JSON.readTree(badAddress.body()).get("error").asText().contains("5200"), badAddress.body());
        final HttpResponse<String> noTo = post.post("/api/send", "{\"body\":\"text\",\"to\":[],\"text\":\"x\"}");
        assertEquals(400, noTo.statusCode());
        assertEquals("no destination: add a terminal:, channel:, region: or up: address",
            JSON.readTree(noTo.body()).get("error").asText());
        final HttpResponse<String> badPrecedence = post.post("/api/send",
            "{\"body\":\"text\",\"to\":[\"terminal:x\"],\"precedence\":\"URGENT\",\"text\":\"x\"}");
        assertEquals(400, badPrecedence.statusCode());
        assertTrue(badPrecedence.body().contains("unknown precedence 'URGENT'"), badPrecedence.body());
        assertEquals(400, post.post("/api/ack/abc", "").statusCode());
        assertEquals(404, post.post("/api/ack/12345", "").statusCode());
    }

    @Test
    void aRouterRefusalComesBackWithItsReason() throws Exception
    {
        post = new PostFixture(dir, null, java.util.Map.of(io.emcomm.router.config.Settings.LIMIT_MSGS_PER_SEC.key(), "1"));
        HttpResponse<String> refused = null;
        for (int i = 0; i < 50 && refused == null; i++)
        {
            final HttpResponse<String> r = post.post("/api/send",
                "{\"body\":\"text\",\"to\":[\"region:5201\"],\"text\":\"sitrep " + i + "\"}");
            if (r.statusCode() != 200)
            {
                refused = r;
            }
        }
        assertNotNull(refused, "50 messages in a row under a limit of 1 per second were all accepted");
        assertEquals(422, refused.statusCode(), refused.body());
        assertEquals("RATE_LIMITED", JSON.readTree(refused.body()).get("reason").asText());
    }

    @Test
    void withAKeystoreItServesHttpsOnly() throws Exception
    {
        post = new PostFixture(dir, null);
        final Path keystore = dir.resolve("console.p12");
        final Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
            "-genkeypair", "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
            "-alias", "console", "-keyalg", "EC", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2")
            .redirectErrorStream(true).start();
        final String keytoolSaid = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, keytool.waitFor(), keytoolSaid);

        try (Console tls = Console.start(post.options("cp-5201-tls", TerminalKind.COMMAND_POST, "5201"),
            new Console.Serving("127.0.0.1", 0, "pw", keystore, "changeit")))
        {
            assertTrue(tls.url().startsWith("https://127.0.0.1:"), tls.url());
            final java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
            try (var in = java.nio.file.Files.newInputStream(keystore))
            {
                trust.load(in, "changeit".toCharArray());
            }
            final javax.net.ssl.TrustManagerFactory tmf =
                javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            final javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            final HttpResponse<String> state = HttpClient.newBuilder().sslContext(ssl).build().send(
                HttpRequest.newBuilder(URI.create(tls.url() + "api/state")).header("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString("officer:pw".getBytes(StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, state.statusCode());
            assertEquals("cp-5201-tls", JSON.readTree(state.body()).at("/post/id").asText());
            assertThrows(java.io.IOException.class, () -> HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(tls.url().replace("https:", "http:") + "api/state")).build(),
                HttpResponse.BodyHandlers.ofString()), "no plain HTTP on the HTTPS port");
        }
    }

    @Test
    void elsewhereThanLoopbackOnlyWithAPasswordAndThenEveryRequestNeedsIt() throws Exception
    {
        post = new PostFixture(dir, "s3cret 口令");
        final ClientOptions.Builder other = post.options("cp-52", TerminalKind.COMMAND_POST, "52");
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> Console.start(other, "0.0.0.0", 0, null));
        assertTrue(refused.getMessage().contains("--password"), refused.getMessage());

        assertEquals(401, post.get("/api/state").statusCode());
        assertEquals(401, post.get("/").statusCode());
        final String auth = "Basic " + Base64.getEncoder()
            .encodeToString("officer:s3cret 口令".getBytes(StandardCharsets.UTF_8));
        final HttpResponse<String> ok = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(post.url("/api/state"))).header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode());
    }
}
