package io.emcomm.router.net;

import io.emcomm.protocol.wire.DeliveryAck;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.Error;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Heartbeat;
import io.emcomm.protocol.wire.LatestPositionsRequest;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.PublishAck;
import io.emcomm.protocol.wire.ReplayEnd;
import io.emcomm.protocol.wire.ReplayRequest;
import io.emcomm.protocol.wire.Subscribe;
import io.emcomm.protocol.wire.SubscriptionAck;
import io.emcomm.protocol.wire.Text;
import io.emcomm.protocol.wire.Unsubscribe;
import io.emcomm.protocol.wire.Welcome;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.testing.LeakWatch;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
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
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The logged-in phase of a connection (protocol.md sections 3, 4, 6, 8, 9 and 10), driven directly on an
 * {@link EmbeddedChannel} whose pipeline is the router's own, with Netty's time moved by the test.
 */
@Timeout(30)
@ExtendWith(LeakWatch.class)
class SessionHandlerTest
{
    @TempDir
    Path dir;

    private ConnectionFixture router;

    private EmbeddedChannel loggedIn(final Consumer<RouterConfig.Builder> settings) throws Exception
    {
        router = new ConnectionFixture(dir, settings);
        final EmbeddedChannel ch = router.connect();
        login(ch, "cp-52", COMMAND_POST, "52");
        return ch;
    }

    @AfterEach
    void close()
    {
        if (router != null)
        {
            router.close();
        }
    }

    private static SubscriptionAck subscribe(final EmbeddedChannel ch, final long requestId, final String... addresses)
    {
        send(ch, FrameType.SUBSCRIBE, Subscribe.newBuilder().setRequestId(requestId).addAllAddresses(List.of(addresses)).build());
        final SubscriptionAck ack = next(ch, FrameType.SUBSCRIPTION_ACK, SubscriptionAck.parser());
        assertEquals(requestId, ack.getRequestId());
        return ack;
    }

    @Test
    void subscribeAndUnsubscribeAreAnsweredAndKeptForTheTerminal() throws Exception
    {
        final EmbeddedChannel ch = loggedIn(b -> { });
        assertTrue(subscribe(ch, 1, "channel:flood.>", "channel:ops.5201.*").getOk());
        final var terminal = router.context.cursors().terminal("cp-52", 0);
        assertEquals(2, terminal.subscriptions().length);

        send(ch, FrameType.UNSUBSCRIBE, Unsubscribe.newBuilder().setRequestId(2).addAddresses("channel:flood.>").build());
        final SubscriptionAck ack = next(ch, FrameType.SUBSCRIPTION_ACK, SubscriptionAck.parser());
        assertEquals(2, ack.getRequestId());
        assertTrue(ack.getOk());
        assertEquals("ops.5201.*", terminal.subscriptions()[0].pattern());
        assertEquals(1, terminal.subscriptions().length);
        assertEquals(0, router.counters.protocolErrors());
    }

    @Test
    void aBadSubscriptionIsRefusedWholeWithTheProblem() throws Exception
    {
        final EmbeddedChannel ch = loggedIn(b -> b.security().maxSubscriptions(2));
        SubscriptionAck ack = subscribe(ch, 1);
        assertFalse(ack.getOk());
        assertEquals("no addresses", ack.getDetail());

        ack = subscribe(ch, 2, "channel:flood.>", "region:52");
        assertFalse(ack.getOk());
        assertEquals("only channel:<pattern> subscriptions are supported ('region:52'); terminals receive region and up: "
            + "traffic by the region they registered", ack.getDetail());

        ack = subscribe(ch, 3, "channel:flood.>.x");
        assertFalse(ack.getOk());
        assertFalse(ack.getDetail().isEmpty());

        ack = subscribe(ch, 4, "channel:a", "channel:b", "channel:c");
        assertFalse(ack.getOk());
        assertEquals("more than 2 subscriptions for one terminal (3)", ack.getDetail());

        assertEquals(0, router.context.cursors().terminal("cp-52", 0).subscriptions().length, "nothing applied");
        assertEquals(4, router.counters.protocolErrors());
        assertTrue(ch.isOpen());
    }

