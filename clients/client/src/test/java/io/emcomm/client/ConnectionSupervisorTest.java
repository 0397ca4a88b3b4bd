package io.emcomm.client;

import io.emcomm.protocol.wire.Error;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Welcome;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link ConnectionSupervisor} with a real {@link ClientConductor}, no network: a scripted {@link
 * ConnectionSupervisor.Dialer} plays each attempt (welcomed, refused, silent), connections are
 * {@link EmbeddedChannel}s, and the backoff is waited out on a {@link ManualClock}; listeners run inline.
 */
@Timeout(10)
class ConnectionSupervisorTest
{
    private static final Duration MIN = Duration.ofMillis(100);
    private static final Duration MAX = Duration.ofSeconds(1);
    private static final String ROUTER = "127.0.0.1:7400";

    private final ManualClock clock = new ManualClock();
    private final ConnectionEvents events = new ConnectionEvents();
    private final ReplayBook replays = new ReplayBook();
    private final Dispatcher dispatcher = new Dispatcher(new DirectExecutor());
    /** What each dial does, in order; a dial with nothing scripted leaves the attempt hanging. */
    private final Deque<Runnable> attempts = new ArrayDeque<>();
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private int dials;
    private int released;
    private RouterProxy link;
    /** The router of each dial, in order. */
    private final List<InetSocketAddress> dialled = new ArrayList<>();
    private ClientOptions options;
    private ClientConductor conductor;
    private ConnectionSupervisor supervisor;

    ConnectionSupervisorTest()
    {
        start(ClientOptions.builder());
    }

    /** The parts under test, for a terminal uav-7 with the test's backoff and listener on {@code builder}'s routers. */
    private void start(final ClientOptions.Builder builder)
    {
        options = builder.terminal("uav-7", TerminalKind.AIR, "520102").reconnectBackoff(MIN, MAX).connectionListener(events).build();
        final DeliveryDispatch deliveries = new DeliveryDispatch(options, dispatcher, replays);
        conductor = new ClientConductor(options, clock, clock, replays, deliveries);
        supervisor = new ConnectionSupervisor(options, conductor, dispatcher, options.reconnectPolicy().backoff(), clock,
            this::dial, () -> released++);
    }

