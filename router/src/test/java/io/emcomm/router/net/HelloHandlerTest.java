package io.emcomm.router.net;

import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.Error;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Heartbeat;
import io.emcomm.protocol.wire.Subscribe;
import io.emcomm.protocol.wire.SubscriptionAck;
import io.emcomm.protocol.wire.Welcome;
import io.emcomm.router.config.AuthMode;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.security.TokenHash;
import io.emcomm.testing.LeakWatch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import static io.emcomm.protocol.wire.TerminalKind.COMMAND_POST;
import static io.emcomm.protocol.wire.TerminalKind.GROUND;
import static io.emcomm.router.net.ConnectionFixture.hello;
import static io.emcomm.router.net.ConnectionFixture.login;
import static io.emcomm.router.net.ConnectionFixture.next;
import static io.emcomm.router.net.ConnectionFixture.nextError;
import static io.emcomm.router.net.ConnectionFixture.nextFrame;
import static io.emcomm.router.net.ConnectionFixture.send;
import static io.emcomm.router.net.ConnectionFixture.sendRaw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admission and handshake phases of a connection (protocol.md section 2, section 11 for a second login), driven
 * directly on an {@link EmbeddedChannel} whose pipeline is the router's own, with Netty's time moved by the test.
 */
@Timeout(30)
@ExtendWith(LeakWatch.class)
class HelloHandlerTest
{
    @TempDir
    Path dir;

    private ConnectionFixture router;

    private ConnectionFixture router(final Consumer<RouterConfig.Builder> settings)
    {
        router = new ConnectionFixture(dir, settings);
        return router;
    }

    @AfterEach
    void close()
    {
        if (router != null)
        {
            router.close();
        }
    }

    @Test
    void aFirstFrameOtherThanHelloIsRefusedFatallyAndCloses() throws Exception
    {
        router(b -> { });
        final EmbeddedChannel ch = router.connect();
        send(ch, FrameType.HEARTBEAT, Heartbeat.getDefaultInstance());
        final Error e = nextError(ch, ErrorCode.HELLO_REQUIRED);
        assertEquals("the first frame must be HELLO, got HEARTBEAT", e.getMessage());
        assertTrue(e.getFatal());
        assertFalse(ch.isOpen(), "closed after the fatal ERROR");
        assertEquals(1, router.counters.protocolErrors());

        final EmbeddedChannel unknown = router.connect();
        sendRaw(unknown, new byte[] {0, 0, 0, 1, 99});
        assertEquals("the first frame must be HELLO, got unknown type 99", nextError(unknown, ErrorCode.HELLO_REQUIRED).getMessage());
        assertFalse(unknown.isOpen());
    }

    @Test
    void anUnsupportedVersionIsNamedWithTheVersionTheRouterSpeaks() throws Exception
    {
        router(b -> { });
        final EmbeddedChannel ch = router.connect();
        send(ch, FrameType.HELLO, hello("veh-1", GROUND, "520102").setProtocolVersion(2).build());
        final Error e = nextError(ch, ErrorCode.UNSUPPORTED_VERSION);
        assertEquals("protocol version 2 is not supported; this router speaks version 1", e.getMessage());
        assertTrue(e.getFatal());
        assertFalse(ch.isOpen());
        assertEquals(0, router.table.sessionCount());
    }

    @Test
    void aHelloThatDoesNotParseIsAFatalMalformedFrame() throws Exception
    {
        router(b -> { });
        final EmbeddedChannel ch = router.connect();
        // field 2 (terminal_id) announces 16 bytes and carries 1
        sendRaw(ch, new byte[] {0, 0, 0, 4, (byte)FrameType.HELLO_VALUE, 0x12, 0x10, 'x'});
        final Error e = nextError(ch, ErrorCode.MALFORMED_FRAME);
        assertTrue(e.getMessage().startsWith("HELLO does not parse: "), e.getMessage());
        assertTrue(e.getFatal());
        assertFalse(ch.isOpen());
    }