    @Test
    void malformedAndMisplacedFramesGetANonFatalErrorAndTheSessionCarriesOn() throws Exception
    {
        final EmbeddedChannel ch = loggedIn(b -> { });
        sendRaw(ch, new byte[] {0, 0, 0, 1, 99});
        assertEquals("unknown frame type 99", nextError(ch, ErrorCode.MALFORMED_FRAME).getMessage());

        sendRaw(ch, new byte[] {0, 0, 0, 3, (byte)FrameType.SUBSCRIBE_VALUE, 0x12, 0x10});
        assertTrue(nextError(ch, ErrorCode.MALFORMED_FRAME).getMessage().startsWith("SUBSCRIBE does not parse: "));

        sendRaw(ch, new byte[] {0, 0, 0, 3, (byte)FrameType.UNSUBSCRIBE_VALUE, 0x12, 0x10});
        assertTrue(nextError(ch, ErrorCode.MALFORMED_FRAME).getMessage().startsWith("UNSUBSCRIBE does not parse: "));

        send(ch, FrameType.DELIVERY_ACK, DeliveryAck.getDefaultInstance());
        assertEquals("DELIVERY_ACK carries neither a journal_index nor a through_delivery_seq",
            nextError(ch, ErrorCode.MALFORMED_FRAME).getMessage());

        sendRaw(ch, new byte[] {0, 0, 0, 3, (byte)FrameType.DELIVERY_ACK_VALUE, 0x08, (byte)0x80});
        assertEquals("DELIVERY_ACK does not parse", nextError(ch, ErrorCode.MALFORMED_FRAME).getMessage());

        // field 3 (unknown, as from a newer client) before field 1: skipped, field 1 still read
        sendRaw(ch, new byte[] {0, 0, 0, 6, (byte)FrameType.DELIVERY_ACK_VALUE, 0x18, 0x07, 0x08, (byte)0x80, 0x20});
        assertEquals("journal index 4096 (0x1000) was never delivered to cp-52",
            nextError(ch, ErrorCode.BAD_DELIVERY_ACK).getMessage());

        // uint64 values of 2^63 and more are above anything sent, not silently ignored
        send(ch, FrameType.DELIVERY_ACK, DeliveryAck.newBuilder().setThroughDeliverySeq(-1L).build());
        assertEquals("through_delivery_seq 18446744073709551615 is above 0, the last delivery_seq sent to cp-52 on this"
            + " connection", nextError(ch, ErrorCode.BAD_DELIVERY_ACK).getMessage());
        send(ch, FrameType.DELIVERY_ACK, DeliveryAck.newBuilder().setJournalIndex(Long.MIN_VALUE).build());
        assertEquals("journal index 9223372036854775808 (0x8000000000000000) was never delivered to cp-52",
            nextError(ch, ErrorCode.BAD_DELIVERY_ACK).getMessage());

        send(ch, FrameType.DELIVERY_ACK, DeliveryAck.newBuilder().setJournalIndex(4096).build());
        assertEquals("journal index 4096 (0x1000) was never delivered to cp-52",
            nextError(ch, ErrorCode.BAD_DELIVERY_ACK).getMessage());

        send(ch, FrameType.WELCOME, Welcome.getDefaultInstance());
        assertEquals("WELCOME is a router-to-client frame", nextError(ch, ErrorCode.UNEXPECTED_FRAME).getMessage());

        send(ch, FrameType.HELLO, hello("cp-52", COMMAND_POST, "52").build());
        final Error duplicate = nextError(ch, ErrorCode.DUPLICATE_HELLO);
        assertEquals("HELLO on an established session is ignored", duplicate.getMessage());
        assertFalse(duplicate.getFatal());

        assertTrue(ch.isOpen());
        assertEquals(11, router.counters.protocolErrors());
        assertTrue(subscribe(ch, 9, "channel:still.here").getOk(), "the session carries on");
    }

    @Test
    void aHeartbeatIsAnsweredWithTheRoutersClock() throws Exception
    {
        final EmbeddedChannel ch = loggedIn(b -> { });
        router.clock.advanceMillis(1_234);
        send(ch, FrameType.HEARTBEAT, Heartbeat.newBuilder().setSentAtMicros(5).build());
        assertEquals(router.clock.getAsLong(), next(ch, FrameType.HEARTBEAT, Heartbeat.parser()).getSentAtMicros());
    }

