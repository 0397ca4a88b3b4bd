package io.emcomm.client;

import io.emcomm.testing.RouterProtocolMock;
import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.Error;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.NackReason;
import io.emcomm.protocol.wire.PublishAck;
import io.emcomm.protocol.wire.PublishNack;
import io.emcomm.protocol.wire.ReplayRequest;
import io.emcomm.protocol.wire.Subscribe;
import io.emcomm.protocol.wire.SubscriptionAck;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.testing.LeakWatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole client against {@link RouterProtocolMock}, a fake router on loopback that plays a script per
 * connection: reconnects with backoff and the resend of an unanswered publish, acks and nacks matched to their
 * publishes, a replaced session that does not come back, the frame limit a WELCOME sets in both directions, and
 * non-fatal errors answering the oldest request of their kind.
 */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class RouterProtocolMockTest
{
    private static final long WAIT_S = 10;

    private RouterProtocolMock router;
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
            router.close(); // fails the test when a script failed
        }
    }

    private ClientOptions.Builder options(final ConnectionEvents events)
    {
        return ClientOptions.builder().router("127.0.0.1", router.port()).terminal("uav-7", TerminalKind.AIR, "520102")
            .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200)).connectionListener(events);
    }

    private static byte[] ack(final long sequence, final long journalIndex)
    {
        return RouterProtocolMock.frame(FrameType.PUBLISH_ACK,
            PublishAck.newBuilder().setOrigin("uav-7").setOriginSequence(sequence).setJournalIndex(journalIndex).build());
    }

    @Test
    void aPublishNackedJournalUnavailableComesAgainWithItsSequenceAndTheDuplicateAckCompletesIt() throws Exception
    {
        final BlockingQueue<Envelope> seen = new LinkedBlockingQueue<>();
        router = new RouterProtocolMock(c ->
        {
            c.welcome(65_536);
            final Envelope first = c.expect(FrameType.PUBLISH, Envelope::parseFrom);
            seen.add(first);
            c.send(RouterProtocolMock.frame(FrameType.PUBLISH_NACK, PublishNack.newBuilder().setOrigin("uav-7")
                .setOriginSequence(first.getOriginSequence()).setReason(NackReason.JOURNAL_UNAVAILABLE)
                .setDetail("Kafka: delivery timed out").build()));
            final Envelope again = c.expect(FrameType.PUBLISH, Envelope::parseFrom);
            seen.add(again);
            c.send(RouterProtocolMock.frame(FrameType.PUBLISH_ACK, PublishAck.newBuilder().setOrigin("uav-7")
                .setOriginSequence(again.getOriginSequence()).setJournalIndex(7).setDuplicate(true).build()));
            c.awaitClientClose();
        });
        final ConnectionEvents events = new ConnectionEvents();
        client = EmcommClient.connect(options(events).build());
        events.expect(ConnectionState.CONNECTED);

        final PublishResult result = client.publish(Message.text("on scene").to("up:520102")).get(WAIT_S, TimeUnit.SECONDS);
        assertEquals(7, result.journalIndex());
        assertTrue(result.duplicate());
        final Envelope first = seen.poll(WAIT_S, TimeUnit.SECONDS);
        assertEquals(first, seen.poll(WAIT_S, TimeUnit.SECONDS), "the same envelope, origin sequence and stamp included");
        assertEquals(1, first.getOriginSequence());
    }

    @Test
    void aLostConnectionIsRetriedWithBackoffAndTheUnansweredPublishGoesAgainWithItsSequence() throws Exception
    {
        final BlockingQueue<Long> sequencesSeen = new LinkedBlockingQueue<>();
        router = new RouterProtocolMock(
            first ->
            {
                first.welcome(65_536);
                sequencesSeen.add(first.expect(FrameType.PUBLISH, Envelope::parseFrom).getOriginSequence());
                first.close(); // before the ack
            },
            second ->
            {
                second.expect(FrameType.HELLO, io.emcomm.protocol.wire.Hello::parseFrom);
                second.close(); // a router that drops the login
            },
            third ->
            {
                third.welcome(65_536);
                final Envelope again = third.expect(FrameType.PUBLISH, Envelope::parseFrom);
                sequencesSeen.add(again.getOriginSequence());
                third.send(RouterProtocolMock.frame(FrameType.PUBLISH_ACK, PublishAck.newBuilder().setOrigin("uav-7")
                    .setOriginSequence(again.getOriginSequence()).setJournalIndex(7).setDuplicate(true).build()));
            });
        final ConnectionEvents events = new ConnectionEvents();
        client = EmcommClient.connect(options(events).build());
        events.expect(ConnectionState.CONNECTED);

        final CompletableFuture<PublishResult> publish = client.publish(Message.text("on scene").to("up:520102"));
        assertEquals(1, sequencesSeen.poll(WAIT_S, TimeUnit.SECONDS));
        assertTrue(events.expect(ConnectionState.DISCONNECTED).cause().getMessage()
            .startsWith("connection to the router at 127.0.0.1:" + router.port() + " lost"));
        events.expectReconnecting(1);
        assertEquals("the router at 127.0.0.1:" + router.port() + " closed the connection before welcoming terminal uav-7"
            + " (if its terminal port uses TLS, give the client the router's CA)", events.expectReconnecting(2).cause().getMessage());
        events.expect(ConnectionState.CONNECTED);

        final PublishResult result = publish.get(WAIT_S, TimeUnit.SECONDS);
        assertEquals(1, sequencesSeen.poll(WAIT_S, TimeUnit.SECONDS), "sent again with the same sequence");
        assertEquals(1, result.originSequence());
        assertEquals(7, result.journalIndex());
        assertTrue(result.duplicate());
        assertEquals(3, router.accepted());
        assertEquals(List.of(), events.pending());
    }

    @Test
    void acksAndNacksAnswerTheirOwnPublishWhateverTheOrderTheyArriveIn() throws Exception
    {
        router = new RouterProtocolMock(c ->
        {
            c.welcome(65_536);
            for (int i = 1; i <= 3; i++)
            {
                assertEquals(i, c.expect(FrameType.PUBLISH, Envelope::parseFrom).getOriginSequence());
            }
            c.send(ack(3, 300), RouterProtocolMock.frame(FrameType.PUBLISH_NACK, PublishNack.newBuilder().setOrigin("uav-7")
                .setOriginSequence(1).setReason(NackReason.NO_DESTINATION).setDetail("to is empty").build()), ack(2, 200));
        });
        client = EmcommClient.connect(options(new ConnectionEvents()).build());
        final List<CompletableFuture<PublishResult>> sent = new ArrayList<>();
        for (int i = 1; i <= 3; i++)
        {
            sent.add(client.publish(Message.text("m" + i).to("up:520102")));
        }

        assertEquals(300, sent.get(2).get(WAIT_S, TimeUnit.SECONDS).journalIndex());
        assertEquals(200, sent.get(1).get(WAIT_S, TimeUnit.SECONDS).journalIndex());
        final PublishRejectedException nack = assertInstanceOf(PublishRejectedException.class,
            assertThrows(ExecutionException.class, () -> sent.get(0).get(WAIT_S, TimeUnit.SECONDS)).getCause());
        assertEquals(NackReason.NO_DESTINATION, nack.reason());
        assertEquals(1, nack.originSequence());
    }

    @Test
    void aReplacedSessionEndsInReplacedAndDoesNotComeBack() throws Exception
    {
        final String words = "terminal uav-7 logged in again from /10.52.0.77:41234";
        router = new RouterProtocolMock(c ->
        {
            c.welcome(65_536);
            c.send(RouterProtocolMock.frame(FrameType.ERROR,
                Error.newBuilder().setCode(ErrorCode.SESSION_REPLACED).setMessage(words).setFatal(true).build()));
            assertTrue(c.awaitClientClose(), "the client closes its end");
        });
        final ConnectionEvents events = new ConnectionEvents();
        client = EmcommClient.connect(options(events).build());
        events.expect(ConnectionState.CONNECTED);

        final ConnectionEvents.Event replaced = events.expect(ConnectionState.REPLACED);
        assertEquals("session replaced by another login: " + words, replaced.cause().getMessage());
        assertEquals(ConnectionState.REPLACED, client.state());
        final CompletableFuture<PublishResult> after = client.publish(Message.text("still here?").to("up:520102"));
        assertSame(replaced.cause(), assertThrows(ExecutionException.class, () -> after.get(WAIT_S, TimeUnit.SECONDS)).getCause());
        client.close();
        assertEquals(1, router.accepted(), "no reconnect");
        assertEquals(List.of(), events.pending(), "no reconnect attempt was announced, and close after the end says nothing");
    }

    @Test
    void theWelcomesFrameLimitBoundsWhatTheClientSendsAndWhatItAccepts() throws Exception
    {
        final int max = Frames.MIN_MAX_FRAME_BYTES;
        final int inbound = max + Frames.ROUTER_FRAME_ALLOWANCE;
        final BlockingQueue<Integer> publishedFrames = new LinkedBlockingQueue<>();
        router = new RouterProtocolMock(c ->
        {
            c.welcome(max, RouterProtocolMock.frame(FrameType.DELIVERY, FrameSizes.deliveryOfFrameLength(inbound, 1)));
            publishedFrames.add(1 + c.expect(FrameType.PUBLISH, ByteBuffer::remaining));
            c.send(RouterProtocolMock.frame(FrameType.DELIVERY, FrameSizes.deliveryOfFrameLength(inbound + 1, 2)));
        });
        final ConnectionEvents events = new ConnectionEvents();
        final BlockingQueue<Delivery> received = new LinkedBlockingQueue<>();
        client = EmcommClient.connect(options(events).deliveryListener(received::add).build());
        events.expect(ConnectionState.CONNECTED);
        final Delivery first = received.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(first, "a DELIVERY of max_frame_bytes + 128 in the WELCOME's segment arrives");
        assertEquals(1, first.journalIndex());

        final CompletableFuture<PublishResult> tooLarge = client.publish(FrameSizes.publishOfFrameLength(max + 1, "uav-7", 1, "up:520102"));
        final EmcommException refused = assertInstanceOf(EmcommException.class,
            assertThrows(ExecutionException.class, () -> tooLarge.get(WAIT_S, TimeUnit.SECONDS)).getCause());
        assertEquals(ErrorCode.FRAME_TOO_LARGE, refused.errorCode());
        client.publish(FrameSizes.publishOfFrameLength(max, "uav-7", 1, "up:520102"));
        assertEquals(max, publishedFrames.poll(WAIT_S, TimeUnit.SECONDS), "the frame at the limit is sent");

        assertEquals("connection to the router at 127.0.0.1:" + router.port() + " lost: the router sent a frame longer than its "
            + "WELCOME allows: frame length " + (inbound + 1) + " exceeds the maximum of " + inbound + " bytes",
            events.expect(ConnectionState.DISCONNECTED).cause().getMessage());
        assertTrue(received.isEmpty(), "the oversized frame was not delivered");
    }

    @Test
    void aNonFatalErrorAnswersTheOldestRequestOfItsKindAndTheSessionGoesOn() throws Exception
    {
        router = new RouterProtocolMock(c ->
        {
            c.welcome(65_536);
            c.expect(FrameType.SUBSCRIBE, Subscribe::parseFrom);
            final Subscribe second = c.expect(FrameType.SUBSCRIBE, Subscribe::parseFrom);
            c.expect(FrameType.REPLAY_REQUEST, ReplayRequest::parseFrom);
            c.send(RouterProtocolMock.frame(FrameType.ERROR, Error.newBuilder().setCode(ErrorCode.BAD_ADDRESS_PATTERN)
                    .setMessage("no such pattern").build()),
                RouterProtocolMock.frame(FrameType.ERROR, Error.newBuilder().setCode(ErrorCode.BAD_REPLAY_REQUEST)
                    .setMessage("from after to").build()),
                RouterProtocolMock.frame(FrameType.SUBSCRIPTION_ACK, SubscriptionAck.newBuilder().setRequestId(second.getRequestId()).setOk(true).build()));
        });
        final ConnectionEvents events = new ConnectionEvents();
        client = EmcommClient.connect(options(events).build());
        events.expect(ConnectionState.CONNECTED);
        final CompletableFuture<Void> first = client.subscribe("flood.5201.*");
        final CompletableFuture<Void> second = client.subscribe("positions.>");
        final CompletableFuture<ReplayResult> replay = client.replay(ReplayRequest.getDefaultInstance());

        final EmcommException pattern = assertInstanceOf(EmcommException.class,
            assertThrows(ExecutionException.class, () -> first.get(WAIT_S, TimeUnit.SECONDS)).getCause());
        assertEquals(ErrorCode.BAD_ADDRESS_PATTERN, pattern.errorCode());
        assertEquals("from after to", assertThrows(ExecutionException.class, () -> replay.get(WAIT_S, TimeUnit.SECONDS)).getCause().getMessage());
        second.get(WAIT_S, TimeUnit.SECONDS);
        assertEquals(ConnectionState.CONNECTED, client.state());
        assertFalse(events.pending().stream().anyMatch(e -> e.state() != ConnectionState.CONNECTED), "the session went on: " + events.pending());
    }
}
