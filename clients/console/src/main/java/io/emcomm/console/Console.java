package io.emcomm.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.emcomm.client.ClientOptions;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.UnknownHostException;

/**
 * A running console: the command post's session with the router and the web server that shows it. Start it
 * with {@link #start}, open {@link #url()}, {@link #close()} it to log out and stop serving.
 */
public final class Console implements AutoCloseable
{
    private final PostSession session;
    private final ConsoleServer server;
    private final Serving serving;

    private Console(final PostSession session, final ConsoleServer server, final Serving serving)
    {
        this.session = session;
        this.server = server;
        this.serving = serving;
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

    /** {@link #start(ClientOptions.Builder, String, int, String)} with HTTPS when {@code serving} has a keystore. */
    public static Console start(final ClientOptions.Builder post, final Serving serving) throws Exception
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
        final PostSession session = new PostSession(post, json, events, System::currentTimeMillis);
        try
        {
            session.start();
            return new Console(session, ConsoleServer.start(session, events, json, serving), serving);
        }
        catch (final Exception ex)
        {
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
        server.close();
        session.close();
    }
}