    @Test
    void aPublishIsAckedAndItsDuplicateToo() throws Exception
    {
        final EmbeddedChannel ch = loggedIn(b -> { });
        final Envelope envelope = Envelope.newBuilder().setOrigin("cp-52").setOriginSequence(1).setPrecedence(Precedence.ROUTINE)
            .setCreatedAtMicros(router.clock.getAsLong()).addTo("channel:flood.5201")
            .setText(Text.newBuilder().setText("water rising")).build();
        send(ch, FrameType.PUBLISH, envelope);
        send(ch, FrameType.PUBLISH, envelope);
        final PublishAck first = next(ch, FrameType.PUBLISH_ACK, PublishAck.parser());
        final PublishAck again = next(ch, FrameType.PUBLISH_ACK, PublishAck.parser());
        assertEquals(1, first.getOriginSequence());
        assertFalse(first.getDuplicate());
        assertTrue(again.getDuplicate());
        assertEquals(first.getJournalIndex(), again.getJournalIndex());
    }

    @Test
    void replayAndLatestPositionsRequestsAreCheckedAndEndWithReplayEnd() throws Exception
    {
        final EmbeddedChannel ch = loggedIn(b -> { });
        send(ch, FrameType.LATEST_POSITIONS_REQUEST, LatestPositionsRequest.newBuilder().setRegionCode("52").build());
        assertEquals("request_id must not be 0", nextError(ch, ErrorCode.BAD_REPLAY_REQUEST).getMessage());

        send(ch, FrameType.LATEST_POSITIONS_REQUEST, LatestPositionsRequest.newBuilder().setRequestId(3).build());
        final ReplayEnd positions = next(ch, FrameType.REPLAY_END, ReplayEnd.parser());
        assertEquals(3, positions.getRequestId());
        assertEquals(0, positions.getCount());

        send(ch, FrameType.REPLAY_REQUEST, ReplayRequest.newBuilder().setRequestId(4).build());
        ch.runPendingTasks();
        final ReplayEnd replay = next(ch, FrameType.REPLAY_END, ReplayEnd.parser());
        assertEquals(4, replay.getRequestId());
        assertEquals(0, replay.getCount());
        assertTrue(ch.isOpen());
    }

    @Test
    void nothingReceivedForTheIdleTimeoutEndsTheSession() throws Exception
    {
        final EmbeddedChannel ch = loggedIn(b -> b.security().timeouts(10_000, 5_000));
        router.advanceMillis(ch, 4_000);
        send(ch, FrameType.HEARTBEAT, Heartbeat.getDefaultInstance());
        next(ch, FrameType.HEARTBEAT, Heartbeat.parser());
        router.advanceMillis(ch, 4_000);
        assertTrue(ch.isOpen(), "the heartbeat reset the idle timer");
        assertNull(nextFrame(ch));

        router.advanceMillis(ch, 1_001);
        final Error e = nextError(ch, ErrorCode.IDLE_TIMEOUT);
        assertEquals("nothing received for 5000 ms (send HEARTBEAT)", e.getMessage());
        assertTrue(e.getFatal());
        assertFalse(ch.isOpen());
    }

    @Test
    void aClosedConnectionLeavesTheRoutingTableAndGivesItsPlaceBack() throws Exception
    {
        final EmbeddedChannel ch = loggedIn(b -> { });
        assertTrue(subscribe(ch, 1, "channel:flood.>").getOk());
        assertEquals(1, router.table.sessionCount());
        assertEquals(1, router.context.accessControl().connections());

        ch.close();
        ch.runPendingTasks();
        assertNull(router.table.terminal("cp-52"));
        assertEquals(0, router.table.sessionCount());
        assertEquals(0, router.context.accessControl().connections());

        // subscriptions belong to the terminal id: the next login has them again
        final EmbeddedChannel again = router.connect();
        login(again, "cp-52", COMMAND_POST, "52");
        assertArrayEquals(new String[] {"flood.>"}, java.util.Arrays.stream(router.context.cursors().terminal("cp-52", 0)
            .subscriptions()).map(p -> p.pattern()).toArray(String[]::new));
        send(again, FrameType.HEARTBEAT, Heartbeat.getDefaultInstance());
        next(again, FrameType.HEARTBEAT, Heartbeat.parser());
    }

    @Test
    void withoutAuthenticationAnyTerminalMayAskForLatestPositions() throws Exception
    {
        router = new ConnectionFixture(dir, b -> { });
        final EmbeddedChannel ch = router.connect();
        login(ch, "veh-1", GROUND, "520102");
        // without authentication anyone may ask (protocol.md 8.2)
        send(ch, FrameType.LATEST_POSITIONS_REQUEST, LatestPositionsRequest.newBuilder().setRequestId(5).build());
        assertEquals(5, next(ch, FrameType.REPLAY_END, ReplayEnd.parser()).getRequestId());
    }
}
