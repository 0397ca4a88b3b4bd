package io.emcomm.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.emcomm.client.ClientOptions;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.UnknownHostException;

/**
 * A running console: the command post's session with the router and the web server that shows it. Start it
 * with {@link #start}, open {@link #url()}, {@link #close()} it to log out and stop serving.
 */
public final class Console implements AutoCloseable
{
    /** The router's default admin port (docs/operations.md): where {@code --router-admin} points by default. */
    public static final int DEFAULT_ADMIN_PORT = 7401;

    private final PostSession session;
    private final ConsoleServer server;
    private final Serving serving;
    private final StatusPoller poller;

    private Console(final PostSession session, final ConsoleServer server, final Serving serving, final StatusPoller poller)
    {
        this.session = session;
        this.server = server;
        this.serving = serving;
        this.poller = poller;
    }

    /**
     * Logs in to the router as the command post {@code post} describes and serves the console.
     *
     * @param post      the command post's client options (router, id, kind, region, credential); auto-ack and
     *                  the listeners are set here
     * @param bindHost  where to listen; anything but a loopback address needs a password
     * @param httpPort  0 = any free port
     * @param password  the operator password for HTTP basic authentication; null or "" = none (loopback only)
     * @throws IllegalArgumentException for a non-loopback bind without a password, or an unknown host
     * @throws Exception when the router cannot be reached or refuses the post, or the port is taken
     */
    public static Console start(final ClientOptions.Builder post, final String bindHost, final int httpPort,
        final String password) throws Exception
    {
        return start(post, new Serving(bindHost, httpPort, password, null, null));
    }

    /**
     * Where and how the page is served.
     *
     * @param host             where to listen; anything but a loopback address needs a password
     * @param port             0 = any free port
     * @param password         the operator password for HTTP basic authentication; null or "" = none
     * @param keystore         a PKCS12 (or JKS) keystore with the server's key and certificate: serve HTTPS only;
     *                         null = plain HTTP
     * @param keystorePassword the keystore's password
     */
    public record Serving(String host, int port, String password, Path keystore, String keystorePassword)
    {
    }

    /**
     * {@link #start(ClientOptions.Builder, String, int, String)} with HTTPS when {@code serving} has a keystore,
     * reading the router's health from its admin endpoint at the default address ({@link #adminUrl}).
     */
    public static Console start(final ClientOptions.Builder post, final Serving serving) throws Exception
    {
        return start(post, serving, null);
    }

    /**
     * Where the console reads who is online and the router's health ({@code GET /status}).
     *
     * @param given      {@code --router-admin}: a URL such as {@code http://10.0.0.5:7401}; {@code none} = do not
     *                   read it; null or "" = {@code http://<routerHost>:7401}
     * @param routerHost the router's host, as the post connects to it
     * @return the endpoint's base URL, or null for {@code none}
     * @throws IllegalArgumentException when {@code given} is not an http(s) URL with a host
     */
    public static URI adminUrl(final String given, final String routerHost)
    {
        if (given == null || given.isBlank())
        {
            final String host = routerHost.contains(":") && !routerHost.startsWith("[") ? "[" + routerHost + "]" : routerHost;
            return URI.create("http://" + host + ":" + DEFAULT_ADMIN_PORT);
        }
        if (given.trim().equalsIgnoreCase("none"))
        {
            return null;
        }
        final URI uri;
        try
        {
            uri = new URI(given.trim());
        }
        catch (final URISyntaxException ex)
        {
            throw new IllegalArgumentException("--router-admin '" + given + "' is not a URL: " + ex.getReason());
        }
        if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) || uri.getHost() == null)
        {
            throw new IllegalArgumentException("--router-admin '" + given +
                "' must be http://HOST:PORT (the router's admin endpoint) or none");
        }
        return uri;
    }

    /**
     * {@link #start(ClientOptions.Builder, Serving)} reading the router's admin endpoint at {@code routerAdmin}
     * ({@link #adminUrl}: null = the default address, {@code none} = not at all).
     *
     * @throws IllegalArgumentException also for a {@code routerAdmin} that is not a URL
     */
    public static Console start(final ClientOptions.Builder post, final Serving serving, final String routerAdmin)
        throws Exception
    {
        final String bindHost = serving.host();
        final String password = serving.password();
        if ((password == null || password.isEmpty()) && !isLoopback(bindHost))
        {
            throw new IllegalArgumentException("--bind " + bindHost + " is not loopback: set an operator --password " +
                "(or EMCOMM_CONSOLE_PASSWORD) so nobody else on the network can act as this post");
        }
        if (serving.keystore() != null && !Files.isReadable(serving.keystore()))
        {
            throw new IllegalArgumentException("--keystore " + serving.keystore() + " cannot be read");
        }
        final ObjectMapper json = new ObjectMapper();
        final EventStream events = new EventStream(json);
        final ClientOptions options = post.build();
        final URI admin = adminUrl(routerAdmin, options.host());
        final Roster roster = new Roster(options.terminalId(), options.regionCode(), admin != null);
        final PostSession session = new PostSession(post, json, events, roster, System::currentTimeMillis);
        StatusPoller poller = null;
        try
        {
            session.start();
            poller = new StatusPoller(admin, roster, events, json, System::currentTimeMillis).start();
            return new Console(session, ConsoleServer.start(session, events, json, serving), serving, poller);
        }
        catch (final Exception ex)
        {
            if (poller != null)
            {
                poller.close();
            }
            session.close();
            events.close();
            throw ex;
        }
    }

    static boolean isLoopback(final String host)
    {
        try
        {
            return InetAddress.getByName(host).isLoopbackAddress();
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException("unknown host '" + host + "' for --bind");
        }
    }

    /** The address to open in a browser, e.g. {@code http://127.0.0.1:8080/} ({@code https://} with a keystore). */
    public String url()
    {
        final String host = serving.host();
        final String shown = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        return (serving.keystore() != null ? "https://" : "http://") + (shown.contains(":") ? "[" + shown + "]" : shown) +
            ":" + server.port() + "/";
    }

    /** The HTTP port served. */
    public int port()
    {
        return server.port();
    }

    /** Stops serving and logs out. Idempotent enough for a shutdown hook. */
    @Override
    public void close()
    {
        poller.close();
        server.close();
        session.close();
    }
}
