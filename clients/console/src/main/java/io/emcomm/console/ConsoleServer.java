package io.emcomm.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emcomm.client.PublishRejectedException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.UnauthorizedResponse;
import io.javalin.http.staticfiles.Location;
import io.javalin.security.BasicAuthCredentials;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;

/**
 * The console's web server: the page (from the jar's {@code /web}, nothing from the internet), its live
 * event stream and three small JSON endpoints.
 *
 * <pre>
 * GET  /                 the page
 * GET  /api/events       server-sent events: snapshot, entry, position, sent, link, roster ({@link EventStream})
 * GET  /api/state        the snapshot as one JSON object
 * POST /api/ack/{index}  the officer acknowledges a FLASH: 204, or 404 when none with that index waits
 * POST /api/send         publish a {@link Compose}d message: 200 with the sent summary; 400 bad input;
 *                        422 the router refused it ({"reason": NackReason, "detail": ...}); 504 no answer
 * GET  /api/review?from=MS&amp;to=MS  the journal's entries for the post's region in that window (after-action
 *                        review, {@link PostSession#review}); 400 bad window; 502 the router refused
 * </pre>
 *
 * With an operator password every request needs HTTP basic authentication (any user name); without one the
 * server binds to loopback only, which {@link Console#start} enforces. With a keystore it serves HTTPS only.
 */
final class ConsoleServer implements AutoCloseable
{
    private final Javalin app;
    private final EventStream events;

    private ConsoleServer(final Javalin app, final EventStream events)
    {
        this.app = app;
        this.events = events;
    }

    /** Starts serving; {@code port} 0 picks a free one (see {@link #port()}). */
    static ConsoleServer start(final PostSession session, final EventStream events, final ObjectMapper json,
        final Console.Serving serving)
    {
        final String host = serving.host();
        final int port = serving.port();
        final String password = serving.password();
        final Javalin app = Javalin.create(config ->
        {
            config.showJavalinBanner = false;
            if (serving.keystore() != null)
            {
                // HTTPS only: with a connector of our own, Javalin opens no plain HTTP one.
                config.jetty.addConnector((server, http) ->
                {
                    final SslContextFactory.Server tls = new SslContextFactory.Server();
                    tls.setKeyStorePath(serving.keystore().toAbsolutePath().toString());
                    tls.setKeyStorePassword(serving.keystorePassword());
                    final ServerConnector https = new ServerConnector(server, tls);
                    https.setHost(host);
                    https.setPort(port);
                    return https;
                });
            }
            config.staticFiles.add(files ->
            {
                files.hostedPath = "/";
                files.directory = "/web";
                files.location = Location.CLASSPATH;
                // UTF-8 said on the wire, not left to the browser's guess: the labels are Chinese.
                files.mimeTypes.add("text/html; charset=utf-8", "html");
                files.mimeTypes.add("text/javascript; charset=utf-8", "js");
                files.mimeTypes.add("text/css; charset=utf-8", "css");
            });
        });
        if (password != null && !password.isEmpty())
        {
            app.before(ctx -> requirePassword(ctx, password));
        }
        app.before("/api/*", ctx -> ctx.contentType("application/json; charset=utf-8"));
        app.sse("/api/events", page -> events.open(page, session::snapshot));
        app.get("/api/state", ctx -> ctx.result(json.writeValueAsString(session.snapshot())));
        app.post("/api/ack/{index}", ctx ->
        {
            final long index;
            try
            {
                index = Long.parseUnsignedLong(ctx.pathParam("index"));
            }
            catch (final NumberFormatException ex)
            {
                error(ctx, json, HttpStatus.BAD_REQUEST, "journal index '" + ctx.pathParam("index") + "' is not a number");
                return;
            }
            if (session.acknowledge(index))
            {
                ctx.status(HttpStatus.NO_CONTENT);
            }
            else
            {
                error(ctx, json, HttpStatus.NOT_FOUND, "no FLASH with journal index " + index + " waits for acknowledgement");
            }
        });
        app.post("/api/send", ctx -> send(ctx, session, json));
        app.get("/api/review", ctx -> review(ctx, session, json));
        app.start(host, port);
        return new ConsoleServer(app, events);
    }

    private static void send(final Context ctx, final PostSession session, final ObjectMapper json) throws Exception
    {
        final Compose compose;
        final ObjectNode sent;
        try
        {
            compose = json.readValue(ctx.body(), Compose.class);
            sent = session.send(compose).get(session.options().requestTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
        }
        catch (final IllegalArgumentException | com.fasterxml.jackson.core.JsonProcessingException ex)
        {
            error(ctx, json, HttpStatus.BAD_REQUEST, ex.getMessage());
            return;
        }
        catch (final java.util.concurrent.ExecutionException ex)
        {
            final Throwable cause = PostSession.cause(ex.getCause());
            if (cause instanceof PublishRejectedException nack)
            {
                ctx.status(HttpStatus.UNPROCESSABLE_CONTENT).result(json.writeValueAsString(json.createObjectNode()
                    .put("reason", nack.reason().name()).put("detail", nack.detail()).put("error", nack.getMessage())));
            }
            else
            {
                error(ctx, json, HttpStatus.GATEWAY_TIMEOUT, String.valueOf(cause.getMessage()));
            }
            return;
        }
        catch (final java.util.concurrent.TimeoutException ex)
        {
            error(ctx, json, HttpStatus.GATEWAY_TIMEOUT, "the router did not answer in time; the client will send it again after a reconnect");
            return;
        }
        ctx.result(json.writeValueAsString(sent));
    }

    private static void review(final Context ctx, final PostSession session, final ObjectMapper json) throws Exception
    {
        final long from;
        final long to;
        try
        {
            from = Long.parseLong(ctx.queryParam("from"));
            to = Long.parseLong(ctx.queryParam("to"));
        }
        catch (final NumberFormatException ex)
        {
            error(ctx, json, HttpStatus.BAD_REQUEST, "from and to must be milliseconds since the Unix epoch");
            return;
        }
        if (from < 0 || to < from)
        {
            error(ctx, json, HttpStatus.BAD_REQUEST, "the review window ends (" + to + ") before it starts (" + from + ")");
            return;
        }
        try
        {
            ctx.result(json.writeValueAsString(session.review(from, to)
                .get(session.options().requestTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS)));
        }
        catch (final java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex)
        {
            error(ctx, json, HttpStatus.BAD_GATEWAY, "the router did not answer the review: " +
                PostSession.cause(ex instanceof java.util.concurrent.ExecutionException ? ex.getCause() : ex).getMessage());
        }
    }

    private static void error(final Context ctx, final ObjectMapper json, final HttpStatus status, final String message)
        throws Exception
    {
        ctx.status(status).result(json.writeValueAsString(json.createObjectNode().put("error", message)));
    }

    private static void requirePassword(final Context ctx, final String password)
    {
        final BasicAuthCredentials given = ctx.basicAuthCredentials();
        if (given == null || !MessageDigest.isEqual(
            given.getPassword().getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8)))
        {
            ctx.header("WWW-Authenticate", "Basic realm=\"EmComm console\", charset=\"UTF-8\"");
            throw new UnauthorizedResponse();
        }
    }

    /** The port the server listens on. */
    int port()
    {
        return app.port();
    }

    @Override
    public void close()
    {
        events.close();
        app.stop();
    }
}
