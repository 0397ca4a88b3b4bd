package io.emcomm.client;

import io.emcomm.router.config.RouterConfig;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.Router;
import io.emcomm.router.config.AuthMode;
import io.emcomm.testing.LeakWatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How a session ends and how its reconnect loop looks from a {@link ConnectionListener}, against a real router:
 * a replaced session is its own final state and never reconnects; a dropped link shows DISCONNECTED, every
 * attempt, and CONNECTED again; a failure not worth retrying ends in CLOSED with the reason (issue 12, kind 3).
 */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class SessionLifecycleTest
{
    private static final long WAIT_S = 10;

    @TempDir
    Path dir;

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception
    {
        for (int i = resources.size() - 1; i >= 0; i--)
        {
            resources.get(i).close();
        }
    }

    private <T extends AutoCloseable> T track(final T resource)
    {
        resources.add(resource);
        return resource;
    }

    private void stop(final Router router)
    {
        resources.remove(router);
        router.close();
    }

    private static ClientOptions.Builder options(final int port, final String id, final TerminalKind kind, final String region)
    {
        return ClientOptions.builder()
            .router("127.0.0.1", port)
            .terminal(id, kind, region)
            .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
    }

    @Test
    void aReplacedSessionNamesTheOtherLoginAndNeverReconnects() throws Exception
    {
        final Router router = track(Router.start(Router.Context.loopback(dir.resolve("data"))));
        final ConnectionEvents events = new ConnectionEvents();
        final EmcommClient first = track(EmcommClient.connect(options(router.port(), "uav-dup", TerminalKind.AIR, "5201")
            .connectionListener(events).build()));
        events.expect(ConnectionState.CONNECTED);

        final BlockingQueue<Delivery> secondGot = new LinkedBlockingQueue<>();
        final ClientSession second = (ClientSession)track(EmcommClient.connect(options(router.port(), "uav-dup", TerminalKind.AIR, "5201")
            .deliveryListener(secondGot::add).build()));
        final String secondAddress = second.currentChannel().localAddress().toString();

        final ConnectionEvents.Event replaced = events.expect(ConnectionState.REPLACED);
        final SessionReplacedException cause = assertInstanceOf(SessionReplacedException.class, replaced.cause());
        assertEquals(ErrorCode.SESSION_REPLACED, cause.errorCode());
        assertEquals("session replaced by another login: terminal uav-dup logged in again from " + secondAddress, cause.getMessage());
        assertEquals(ConnectionState.REPLACED, first.state());

        // Every later request fails with the same reason; nothing is sent.
        assertInstanceOf(SessionReplacedException.class, assertThrows(ExecutionException.class,
            () -> first.publish(Message.text("x").to("up:5201")).get(WAIT_S, TimeUnit.SECONDS)).getCause());
        assertInstanceOf(SessionReplacedException.class, assertThrows(ExecutionException.class,
            () -> first.subscribe("flood.>").get(WAIT_S, TimeUnit.SECONDS)).getCause());

        // The newer login keeps the terminal: a message to it arrives there, after the old one would have retried.
        final EmcommClient cp = track(EmcommClient.connect(options(router.port(), "cp-5201", TerminalKind.COMMAND_POST, "5201").build()));
        final PublishResult task = cp.publish(Message.text("hold position").to("terminal:uav-dup")).get(WAIT_S, TimeUnit.SECONDS);
        final Delivery got = secondGot.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(got);
        assertEquals(task.journalIndex(), got.journalIndex());
        assertEquals(ConnectionState.CONNECTED, second.state());
        assertEquals(List.of(), events.pending(), "no reconnect attempt after REPLACED");

        first.close();
        assertEquals(ConnectionState.REPLACED, first.state(), "close() after the end changes nothing");
        assertEquals(List.of(), events.pending());
    }

    /**
     * A login that replaces a session while that session is reading (and acknowledging) a long backlog: the
     * old session must be told it was replaced, not see a reset, reconnect and take its terminal back. Closing
     * the old connection while its acknowledgements were still arriving made the router's kernel answer with
     * a reset, and the old client's kernel then threw away what it had not read yet, the ERROR with it.
     */
    @Test
    void aSessionReplacedWhileDrainingABacklogIsToldSoAndTheNewerLoginKeepsTheTerminal() throws Exception
    {
        final Router router = track(Router.start(Router.Context.loopback(dir.resolve("data"))));
        final EmcommClient cp = track(EmcommClient.connect(options(router.port(), "cp-5201", TerminalKind.COMMAND_POST, "5201").build()));
        for (int round = 0; round < 5; round++)
        {
            final String id = "cp-busy-" + round;
            track(EmcommClient.connect(options(router.port(), id, TerminalKind.COMMAND_POST, "520102").build())).close();
            final List<CompletableFuture<PublishResult>> sent = new ArrayList<>();
            for (int i = 0; i < 20_000; i++)
            {
                sent.add(cp.publish(Message.text("backlog " + i).to("terminal:" + id)));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            final ConnectionEvents firstEvents = new ConnectionEvents();
            final CountDownLatch reading = new CountDownLatch(100);
            final EmcommClient first = track(EmcommClient.connect(options(router.port(), id, TerminalKind.COMMAND_POST, "520102")
                .connectionListener(firstEvents).deliveryListener(d ->
                {
                    reading.countDown();
                    LockSupport.parkNanos(50_000); // a console that shows each message: the client stops reading, the router's writes back up
                }).build()));
            firstEvents.expect(ConnectionState.CONNECTED);
            assertTrue(reading.await(WAIT_S, TimeUnit.SECONDS), "the first session reads its backlog");

            final ConnectionEvents secondEvents = new ConnectionEvents();
            final EmcommClient second = track(EmcommClient.connect(options(router.port(), id, TerminalKind.COMMAND_POST, "520102")
                .connectionListener(secondEvents).build()));
            secondEvents.expect(ConnectionState.CONNECTED);

            final ConnectionEvents.Event end = firstEvents.expect(ConnectionState.REPLACED);
            assertInstanceOf(SessionReplacedException.class, end.cause(), "round " + round + ": " + end);
            assertEquals(List.of(), firstEvents.pending(), "round " + round);
            final PublishResult probe = cp.publish(Message.text("probe").to("terminal:" + id)).get(WAIT_S, TimeUnit.SECONDS);
            assertTrue(probe.deliveredNow() == 1, "round " + round + ": the newer login holds the terminal");
            assertEquals(ConnectionState.CONNECTED, second.state(), "round " + round);
            assertEquals(List.of(), secondEvents.pending(), "round " + round + ": the newer login was not replaced back");
            second.close();
            first.close();
        }
    }

    @Test
    void theListenerSeesDisconnectedEveryAttemptAndConnectedOnEachReconnect() throws Exception
    {
        Router router = track(Router.start(Router.Context.loopback(dir.resolve("one"))));
        final int port = router.port();
        final ConnectionEvents events = new ConnectionEvents();
        final EmcommClient veh = track(EmcommClient.connect(options(port, "veh-loop", TerminalKind.GROUND, "520102")
            .connectionListener(events).build()));
        events.expect(ConnectionState.CONNECTED);

        for (int round = 0; round < 2; round++)
        {
            stop(router);
            final ConnectionEvents.Event down = events.expect(ConnectionState.DISCONNECTED);
            assertTrue(down.cause().getMessage().startsWith("connection to the router at 127.0.0.1:" + port + " lost"),
                down.cause().getMessage());
            assertEquals(ConnectionState.DISCONNECTED, veh.state());
            events.expectReconnecting(1);
            final ConnectionEvents.Event second = events.expectReconnecting(2);
            assertEquals("cannot reach the router at 127.0.0.1:" + port + ": connection refused", second.cause().getMessage(),
                "each attempt says why the previous one failed");

            router = track(Router.start(new Router.Context()
                    .config(RouterConfig.loopback(dir.resolve("round" + round)).port(port).build())));
            ConnectionEvents.Event e = events.next();
            while (e.state() == null)
            {
                e = events.next(); // more attempts while the router was starting
            }
            assertEquals(ConnectionState.CONNECTED, e.state(), "event " + e);
            assertNull(e.cause());
            assertEquals(ConnectionState.CONNECTED, veh.state());
            assertEquals(round + 1, veh.publish(Message.text("back " + round).to("up:520102")).get(WAIT_S, TimeUnit.SECONDS).originSequence(),
                "publishing works again; the sequence continues");
        }
    }

    @Test
    void aLoginRefusedOnReconnectEndsInClosedWithTheReason() throws Exception
    {
        final Router open = track(Router.start(Router.Context.loopback(dir.resolve("open"))));
        final int port = open.port();
        final ConnectionEvents events = new ConnectionEvents();
        final EmcommClient veh = track(EmcommClient.connect(options(port, "veh-out", TerminalKind.GROUND, "520102")
            .connectionListener(events).build()));
        events.expect(ConnectionState.CONNECTED);

        stop(open);
        events.expect(ConnectionState.DISCONNECTED);
        final CompletableFuture<PublishResult> whileDown = veh.publish(Message.text("anyone?").to("up:520102"));

        // The router comes back authenticating, and veh-out is not in its registry.
        final Path registry = Files.writeString(dir.resolve("terminals.txt"), "cp-52 command-post 52 -\n");
        final var config = RouterConfig.loopback(dir.resolve("closed")).port(port);
        config.security().authMode(AuthMode.TOKEN).terminalsFile(registry);
        track(Router.start(new Router.Context().config(config.build())));

        ConnectionEvents.Event e = events.next();
        while (e.state() == null)
        {
            e = events.next();
        }
        assertEquals(ConnectionState.CLOSED, e.state(), "event " + e);
        final EmcommException cause = assertInstanceOf(EmcommException.class, e.cause());
        assertEquals(ErrorCode.AUTHENTICATION_FAILED, cause.errorCode());
        assertTrue(cause.getMessage().contains("terminal 'veh-out' is not in the terminal registry"), cause.getMessage());
        assertEquals(ConnectionState.CLOSED, veh.state());

        final EmcommException failed = assertInstanceOf(EmcommException.class,
            assertThrows(ExecutionException.class, () -> whileDown.get(WAIT_S, TimeUnit.SECONDS)).getCause());
        assertEquals(ErrorCode.AUTHENTICATION_FAILED, failed.errorCode());
        assertTrue(failed.getMessage().startsWith("session ended: "), failed.getMessage());
        assertEquals(List.of(), events.pending(), "nothing after the final state");
    }

    @Test
    void aFailedFirstConnectIsReportedToTheListenerAsClosedWithTheReason() throws Exception
    {
        final Router router = track(Router.start(Router.Context.loopback(dir.resolve("data"))));
        final ConnectionEvents events = new ConnectionEvents();
        final EmcommException ex = assertThrows(EmcommException.class, () -> EmcommClient.connect(
            options(router.port(), "bd-x", TerminalKind.SPACE, "52").linkProfile("carrier-pigeon").connectionListener(events).build()));
        assertEquals(ErrorCode.UNKNOWN_LINK_PROFILE, ex.errorCode());
        final ConnectionEvents.Event closed = events.expect(ConnectionState.CLOSED);
        assertEquals(ex, closed.cause());
    }
}
