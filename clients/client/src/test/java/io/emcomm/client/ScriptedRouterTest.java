package io.emcomm.client;

import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.Error;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.ReplayRequest;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Welcome;
import io.emcomm.testing.LeakWatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client against a scripted fake router ({@link ScriptedRouter}), for what a real router does not do at a
 * moment a test can choose: SESSION_REPLACED while a publish, a subscription and a replay are unanswered, and
 * frames exactly at the limit the WELCOME implies and one byte past it.
 */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class ScriptedRouterTest
{
    private static final long WAIT_S = 10;

    private ScriptedRouter router;
    private EmcommClient client;

    @AfterEach
    void close() throws Exception
    {
        if (client != null)
        {
            client.close();
        }
        if (router != null)
        {
            router.close();
        }
    }

    private ClientOptions.Builder options(final ConnectionEvents events)
    {
        return ClientOptions.builder().router("127.0.0.1", router.port()).terminal("cp-5201", TerminalKind.COMMAND_POST, "5201")
            .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200)).connectionListener(events);
    }

    /** Connects in the background and answers the HELLO with {@code welcome} plus {@code after} in the same write. */
    private EmcommClient login(final ClientOptions.Builder options, final Welcome welcome, final byte[]... after) throws Exception
    {
        final CompletableFuture<EmcommClient> connecting = CompletableFuture.supplyAsync(() -> EmcommClient.connect(options.build()));
        router.accept();
        router.expect(FrameType.HELLO);
        final byte[][] frames = new byte[after.length + 1][];
        frames[0] = ScriptedRouter.frame(FrameType.WELCOME, welcome);
        System.arraycopy(after, 0, frames, 1, after.length);
        router.send(frames);
        return connecting.get(WAIT_S, TimeUnit.SECONDS);
    }

    @Test
    void sessionReplacedFailsEveryOutstandingRequestWithTheRoutersWords() throws Exception
    {
        router = new ScriptedRouter();
        final ConnectionEvents events = new ConnectionEvents();
        client = login(options(events), Welcome.newBuilder().setProtocolVersion(1).setMaxFrameBytes(65_536).build());
        events.expect(ConnectionState.CONNECTED);

        final CompletableFuture<PublishResult> publish = client.publish(Message.text("on scene").to("up:5201"));
        router.expect(FrameType.PUBLISH);
        final CompletableFuture<Void> subscribe = client.subscribe("flood.>");
        router.expect(FrameType.SUBSCRIBE);
        final CompletableFuture<ReplayResult> replay = client.replay(ReplayRequest.getDefaultInstance());
        router.expect(FrameType.REPLAY_REQUEST);

        final String words = "terminal cp-5201 logged in again from /10.52.0.77:41234";
        router.send(ScriptedRouter.frame(FrameType.ERROR,
            Error.newBuilder().setCode(ErrorCode.SESSION_REPLACED).setMessage(words).setFatal(true).build()));

        final ConnectionEvents.Event replaced = events.expect(ConnectionState.REPLACED);
        assertEquals("session replaced by another login: " + words, replaced.cause().getMessage());
        for (final CompletableFuture<?> outstanding : List.of(publish, subscribe, replay))
        {
            final Throwable cause = assertThrows(ExecutionException.class, () -> outstanding.get(WAIT_S, TimeUnit.SECONDS)).getCause();
            assertEquals(replaced.cause(), assertInstanceOf(SessionReplacedException.class, cause));
        }
        assertTrue(router.peerClosed(), "the client closed its end");
        assertEquals(1, router.accepted(), "and did not come back");
        assertEquals(List.of(), events.pending(), "no reconnect attempt was announced");
    }

    /**
     * protocol.md §1: frames from the router may be up to max_frame_bytes + 128. The first DELIVERY comes in the
     * same write as the WELCOME, so the client must accept it before it has handled the WELCOME.
     */
    @ParameterizedTest
    @ValueSource(ints = {Frames.MIN_MAX_FRAME_BYTES, Frames.DEFAULT_MAX_FRAME_BYTES, 262_144})
    void framesUpToTheAnnouncedLimitPlusTheAllowanceArriveOneByteMoreIsRefused(final int maxFrameBytes) throws Exception
    {
        router = new ScriptedRouter();
        final ConnectionEvents events = new ConnectionEvents();
        final BlockingQueue<Delivery> received = new LinkedBlockingQueue<>();
        final int limit = maxFrameBytes + Frames.ROUTER_FRAME_ALLOWANCE;
        client = login(options(events).deliveryListener(received::add),
            Welcome.newBuilder().setProtocolVersion(1).setMaxFrameBytes(maxFrameBytes).build(),
            ScriptedRouter.frame(FrameType.DELIVERY, FrameSizes.deliveryOfFrameLength(limit, 1)));
        events.expect(ConnectionState.CONNECTED);
        final Delivery first = received.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(first, "a DELIVERY of exactly max_frame_bytes + 128 arrives");
        assertEquals(1, first.journalIndex());

        router.send(ScriptedRouter.frame(FrameType.DELIVERY, FrameSizes.deliveryOfFrameLength(limit, 2)));
        assertEquals(2, received.poll(WAIT_S, TimeUnit.SECONDS).journalIndex(), "also after the WELCOME was handled");

        try
        {
            router.send(ScriptedRouter.frame(FrameType.DELIVERY, FrameSizes.deliveryOfFrameLength(limit + 1, 3)));
        }
        catch (final java.net.SocketException expected)
        {
            // the client closes as soon as it has read the length; the rest of a large write then meets a reset
        }
        final ConnectionEvents.Event down = events.expect(ConnectionState.DISCONNECTED);
        assertEquals("connection to the router at 127.0.0.1:" + router.port() + " lost: the router sent a frame longer than its "
            + "WELCOME allows: frame length " + (limit + 1) + " exceeds the maximum of " + limit + " bytes", down.cause().getMessage());
        assertTrue(received.isEmpty(), "the oversized frame was not delivered");
    }

    @Test
    void aPublishLargerThanTheAnnouncedLimitFailsWithoutBeingSent() throws Exception
    {
        router = new ScriptedRouter();
        final ConnectionEvents events = new ConnectionEvents();
        client = login(options(events), Welcome.newBuilder().setProtocolVersion(1).setMaxFrameBytes(2_000).build());
        events.expect(ConnectionState.CONNECTED);

        final CompletableFuture<PublishResult> tooLarge = client.publish(FrameSizes.publishOfFrameLength(2_001, "cp-5201", 1, "up:5201"));
        final EmcommException refused = assertInstanceOf(EmcommException.class,
            assertThrows(ExecutionException.class, () -> tooLarge.get(WAIT_S, TimeUnit.SECONDS)).getCause());
        assertEquals(ErrorCode.FRAME_TOO_LARGE, refused.errorCode());
        assertEquals("message too large: its PUBLISH frame would be 2001 bytes, the router at 127.0.0.1:" + router.port()
            + " accepts at most 2000 (max_frame_bytes in its WELCOME)", refused.getMessage());

        client.publish(FrameSizes.publishOfFrameLength(2_000, "cp-5201", 1, "up:5201"));
        final byte[] sent = router.expect(FrameType.PUBLISH);
        assertEquals(2_000, 1 + sent.length, "the next frame on the wire is the one at the limit");
        assertEquals(1, io.emcomm.protocol.wire.Envelope.parseFrom(sent).getOriginSequence(), "the refused one used no sequence");
    }
}
