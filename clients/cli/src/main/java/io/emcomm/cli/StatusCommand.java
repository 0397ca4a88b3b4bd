package io.emcomm.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code emcomm status}: the live summary of a running router, from its admin endpoint. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
        "Print a running router's live summary: sessions, message rates over the last 10 s, one line per",
        "peer link (uplink or downlink, connected or since when not, what waits for the peer by precedence",
        "F I P R and the oldest waiting), the largest backlogs, journal size and disk left, and every",
        "connected terminal (id, kind, region, address, connected since, queued and unacknowledged",
        "deliveries, cursor). On a node of a Kafka cluster also the cluster line (offsets, apply lag,",
        "produce-to-apply time, claims, takeovers, failovers) and one line per router node with the",
        "terminals it holds. Reads the router's admin endpoint (GET /status); journal indexes are",
        "decimal, times ISO-8601 UTC.",
        "With --terminal ID: where that one terminal is (GET /terminal?id=ID): on a cluster, the node",
        "of its newest claim, which any node of the cluster answers alike."},
    footer = {"", "Examples:", "  emcomm status", "  emcomm status --admin 10.0.0.5:7401 --json",
        "  emcomm status --admin 10.0.0.5:7401 --terminal cp-5201"})
final class StatusCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--admin", paramLabel = "HOST:PORT", converter = Converters.HostPortConverter.class,
        description = "The router's admin endpoint (default: 127.0.0.1:7401).")
    Converters.HostPort admin;

    @Option(names = "--json", description = "Print the JSON document as served (docs/operations.md lists its fields).")
    boolean json;

    @Option(names = "--terminal", paramLabel = "ID",
        description = "Only where this terminal is: its router node (on a cluster, the node of its newest claim).")
    String terminal;

    @Override
    public Integer call() throws InterruptedException
    {
        final Converters.HostPort target = admin != null ? admin : Converters.HostPort.parse("127.0.0.1:7401");
        final String query = terminal == null ? "/status" + (json ? "" : "?format=text")
            : "/terminal?id=" + URLEncoder.encode(terminal, StandardCharsets.UTF_8) + (json ? "" : "&format=text");
        final URI uri = URI.create("http://" + target.host() + ":" + target.port() + query);
        final HttpResponse<String> response;
        try
        {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                .send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (final IOException ex)
        {
            throw new CliFailure("cannot reach the admin endpoint at " + target.host() + ":" + target.port() + " ("
                + ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage())
                + "); is the router running with --admin-port?");
        }
        if (response.statusCode() == 404 && terminal != null)
        {
            throw new CliFailure(response.body().strip());
        }
        if (response.statusCode() != 200)
        {
            throw new CliFailure("admin endpoint answered HTTP " + response.statusCode() + ": " + response.body().strip());
        }
        final PrintWriter out = spec.commandLine().getOut();
        out.print(response.body());
        out.flush();
        return Main.EXIT_OK;
    }
}