    @AfterEach
    void closeChannels()
    {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private void dial(final InetSocketAddress router)
    {
        dials++;
        dialled.add(router);
        final Runnable attempt = attempts.poll();
        if (attempt != null)
        {
            attempt.run();
        }
    }

    /** The attempt succeeds: the connection comes up and the router welcomes the terminal (as ClientHandler does). */
    private void welcomed()
    {
        final EmbeddedChannel ch = new EmbeddedChannel();
        channels.add(ch);
        link = new RouterProxy(ch, lastDialled());
        assertTrue(conductor.onActive(link));
        if (conductor.onWelcome(link, Welcome.newBuilder().setProtocolVersion(1).setMaxFrameBytes(65_536).build()))
        {
            supervisor.onWelcome(link.router());
        }
    }

    private void refused()
    {
        supervisor.onDialFailed(lastDialled(), new ConnectException("Connection refused"));
    }

    private InetSocketAddress lastDialled()
    {
        return dialled.get(dialled.size() - 1);
    }

    /** Connects with the first attempt welcomed. */
    private void connected() throws Exception
    {
        attempts.add(this::welcomed);
        supervisor.connect(Duration.ofSeconds(5));
        events.expect(ConnectionState.CONNECTED);
        assertEquals(1, dials);
    }

    /** The next attempt is scheduled: returns its delay after checking it is within the backoff for {@code attempt}. */
    private long scheduledWithin(final int attempt)
    {
        final long ceiling = Math.min(MAX.toNanos(), MIN.toNanos() << (attempt - 1));
        final long delay = clock.nextDueInNanos();
        assertTrue(delay >= ceiling / 2 && delay <= ceiling, "attempt " + attempt + " waits " + delay + " ns, ceiling " + ceiling);
        return delay;
    }

    @Test
    void aLostConnectionIsDialledAgainOnlyOnceTheBackoffHasPassedOnTheClockAndAWelcomeStartsTheBackoffAfresh() throws Exception
    {
        connected();
        supervisor.onDisconnect(link, null);
        // no TLS hint: the connection was welcomed, so it spoke the protocol (a fresh operator saw the hint after a SIGKILL)
        assertEquals("connection to the router at " + ROUTER + " lost",
            events.expect(ConnectionState.DISCONNECTED).cause().getMessage());
        assertEquals(ConnectionState.DISCONNECTED, conductor.state());
        events.expectReconnecting(1);

        final long first = scheduledWithin(1);
        attempts.add(this::refused);
        clock.advance(first - 1);
        assertEquals(1, dials, "not before the backoff has passed");
        clock.advance(1);
        assertEquals(2, dials);
        assertEquals("cannot reach the router at " + ROUTER + ": connection refused", events.expectReconnecting(2).cause().getMessage());

        attempts.add(this::welcomed);
        clock.advance(scheduledWithin(2));
        assertEquals(3, dials);
        events.expect(ConnectionState.CONNECTED);
        assertEquals(ConnectionState.CONNECTED, conductor.state());

        supervisor.onDisconnect(link, new EmcommException("router silent for 15000 ms"));
        assertEquals("connection to the router at " + ROUTER + " lost: router silent for 15000 ms",
            events.expect(ConnectionState.DISCONNECTED).cause().getMessage());
        events.expectReconnecting(1);
        scheduledWithin(1);
        assertEquals(List.of(), events.pending());
        assertEquals(0, released);
    }

    @Test
    void aReplacedSessionEndsInReplacedFailsWhatWaitsAndIsNeverDialledAgain() throws Exception
    {
        connected();
        final CompletableFuture<PublishResult> publish = conductor.publish(Message.text("on scene").to("up:5201"), null);
        final String words = "terminal uav-7 logged in again from /10.52.0.77:41234";
        supervisor.onFatalError(Error.newBuilder().setCode(ErrorCode.SESSION_REPLACED).setMessage(words).setFatal(true).build());
        final SessionReplacedException replaced = new SessionReplacedException(words);
        supervisor.onDisconnect(link, replaced);

        assertSame(replaced, events.expect(ConnectionState.REPLACED).cause());
        assertEquals(ConnectionState.REPLACED, conductor.state());
        assertSame(replaced, assertThrows(CompletionException.class, publish::join).getCause());
        assertEquals(0, clock.pendingTasks(), "no reconnect scheduled");
        clock.advance(Duration.ofHours(1).toNanos());
        assertEquals(1, dials);
        assertEquals(1, released);
        assertEquals(List.of(), events.pending());
        supervisor.shutdown(null);
        assertEquals(1, released, "ending twice releases once");
    }

    @Test
    void aLoginRefusedAfterAReconnectEndsInClosedWithTheRoutersReason() throws Exception
    {
        connected();
        supervisor.onDisconnect(link, null);
        events.expect(ConnectionState.DISCONNECTED);
        events.expectReconnecting(1);
        final EmcommException refusedLogin = new EmcommException("router error AUTHENTICATION_FAILED: bad token",
            ErrorCode.AUTHENTICATION_FAILED, null);
        attempts.add(() ->
        {
            final EmbeddedChannel ch = new EmbeddedChannel();
            channels.add(ch);
            link = new RouterProxy(ch, lastDialled());
            conductor.onActive(link);
            supervisor.onFatalError(Error.newBuilder().setCode(ErrorCode.AUTHENTICATION_FAILED).setMessage("bad token").setFatal(true).build());
            supervisor.onDisconnect(link, refusedLogin);
        });
        clock.advance(scheduledWithin(1));

        assertSame(refusedLogin, events.expect(ConnectionState.CLOSED).cause());
        assertEquals(0, clock.pendingTasks());
        assertEquals(2, dials);
        assertEquals(1, released);
    }

    @Test
    void aFirstConnectionThatFailsIsNotRetried()
    {
        attempts.add(this::refused);
        final EmcommException failure = assertThrows(EmcommException.class, () -> supervisor.connect(Duration.ofSeconds(5)));
        assertEquals("cannot reach the router at " + ROUTER + ": connection refused", failure.getMessage());
        assertEquals(0, clock.pendingTasks());
        assertEquals(1, dials);
        assertEquals(1, released);
        assertEquals(ConnectionState.CLOSED, conductor.state());
    }

    @Test
    void aRouterThatNeverWelcomesFailsTheConnectAfterItsDeadline() throws Exception
    {
        final EmcommException failure = assertThrows(EmcommException.class, () -> supervisor.connect(Duration.ofMillis(20)));
        assertEquals("the router at " + ROUTER + " did not welcome terminal uav-7 within 20 ms", failure.getMessage());
        assertSame(failure, events.expect(ConnectionState.CLOSED).cause());
        assertEquals(1, released);
    }

    @Test
    void closingDuringTheBackoffCancelsTheNextAttempt() throws Exception
    {
        connected();
        supervisor.onDisconnect(link, null);
        events.expect(ConnectionState.DISCONNECTED);
        events.expectReconnecting(1);

        supervisor.shutdown(null);
        final ConnectionEvents.Event closed = events.expect(ConnectionState.CLOSED);
        assertNull(closed.cause(), "closed by the user");
        clock.advance(MAX.toNanos());
        assertEquals(1, dials, "the scheduled attempt found the client closed");
        assertInstanceOf(EmcommException.class, assertThrows(CompletionException.class,
            () -> conductor.publish(Message.text("x").to("up:5201"), null).join()).getCause());
    }

    private static final InetSocketAddress A = InetSocketAddress.createUnresolved("node-a", 7400);
    private static final InetSocketAddress B = InetSocketAddress.createUnresolved("node-b", 7400);
    private static final InetSocketAddress C = InetSocketAddress.createUnresolved("10.52.0.3", 7410);

    /** Every scheduled attempt that is due now runs (the failover attempts, which wait nothing). */
    private void runDueNow()
    {
        clock.advance(0);
    }

    @Test
    void aLostConnectionFailsOverToTheNextRouterAtOnceAndBacksOffOnlyAfterAWholeRoundOfTheListFailed() throws Exception
    {
        start(ClientOptions.builder().routers(List.of(A, B, C)));
        connected();
        assertEquals(List.of(A), dialled);
        assertSame(A, conductor.connectedRouter());
        assertEquals(List.of(A), events.routers());

        supervisor.onDisconnect(link, null);
        assertEquals("connection to the router at node-a:7400 lost",
            events.expect(ConnectionState.DISCONNECTED).cause().getMessage());
        assertNull(conductor.connectedRouter());
        assertEquals(Duration.ZERO, events.expectReconnecting(1).delay(), "the next router is tried at once");
        for (int i = 0; i < 5; i++)
        {
            attempts.add(this::refused); // node-b and node-c now, then node-a, node-b and node-c again
        }
        runDueNow();
        assertEquals(List.of(A, B), dialled.subList(0, 2));
        assertEquals("cannot reach the router at node-b:7400: connection refused", events.expectReconnecting(2).cause().getMessage());
        assertEquals(List.of(A, B, C), dialled, "node-c is tried at once too: node-a is the only one that failed this round");
        final ConnectionEvents.Event backToA = events.expectReconnecting(3);
        assertEquals("cannot reach the router at 10.52.0.3:7410: connection refused", backToA.cause().getMessage());
        assertEquals(backToA.delay().toNanos(), scheduledWithin(1), "a whole round failed: back to node-a after the backoff");
        clock.advance(backToA.delay().toNanos() - 1);
        assertEquals(3, dials, "not before the backoff has passed");
        clock.advance(1);
        assertEquals(List.of(A, B, C, A, B, C), dialled, "the second round: node-a after the backoff, the others at once");
        assertEquals(Duration.ZERO, events.expectReconnecting(4).delay());
        assertEquals(Duration.ZERO, events.expectReconnecting(5).delay());
        events.expectReconnecting(6);
        scheduledWithin(2); // the backoff doubles per round, not per attempt

        attempts.add(this::welcomed);
        clock.advance(MAX.toNanos());
        assertEquals(List.of(A, B, C, A, B, C, A), dialled);
        events.expect(ConnectionState.CONNECTED);
        assertSame(A, conductor.connectedRouter());

        supervisor.onDisconnect(link, null);
        events.expect(ConnectionState.DISCONNECTED);
        assertEquals(Duration.ZERO, events.expectReconnecting(1).delay(), "a WELCOME starts the count afresh");
        attempts.add(this::welcomed);
        runDueNow();
        events.expect(ConnectionState.CONNECTED);
        assertEquals(B, lastDialled());
        assertSame(B, conductor.connectedRouter());
        assertEquals(List.of(A, A, B), events.routers());

        supervisor.onDisconnect(link, null);
        events.expect(ConnectionState.DISCONNECTED);
        events.expectReconnecting(1);
        attempts.add(this::welcomed);
        runDueNow();
        assertEquals(C, lastDialled(), "the one after the router lost, not the first of the list");
        events.expect(ConnectionState.CONNECTED);
        assertEquals(List.of(), events.pending());
    }

    @Test
    void aListOfRoutersThatNeverWelcomeIsNamedInOneSentenceAfterTheDeadline() throws Exception
    {
        start(ClientOptions.builder().routers(List.of(A, B)));
        final EmcommException failure = assertThrows(EmcommException.class, () -> supervisor.connect(Duration.ofMillis(20)));
        // was "none of the routers A, B did not welcome ...", found by a fresh operator with two brokers of three down
        assertTrue(failure.getMessage().matches("none of the routers .+, .+ welcomed terminal uav-7 within 20 ms"), failure.getMessage());
    }

    @Test
    void theFirstConnectTriesTheRoutersInOrderUntilOneWelcomesTheTerminal() throws Exception
    {
        start(ClientOptions.builder().routers(List.of(A, B, C)));
        attempts.add(this::refused);
        attempts.add(this::welcomed);
        supervisor.connect(Duration.ofSeconds(5));
        events.expect(ConnectionState.CONNECTED);
        assertEquals(List.of(A, B), dialled);
        assertSame(B, conductor.connectedRouter());
        assertEquals(List.of(B), events.routers());
        assertEquals(0, clock.pendingTasks());
        assertEquals(List.of(), events.pending(), "no reconnect is announced before the first WELCOME");
    }

    @Test
    void aFirstConnectFailsOnlyWhenEveryRouterFailedAndNamesEachOnesReason()
    {
        start(ClientOptions.builder().routers(List.of(A, B)));
        attempts.add(this::refused);
        attempts.add(() ->
        {
            final EmbeddedChannel ch = new EmbeddedChannel();
            channels.add(ch);
            link = new RouterProxy(ch, lastDialled());
            conductor.onActive(link);
            supervisor.onDisconnect(link, new EmcommException("router error SHUTTING_DOWN: going away", ErrorCode.SHUTTING_DOWN, null));
        });
        final EmcommException failure = assertThrows(EmcommException.class, () -> supervisor.connect(Duration.ofSeconds(5)));
        assertEquals("none of the routers node-a:7400, node-b:7400 welcomed terminal uav-7: cannot reach the router at " +
            "node-a:7400: connection refused; router error SHUTTING_DOWN: going away", failure.getMessage());
        assertEquals(ErrorCode.SHUTTING_DOWN, failure.errorCode());
        assertEquals(List.of(A, B), dialled);
        assertEquals(0, clock.pendingTasks());
        assertEquals(1, released);
        assertEquals(ConnectionState.CLOSED, conductor.state());
    }

    @Test
    void aLoginRefusedByTheFirstRouterIsNotTriedOnTheNext()
    {
        start(ClientOptions.builder().routers(List.of(A, B)));
        final EmcommException refusedLogin = new EmcommException("router error AUTHENTICATION_FAILED: bad token",
            ErrorCode.AUTHENTICATION_FAILED, null);
        attempts.add(() ->
        {
            final EmbeddedChannel ch = new EmbeddedChannel();
            channels.add(ch);
            link = new RouterProxy(ch, lastDialled());
            conductor.onActive(link);
            supervisor.onFatalError(Error.newBuilder().setCode(ErrorCode.AUTHENTICATION_FAILED).setMessage("bad token").setFatal(true).build());
            supervisor.onDisconnect(link, refusedLogin);
        });
        assertSame(refusedLogin, assertThrows(EmcommException.class, () -> supervisor.connect(Duration.ofSeconds(5))));
        assertEquals(List.of(A), dialled, "every node of a site would refuse the same credential");
    }
}