    @Test
    void theHelloChecksRunInTheDocumentedOrder() throws Exception
    {
        router(b -> b.routerId("emcomm-9"));
        final EmbeddedChannel badId = router.connect();
        send(badId, FrameType.HELLO, hello("veh 1", GROUND, "520102").build());
        assertEquals("terminal id 'veh 1' must be 1-64 of [A-Za-z0-9._-]", nextError(badId, ErrorCode.INVALID_TERMINAL_ID).getMessage());

        final EmbeddedChannel noKind = router.connect();
        send(noKind, FrameType.HELLO, hello("veh-1", GROUND, "520102").clearKind().build());
        nextError(noKind, ErrorCode.INVALID_KIND);

        final EmbeddedChannel routersOwn = router.connect();
        send(routersOwn, FrameType.HELLO, hello("emcomm-9", GROUND, "520102").build());
        assertEquals("terminal id 'emcomm-9' is the router's own id (receipts and escalations come from it)",
            nextError(routersOwn, ErrorCode.INVALID_TERMINAL_ID).getMessage());

        final EmbeddedChannel badRegion = router.connect();
        send(badRegion, FrameType.HELLO, hello("veh-1", GROUND, "52x").build());
        nextError(badRegion, ErrorCode.INVALID_REGION);

        final EmbeddedChannel badLink = router.connect();
        send(badLink, FrameType.HELLO, hello("veh-1", GROUND, "520102").setLinkProfile("carrier-pigeon").build());
        assertTrue(nextError(badLink, ErrorCode.UNKNOWN_LINK_PROFILE).getMessage().contains("carrier-pigeon"));

        assertEquals(5, router.counters.protocolErrors());
        assertEquals(0, router.table.sessionCount());
    }

    @Test
    void badCredentialsAreRefusedAndCounted() throws Exception
    {
        final String token = TokenHash.newToken();
        final Path terminals = dir.resolve("terminals.txt");
        Files.writeString(terminals, "hh-9 ground 520102001001 " + TokenHash.hash(token) + "\n");
        router(b -> b.security().authMode(AuthMode.TOKEN).terminalsFile(terminals));

        final EmbeddedChannel wrongToken = router.connect();
        send(wrongToken, FrameType.HELLO, hello("hh-9", GROUND, "520102001001").setCredential(TokenHash.newToken()).build());
        final Error e = nextError(wrongToken, ErrorCode.AUTHENTICATION_FAILED);
        assertTrue(e.getFatal());
        assertFalse(e.getMessage().contains(token), "never a secret in the message");
        assertFalse(wrongToken.isOpen());

        final EmbeddedChannel unregistered = router.connect();
        send(unregistered, FrameType.HELLO, hello("hh-10", GROUND, "520102001001").setCredential(token).build());
        nextError(unregistered, ErrorCode.AUTHENTICATION_FAILED);
        assertEquals(2, router.counters.authenticationFailures());
        assertEquals(0, router.table.sessionCount());

        final EmbeddedChannel right = router.connect();
        send(right, FrameType.HELLO, hello("hh-9", GROUND, "520102001001").setCredential(token).build());
        next(right, FrameType.WELCOME, Welcome.parser());
        assertNotNull(router.table.terminal("hh-9"));
    }

    @Test
    void noHelloWithinTheHandshakeTimeoutClosesWithIdleTimeout() throws Exception
    {
        router(b -> b.security().timeouts(3_000, 60_000));
        final EmbeddedChannel ch = router.connect();
        router.advanceMillis(ch, 2_999);
        assertTrue(ch.isOpen(), "still waiting for the HELLO");
        assertNull(nextFrame(ch));

        router.advanceMillis(ch, 1);
        final Error e = nextError(ch, ErrorCode.IDLE_TIMEOUT);
        assertEquals("no HELLO within 3000 ms", e.getMessage());
        assertTrue(e.getFatal());
        assertFalse(ch.isOpen());
    }

