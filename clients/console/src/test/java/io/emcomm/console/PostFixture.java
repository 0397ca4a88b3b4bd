package io.emcomm.console;

import io.emcomm.client.ClientOptions;
import io.emcomm.client.Delivery;
import io.emcomm.client.EmcommClient;
import io.emcomm.protocol.wire.Receipt;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.Router;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.config.Settings;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A real router on loopback (FLASH chased after {@link #FLASH_TIMEOUT_MS}), the console of command post
 * {@code cp-5201} (Guiyang) logged in to it, and field terminals that talk to it through the public client.
 */
final class PostFixture implements AutoCloseable
{
    static final int FLASH_TIMEOUT_MS = 2_500;
    static final long WAIT_MS = 10_000;

    final Router router;
    final Console console;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    /** A field terminal and everything delivered to it (auto-ack on). */
    record Terminal(EmcommClient client, BlockingQueue<Delivery> received)
    {
        Delivery next() throws InterruptedException
        {
            final Delivery d = received.poll(WAIT_MS, TimeUnit.MILLISECONDS);
            assertNotNull(d, client.terminalId() + " received nothing within " + WAIT_MS + " ms");
            return d;
        }

        /** The next delivery that is a receipt. */
        Receipt nextReceipt() throws InterruptedException
        {
            while (true)
            {
                final Delivery d = next();
                if (d.envelope().hasReceipt())
                {
                    return d.envelope().getReceipt();
                }
            }
        }
    }

    PostFixture(final Path dir, final String password) throws Exception
    {
        this(dir, password, java.util.Map.of());
    }

    /** With more router settings (property name to value). */
    PostFixture(final Path dir, final String password, final java.util.Map<String, String> routerSettings) throws Exception
    {
        final RouterConfig.Builder config = RouterConfig.loopback(dir)
            .set(Settings.FLASH_ACK_TIMEOUT_MS.key(), Integer.toString(FLASH_TIMEOUT_MS))
            .set(Settings.TIMER_INTERVAL_MS.key(), "50");
        routerSettings.forEach(config::set);
        router = Router.start(new Router.Context().config(config.build()));
        closeables.add(router);
        console = Console.start(options("cp-5201", TerminalKind.COMMAND_POST, "5201"),
            new Console.Serving("127.0.0.1", 0, password, null, null), "http://127.0.0.1:" + router.adminPort());
        closeables.add(console);
    }

    ClientOptions.Builder options(final String id, final TerminalKind kind, final String region)
    {
        return ClientOptions.builder().router("127.0.0.1", router.port()).terminal(id, kind, region);
    }

    Terminal terminal(final String id, final TerminalKind kind, final String region)
    {
        final BlockingQueue<Delivery> received = new LinkedBlockingQueue<>();
        final EmcommClient client = EmcommClient.connect(options(id, kind, region).deliveryListener(received::add).build());
        closeables.add(client);
        return new Terminal(client, received);
    }

    String url(final String path)
    {
        return console.url() + path.substring(1);
    }

    HttpResponse<String> get(final String path) throws IOException, InterruptedException
    {
        return http.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(final String path, final String json) throws IOException, InterruptedException
    {
        return http.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(40))
            .header("Content-Type", "application/json; charset=utf-8")
            .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits for a condition, checking it every 20 ms, and fails with {@code what} after {@link #WAIT_MS}. */
    static void await(final String what, final BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("not within " + WAIT_MS + " ms: " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    @Override
    public void close() throws Exception
    {
        for (int i = closeables.size() - 1; i >= 0; i--)
        {
            closeables.get(i).close();
        }
    }
}
