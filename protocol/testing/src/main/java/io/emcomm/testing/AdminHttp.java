package io.emcomm.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** GETs from a router's admin endpoint, and reads single samples out of a Prometheus scrape. */
public final class AdminHttp
{
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private AdminHttp()
    {
    }

    public record Response(int status, String body)
    {
    }

    public static Response get(final int port, final String path) throws IOException, InterruptedException
    {
        final HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body());
    }

    /**
     * The value of one sample, e.g. {@code emcomm_messages_in_total{precedence="flash"}}; fails when the scrape
     * does not have it.
     */
    public static double sample(final String scrape, final String name)
    {
        final Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(scrape);
        if (!m.find())
        {
            throw new AssertionError("no sample " + name + " in scrape:\n" + scrape);
        }
        return Double.parseDouble(m.group(1));
    }
}