    @Test
    void aLoginAnswersWelcomeAndHandsTheConnectionToTheSessionHandler() throws Exception
    {
        router(b -> b.routerId("emcomm-9").maxFrameBytes(4096).heartbeatIntervalMs(7_000).security().timeouts(3_000, 60_000));
        final EmbeddedChannel ch = router.connect();
        final Welcome welcome = login(ch, "veh-1", GROUND, "520102");
        assertEquals(Frames.PROTOCOL_VERSION, welcome.getProtocolVersion());
        assertEquals("emcomm-9", welcome.getRouterId());
        assertEquals(4096, welcome.getMaxFrameBytes());
        assertEquals(7_000, welcome.getHeartbeatIntervalMs());
        assertEquals(3_000, welcome.getHandshakeTimeoutMs());
        assertEquals(60_000, welcome.getIdleTimeoutMs());
        assertFalse(welcome.getReplacedSession());

        assertNull(ch.pipeline().get(HelloHandler.NAME), "the hello handler replaced itself");
        assertNull(ch.pipeline().get(AdmissionHandler.class), "admission leaves once admitted");
        final SessionHandler session = (SessionHandler)ch.pipeline().get(SessionHandler.NAME);
        assertNotNull(session);
        assertSame(session.session(), router.table.terminal("veh-1"));
        assertEquals(1, router.counters.sessionsOpened());

        // the handshake timer was cancelled with the hello phase
        router.advanceMillis(ch, 3_001);
        assertTrue(ch.isOpen());
        assertNull(nextFrame(ch));
    }

    @Test
    void framesPipelinedBehindTheHelloGoToTheSession() throws Exception
    {
        router(b -> { });
        final EmbeddedChannel ch = router.connect();
        final CompositeByteBuf both = ByteBufAllocator.DEFAULT.compositeBuffer();
        final ByteBuf helloFrame = Frames.encode(ByteBufAllocator.DEFAULT, FrameType.HELLO, hello("veh-1", GROUND, "520102").build());
        final ByteBuf subscribeFrame = Frames.encode(ByteBufAllocator.DEFAULT, FrameType.SUBSCRIBE,
            Subscribe.newBuilder().setRequestId(7).addAddresses("channel:flood.>").build());
        both.addComponents(true, helloFrame, subscribeFrame);
        ch.writeInbound(both);
        ch.runPendingTasks();
        next(ch, FrameType.WELCOME, Welcome.parser());
        final SubscriptionAck ack = next(ch, FrameType.SUBSCRIPTION_ACK, SubscriptionAck.parser());
        assertEquals(7, ack.getRequestId());
        assertTrue(ack.getOk(), ack::getDetail);
    }

    @Test
    void aSecondLoginTakesTheTerminalOverAndTheFirstIsToldSessionReplaced() throws Exception
    {
        router(b -> { });
        final EmbeddedChannel first = router.connect();
        login(first, "cp-52", COMMAND_POST, "52");
        final EmbeddedChannel second = router.connect();
        final Welcome welcome = login(second, "cp-52", COMMAND_POST, "52");
        assertTrue(welcome.getReplacedSession());

        first.runPendingTasks();
        final Error e = nextError(first, ErrorCode.SESSION_REPLACED);
        assertTrue(e.getFatal());
        assertTrue(e.getMessage().startsWith("terminal cp-52 logged in again from "), e.getMessage());
        assertFalse(first.isOpen(), "the replaced connection is closed");

        final SessionHandler owner = (SessionHandler)second.pipeline().get(SessionHandler.NAME);
        assertSame(owner.session(), router.table.terminal("cp-52"), "messages for the terminal go to the new session");
        assertTrue(owner.session().feed().ownsTerminal());
        assertEquals(1, router.table.sessionCount(), "the old session left the table when its connection closed");
        assertEquals(2, router.counters.sessionsOpened());
        assertEquals(1, router.counters.sessionsReplaced());
        assertTrue(second.isOpen());
    }

    @Test
    void connectionsOverTheLimitAreRefusedBeforeAnyFrameAndPlacesAreGivenBack() throws Exception
    {
        router(b -> b.security().maxConnections(1));
        final EmbeddedChannel first = router.connect();
        assertEquals(1, router.context.accessControl().connections());

        final EmbeddedChannel refused = router.connect();
        final Error e = nextError(refused, ErrorCode.TOO_MANY_CONNECTIONS);
        assertEquals("the router is at its limit of 1 connections", e.getMessage());
        assertTrue(e.getFatal());
        assertFalse(refused.isOpen());
        assertEquals(1, router.context.accessControl().connections(), "a refused connection holds no place");

        first.close();
        first.runPendingTasks();
        assertEquals(0, router.context.accessControl().connections());
        final EmbeddedChannel next = router.connect();
        login(next, "veh-1", GROUND, "520102");
        assertTrue(next.isOpen());
    }
}
