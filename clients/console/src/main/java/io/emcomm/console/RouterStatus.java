package io.emcomm.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the router's admin endpoint says of itself: one reading of {@code GET /status} (docs/operations.md,
 * "The status document"), reduced to what the console shows: ready or not, the journal's last index, whether
 * the disk guard refuses publishes, and the connected terminals.
 *
 * @param ready            the router takes connections and publishes ({@code ready})
 * @param journalLastIndex {@code journal.last_index}; -1 when the document has none
 * @param diskRefusing     {@code disk.refusing_publishes}
 * @param terminals        {@code terminals}: every connected terminal, of any region
 */
record RouterStatus(boolean ready, long journalLastIndex, boolean diskRefusing, List<Connected> terminals)
{
    /**
     * One connected terminal.
     *
     * @param connectedSinceMillis when its session logged in, milliseconds since the Unix epoch (to the second)
     */
    record Connected(String id, String kind, String region, long connectedSinceMillis)
    {
    }

    /**
     * Reads {@code /status} once. Blocks the calling thread for at most {@code timeout}.
     *
     * @param admin   the admin endpoint's base, e.g. {@code http://127.0.0.1:7401}
     * @throws IOException when the endpoint cannot be reached, does not answer in time, answers other than 200,
     *                     or with a document that is not the status document
     */
    static RouterStatus read(final HttpClient http, final URI admin, final Duration timeout, final ObjectMapper json)
        throws IOException, InterruptedException
    {
        final HttpRequest request = HttpRequest.newBuilder(admin.resolve("/status")).timeout(timeout)
            .header("Accept", "application/json").GET().build();
        final HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200)
        {
            throw new IOException("GET " + request.uri() + " answered HTTP " + response.statusCode());
        }
        return parse(json.readTree(response.body()));
    }

    /** The reading in a status document; {@link IOException} when it is not one. */
    static RouterStatus parse(final JsonNode status) throws IOException
    {
        if (status == null || !status.has("ready") || !status.path("terminals").isArray())
        {
            throw new IOException("not a router status document (no 'ready' or 'terminals')");
        }
        final List<Connected> terminals = new ArrayList<>();
        for (final JsonNode t : status.get("terminals"))
        {
            terminals.add(new Connected(t.path("id").asText(), t.path("kind").asText().replace('_', '-'),
                t.path("region").asText(), millis(t.path("connected_since").asText())));
        }
        return new RouterStatus(status.get("ready").asBoolean(), status.path("journal").path("last_index").asLong(-1),
            status.path("disk").path("refusing_publishes").asBoolean(false), List.copyOf(terminals));
    }

    private static long millis(final String iso)
    {
        try
        {
            return Instant.parse(iso).toEpochMilli();
        }
        catch (final DateTimeParseException ex)
        {
            return 0; // shown as "unknown"; a connected terminal is still listed
        }
    }
}
