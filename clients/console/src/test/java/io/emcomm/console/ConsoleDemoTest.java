package io.emcomm.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emcomm.testing.LeakWatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code emcomm demo --console}: the provincial console sees the scenario's traffic; the demo still loses nothing. */
@Timeout(120)
@ExtendWith(LeakWatch.class)
class ConsoleDemoTest
{
    @Test
    void theProvincialConsoleSeesTheScenarioAndStaysUpUntilStopped() throws Exception
    {
        final StringWriter log = new StringWriter();
        final CountDownLatch stop = new CountDownLatch(1);
        final List<JsonNode> seen = new ArrayList<>();
        final ConsoleDemo demo = new ConsoleDemo(new PrintWriter(log, true), stop, console ->
        {
            try
            {
                final HttpResponse<String> state = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(console.url() + "api/state")).build(), HttpResponse.BodyHandlers.ofString());
                seen.add(new ObjectMapper().readTree(state.body()));
            }
            catch (final Exception ex)
            {
                throw new AssertionError(ex);
            }
            stop.countDown(); // what Ctrl-C does
        });
        demo.httpPort = 0;
        assertEquals(0, (int)demo.call(), log.toString());

        assertTrue(log.toString().contains("console of the provincial post (cp-52-duty, region 52) at http://127.0.0.1:"), log.toString());
        assertTrue(log.toString().contains("lost"), log.toString());
        final JsonNode state = seen.get(0);
        assertEquals("52", state.at("/post/region").asText());
        assertTrue(state.get("positions").size() >= 4, "the scenario's terminals on the map: " + state.get("positions"));
        boolean incident = false;
        for (final JsonNode e : state.get("feed"))
        {
            incident |= e.get("body").asText().equals("incident") && e.get("origin").asText().equals("veh-1");
        }
        assertTrue(incident, "veh-1's incident report went up the chain to the province: " + state.get("feed"));
        // the demo's router runs its admin endpoint for the console: who is there and the router's health are read
        assertEquals("ok", state.at("/roster/health/admin").asText(), "the demo router's /status: " + state.get("roster"));
        assertTrue(state.at("/roster/health/ready").asBoolean(), "the router is ready: " + state.get("roster"));
    }
}
