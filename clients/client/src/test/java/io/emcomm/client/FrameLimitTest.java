package io.emcomm.client;

import io.emcomm.router.config.RouterConfig;
import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.Router;
import io.emcomm.testing.LeakWatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * The router's frame limit, end to end with a real router: the largest envelope the router accepts reaches a
 * listening Java client (whose DELIVERY is longer than the limit, protocol.md §1), and one byte more is refused
 * at publish with a clear error instead of costing the connection (issue 12, kind 4).
 */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class FrameLimitTest
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

    private Router router(final String name, final int maxFrameBytes, final int port)
    {
        return track(Router.start(new Router.Context()
                .config(RouterConfig.loopback(dir.resolve(name)).maxFrameBytes(maxFrameBytes).port(port).build())));
    }

    private EmcommClient connect(final Router router, final String id, final ClientOptions.Builder extra)
    {
        return track(EmcommClient.connect(extra.router("127.0.0.1", router.port())
            .terminal(id, id.startsWith("cp-") ? TerminalKind.COMMAND_POST : TerminalKind.GROUND, "5201")
            .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200)).build()));
    }

    @ParameterizedTest
    @ValueSource(ints = {Frames.DEFAULT_MAX_FRAME_BYTES, 4_096, 262_144})
    void theLargestAcceptedEnvelopeIsDeliveredAndOneByteMoreIsRefusedAtPublish(final int maxFrameBytes) throws Exception
    {
        final Router router = router("data", maxFrameBytes, 0);
        final ConnectionEvents listenerEvents = new ConnectionEvents();
        final BlockingQueue<Delivery> received = new LinkedBlockingQueue<>();
        connect(router, "cp-5201", ClientOptions.builder().deliveryListener(received::add).connectionListener(listenerEvents));
        listenerEvents.expect(ConnectionState.CONNECTED);
        final ConnectionEvents publisherEvents = new ConnectionEvents();
        final EmcommClient veh = connect(router, "veh-big", ClientOptions.builder().connectionListener(publisherEvents));
        publisherEvents.expect(ConnectionState.CONNECTED);

        final Message largest = FrameSizes.publishOfFrameLength(maxFrameBytes, "veh-big", 1, "terminal:cp-5201");
        final PublishResult acked = veh.publish(largest).get(WAIT_S, TimeUnit.SECONDS);
        final Delivery delivered = received.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(delivered, "the largest envelope reaches the listening client");
        assertEquals(acked.journalIndex(), delivered.journalIndex());
        assertEquals(maxFrameBytes - 1, delivered.envelope().getSerializedSize(), "the envelope fills the frame to the byte");

        final CompletableFuture<PublishResult> oneMore = veh.publish(FrameSizes.publishOfFrameLength(maxFrameBytes + 1, "veh-big", 2, "terminal:cp-5201"));
        final EmcommException refused = assertInstanceOf(EmcommException.class,
            assertThrows(ExecutionException.class, () -> oneMore.get(WAIT_S, TimeUnit.SECONDS)).getCause());
        assertEquals(ErrorCode.FRAME_TOO_LARGE, refused.errorCode());
        assertEquals("message too large: its PUBLISH frame would be " + (maxFrameBytes + 1) + " bytes, the router at 127.0.0.1:"
            + router.port() + " accepts at most " + maxFrameBytes + " (max_frame_bytes in its WELCOME)", refused.getMessage());

        final PublishResult after = veh.publish(Message.text("still here").to("terminal:cp-5201")).get(WAIT_S, TimeUnit.SECONDS);
        assertEquals(2, after.originSequence(), "the refused publish was never sent");
        assertEquals("still here", received.poll(WAIT_S, TimeUnit.SECONDS).envelope().getText().getText());
        assertEquals(2, router.counters().journaled());
        assertEquals(List.of(), listenerEvents.pending(), "the listener never lost its connection");
        assertEquals(List.of(), publisherEvents.pending(), "nor did the publisher");
    }

    /** The input of issue 12 kind 4: the client used to reconnect forever on this delivery (137 times in 15 s). */
    @Test
    void aTextOf65470CharactersReachesAListeningTerminalOnce() throws Exception
    {
        final Router router = router("data", Frames.DEFAULT_MAX_FRAME_BYTES, 0);
        final ConnectionEvents events = new ConnectionEvents();
        final BlockingQueue<Delivery> received = new LinkedBlockingQueue<>();
        connect(router, "cp-5201", ClientOptions.builder().deliveryListener(received::add).connectionListener(events));
        events.expect(ConnectionState.CONNECTED);
        final EmcommClient veh = connect(router, "veh-long", ClientOptions.builder());

        final String text = "w".repeat(65_470);
        final PublishResult acked = veh.publish(Message.text(text).to("terminal:cp-5201")).get(WAIT_S, TimeUnit.SECONDS);
        final PublishResult next = veh.publish(Message.text("behind it").to("terminal:cp-5201")).get(WAIT_S, TimeUnit.SECONDS);

        final Delivery first = received.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(first);
        assertEquals(acked.journalIndex(), first.journalIndex());
        assertEquals(text, first.envelope().getText().getText());
        final Delivery second = received.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(second, "the queue moves on behind the long message");
        assertEquals(next.journalIndex(), second.journalIndex());
        assertEquals(List.of(), events.pending(), "no disconnect, no reconnect");
        assertTrue(received.isEmpty(), "each delivered once");
    }

    @Test
    void aPublishAcceptedUnderALargerLimitFailsWhenTheRouterComesBackWithASmallerOne() throws Exception
    {
        final Router large = router("large", 262_144, 0);
        final int port = large.port();
        final ConnectionEvents events = new ConnectionEvents();
        final EmcommClient veh = connect(large, "veh-shrink", ClientOptions.builder().connectionListener(events));
        events.expect(ConnectionState.CONNECTED);

        resources.remove(large);
        large.close();
        events.expect(ConnectionState.DISCONNECTED);
        final CompletableFuture<PublishResult> big = veh.publish(FrameSizes.publishOfFrameLength(100_000, "veh-shrink", 1, "up:5201"));
        final CompletableFuture<PublishResult> small = veh.publish(Message.text("small").to("up:5201"));

        final Router standard = router("standard", Frames.DEFAULT_MAX_FRAME_BYTES, port);
        final EmcommException refused = assertInstanceOf(EmcommException.class,
            assertThrows(ExecutionException.class, () -> big.get(WAIT_S, TimeUnit.SECONDS)).getCause());
        assertEquals(ErrorCode.FRAME_TOO_LARGE, refused.errorCode());
        assertTrue(refused.getMessage().contains("would be 100000 bytes") && refused.getMessage().contains("accepts at most 65536"),
            refused.getMessage());
        assertEquals(2, small.get(WAIT_S, TimeUnit.SECONDS).originSequence(), "the rest is sent, on the same connection");
        assertEquals(ConnectionState.CONNECTED, veh.state());
        assertEquals(1, standard.counters().journaled());
        ConnectionEvents.Event e = events.next();
        while (e.state() == null)
        {
            e = events.next();
        }
        assertEquals(ConnectionState.CONNECTED, e.state());
        assertEquals(List.of(), events.pending(), "connected once, not dropped for the large publish");
    }
}
