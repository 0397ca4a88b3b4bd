package io.emcomm.client;

import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Hello;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.PublishAck;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.RouterProtocolMock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link Publisher} offer path against {@link RouterProtocolMock}: frames encoded straight into the outbound
 * buffer and written at the flush, outcomes told to the {@link PublishListener}, the window's back-pressure as a return
 * value, and the at-least-once resend of unanswered offers after a reconnect.
 */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class PublisherTest
{
    private static final long WAIT_S = 10;

    /** What the listener was told, as text: "ack SEQ INDEX DUPLICATE" or "failed SEQ EXCEPTION". */
    private final BlockingQueue<String> outcomes = new LinkedBlockingQueue<>();
    private final PublishListener listener = new PublishListener()
    {
        @Override
        public void onAcknowledged(final long originSequence, final long journalIndex, final boolean duplicate)
        {
            outcomes.add("ack " + originSequence + " " + journalIndex + " " + duplicate);
        }

        @Override
        public void onFailed(final long originSequence, final Exception cause)
        {
            outcomes.add("failed " + originSequence + " " + cause.getClass().getSimpleName());
        }
    };
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
            router.close();
        }
    }

    private ClientOptions.Builder options()
    {
        return ClientOptions.builder().router("127.0.0.1", router.port()).terminal("uav-7", TerminalKind.AIR, "520102")
            .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200)).publishListener(listener);
    }

    private static byte[] ack(final long sequence, final long journalIndex, final boolean duplicate)
    {
        return RouterProtocolMock.frame(FrameType.PUBLISH_ACK, PublishAck.newBuilder().setOrigin("uav-7")
            .setOriginSequence(sequence).setJournalIndex(journalIndex).setDuplicate(duplicate).build());
    }

    @Test
    void offersGoOutAtTheFlushAsTheEnvelopesAGeneratedEncoderWouldWriteAndTheirAcksReachTheListener() throws Exception
    {
        final BlockingQueue<Envelope> seen = new LinkedBlockingQueue<>();
        router = new RouterProtocolMock(c ->
        {
            c.welcome(65_536);
            for (int i = 0; i < 3; i++)
            {
                seen.add(c.expect(FrameType.PUBLISH, Envelope::parseFrom));
            }
            c.send(ack(2, 20, true), ack(1, 10, false), ack(3, 30, false));
            c.awaitClientClose();
        });
        client = EmcommClient.connect(options().build());
        final Publisher publisher = client.publisher("channel:flood.5201", "up:520102");
        final byte[] text = "water at the bridge".getBytes(StandardCharsets.UTF_8);

        assertEquals(1, publisher.offerText(Precedence.FLASH, text, 0, text.length));
        assertEquals(2, publisher.offerText(Precedence.ROUTINE, io.netty.buffer.Unpooled.wrappedBuffer(text), 6, 2));
        final byte[] position = io.emcomm.protocol.wire.PositionReport.newBuilder().setLat(26.6).setLon(106.7).build().toByteArray();
        assertEquals(3, publisher.offer(Precedence.PRIORITY, Envelope.BodyCase.POSITION,
            io.netty.buffer.Unpooled.wrappedBuffer(position), 0, position.length));
        assertNull(seen.poll(200, TimeUnit.MILLISECONDS), "nothing is written before the flush");
        publisher.flush();

        final Envelope first = seen.poll(WAIT_S, TimeUnit.SECONDS);
        assertEquals("uav-7", first.getOrigin());
        assertEquals(1, first.getOriginSequence());
        assertEquals(List.of("channel:flood.5201", "up:520102"), first.getToList());
        assertEquals(Precedence.FLASH, first.getPrecedence());
        assertEquals("water at the bridge", first.getText().getText());
        assertTrue(first.getCreatedAtMicros() > 0, "stamped with the creation time");
        assertEquals("at", seen.poll(WAIT_S, TimeUnit.SECONDS).getText().getText());
        final Envelope third = seen.poll(WAIT_S, TimeUnit.SECONDS);
        assertEquals(106.7, third.getPosition().getLon());
        assertEquals(Precedence.PRIORITY, third.getPrecedence());

        assertEquals("ack 2 20 true", outcomes.poll(WAIT_S, TimeUnit.SECONDS));
        assertEquals("ack 1 10 false", outcomes.poll(WAIT_S, TimeUnit.SECONDS));
        assertEquals("ack 3 30 false", outcomes.poll(WAIT_S, TimeUnit.SECONDS));
    }

    @Test
    void aFullWindowPushesBackWithAReturnValueAndUnansweredOffersGoAgainWithTheirSequencesAfterAReconnect() throws Exception
    {
        final BlockingQueue<Long> sequences = new LinkedBlockingQueue<>();
        router = new RouterProtocolMock(
            first ->
            {
                first.welcome(65_536);
                sequences.add(first.expect(FrameType.PUBLISH, Envelope::parseFrom).getOriginSequence());
                sequences.add(first.expect(FrameType.PUBLISH, Envelope::parseFrom).getOriginSequence());
                first.close(); // before any ack
            },
            second ->
            {
                second.welcome(65_536);
                final long a = second.expect(FrameType.PUBLISH, Envelope::parseFrom).getOriginSequence();
                final long b = second.expect(FrameType.PUBLISH, Envelope::parseFrom).getOriginSequence();
                sequences.add(a);
                sequences.add(b);
                second.send(ack(a, 100, true), ack(b, 101, false));
                sequences.add(second.expect(FrameType.PUBLISH, Envelope::parseFrom).getOriginSequence());
                second.awaitClientClose();
            });
        final ConnectionEvents events = new ConnectionEvents();
        client = EmcommClient.connect(options().maxPendingPublishes(2).connectionListener(events).build());
        events.expect(ConnectionState.CONNECTED);
        final Publisher publisher = client.publisher("up:520102");
        final byte[] text = "x".getBytes(StandardCharsets.UTF_8);

        assertEquals(1, publisher.offerText(Precedence.ROUTINE, text, 0, 1));
        assertEquals(2, publisher.offerText(Precedence.ROUTINE, text, 0, 1));
        assertEquals(Publisher.BACK_PRESSURED, publisher.offerText(Precedence.ROUTINE, text, 0, 1), "two wait: the window is full");
        publisher.flush();
        assertEquals(1, sequences.poll(WAIT_S, TimeUnit.SECONDS));
        assertEquals(2, sequences.poll(WAIT_S, TimeUnit.SECONDS));

        events.expect(ConnectionState.DISCONNECTED);
        events.expectReconnecting(1);
        events.expect(ConnectionState.CONNECTED);
        assertEquals(1, sequences.poll(WAIT_S, TimeUnit.SECONDS), "sent again with its sequence");
        assertEquals(2, sequences.poll(WAIT_S, TimeUnit.SECONDS));
        assertEquals("ack 1 100 true", outcomes.poll(WAIT_S, TimeUnit.SECONDS));
        assertEquals("ack 2 101 false", outcomes.poll(WAIT_S, TimeUnit.SECONDS));
        assertEquals(3, publisher.offerText(Precedence.ROUTINE, text, 0, 1), "the window has room again");
        publisher.flush();
        assertEquals(3, sequences.poll(WAIT_S, TimeUnit.SECONDS));
    }

    @Test
    void closingFailsTheUnansweredOffersThroughTheListenerAndLaterOffersAreRefused() throws Exception
    {
        router = new RouterProtocolMock(c ->
        {
            c.welcome(65_536);
            c.expect(FrameType.PUBLISH, Envelope::parseFrom);
            c.awaitClientClose();
        });
        client = EmcommClient.connect(options().build());
        final Publisher publisher = client.publisher("up:520102");
        final byte[] text = "x".getBytes(StandardCharsets.UTF_8);
        assertEquals(1, publisher.offerText(Precedence.ROUTINE, text, 0, 1));
        publisher.flush();
        client.close();
        assertEquals("failed 1 EmcommException", outcomes.poll(WAIT_S, TimeUnit.SECONDS));
        assertEquals(Publisher.CLOSED, publisher.offerText(Precedence.ROUTINE, text, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> client.publisher("nowhere"));
    }

    @Test
    void anOfferLongerThanTheRoutersFrameLimitIsRefusedWithoutUsingASequence() throws Exception
    {
        router = new RouterProtocolMock(c ->
        {
            c.welcome(1_024);
            assertEquals(1, c.expect(FrameType.PUBLISH, Envelope::parseFrom).getOriginSequence());
            c.awaitClientClose();
        });
        client = EmcommClient.connect(options().build());
        final Publisher publisher = client.publisher("up:520102");
        final byte[] big = new byte[2_000];
        assertEquals(Publisher.TOO_LARGE, publisher.offerText(Precedence.ROUTINE, big, 0, big.length));
        assertEquals(1, publisher.offerText(Precedence.ROUTINE, big, 0, 10));
        publisher.flush();
    }

    @SuppressWarnings("unused")
    private static Hello hello(final RouterProtocolMock.Conversation c) throws Exception
    {
        return c.expect(FrameType.HELLO, Hello::parseFrom);
    }
}
