package io.emcomm.client;

import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.DeliveryAck;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.PublishAck;
import io.emcomm.protocol.wire.PublishNack;
import io.emcomm.protocol.wire.Subscribe;
import io.emcomm.protocol.wire.SubscriptionAck;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Welcome;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link ClientConductor} alone: no network, each connection an {@link EmbeddedChannel} whose outbound frames
 * the test reads, time a {@link ManualClock}, listeners run inline ({@link DirectExecutor}).
 */
@Timeout(10)
class ClientConductorTest
{
    private static final java.net.InetSocketAddress ROUTER = java.net.InetSocketAddress.createUnresolved("127.0.0.1", 7400);

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

    private final ManualClock clock = new ManualClock();
    private final List<Delivery> delivered = new ArrayList<>();
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private final ReplayBook replays = new ReplayBook();
    private final Dispatcher dispatcher = new Dispatcher(new DirectExecutor());
    private final DeliveryDispatch deliveries = new DeliveryDispatch(options(), dispatcher, replays);
    private final ClientConductor conductor = new ClientConductor(options(), clock, clock, replays, deliveries);

    private ClientOptions options()
    {
        return ClientOptions.builder().terminal("uav-7", TerminalKind.AIR, "520102").requestTimeout(REQUEST_TIMEOUT)
            .deliveryListener(delivered::add).build();
    }

    @AfterEach
    void closeChannels()
    {
        conductor.end(null); // releases the buffers the ledger holds for unanswered publishes
        channels.forEach(ch -> ch.finishAndReleaseAll());
    }

    private static Welcome welcome(final int maxFrameBytes, final long lastOriginSequence)
    {
        return Welcome.newBuilder().setProtocolVersion(1).setMaxFrameBytes(maxFrameBytes).setLastOriginSequence(lastOriginSequence).build();
    }

    /** A connection that the router welcomes with {@code welcome}. */
    private RouterProxy welcomed(final Welcome welcome)
    {
        final EmbeddedChannel ch = new EmbeddedChannel();
        channels.add(ch);
        final RouterProxy link = new RouterProxy(ch, ROUTER);
        assertTrue(conductor.onActive(link));
        assertTrue(conductor.onWelcome(link, welcome));
        return link;
    }

    private static EmbeddedChannel channel(final RouterProxy link)
    {
        return (EmbeddedChannel)link.channel();
    }

    private static PublishAck ack(final long sequence, final long journalIndex)
    {
        return PublishAck.newBuilder().setOrigin("uav-7").setOriginSequence(sequence).setJournalIndex(journalIndex).build();
    }

    @Test
    void publishesWaitForTheWelcomeThenGoOutWithTheirSequencesAndNewOnesContinueAfterTheRoutersLast() throws Exception
    {
        final CompletableFuture<PublishResult> first = conductor.publish(Message.text("one").to("up:5201"), null);
        final CompletableFuture<PublishResult> second = conductor.publish(null, Message.text("two").to("up:5201").toEnvelope("x", 0, 0).toBuilder());
        assertEquals(ConnectionState.DISCONNECTED, conductor.state());

        final RouterProxy link = welcomed(welcome(65_536, 40));
        assertEquals(ConnectionState.CONNECTED, conductor.state());
        final List<OutboundFrames.Frame> resent = OutboundFrames.drain(channel(link));
        assertEquals(List.of(FrameType.PUBLISH, FrameType.PUBLISH), OutboundFrames.types(resent));
        assertEquals(1, resent.get(0).parse(Envelope::parseFrom).getOriginSequence());
        final Envelope two = resent.get(1).parse(Envelope::parseFrom);
        assertEquals(2, two.getOriginSequence());
        assertEquals("uav-7", two.getOrigin(), "the origin is the terminal's whatever the builder said");
        assertEquals(ManualClock.START_EPOCH_MICROS + clock.nanoTime() / 1_000, two.getCreatedAtMicros(), "stamped on the injected clock");

        conductor.publish(Message.text("three").to("up:5201"), null);
        assertEquals(41, OutboundFrames.single(channel(link)).parse(Envelope::parseFrom).getOriginSequence(),
            "the next sequence follows the router's last_origin_sequence");
        assertFalse(first.isDone() || second.isDone(), "nothing is answered before its ack");
    }

    @Test
    void eachAckCompletesItsOwnPublishInWhateverOrderTheyComeAndASequencelessNackAnswersTheOldest()
    {
        welcomed(welcome(65_536, 0));
        final List<CompletableFuture<PublishResult>> sent = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            sent.add(conductor.publish(Message.text("m" + i).to("up:5201"), null));
        }
        conductor.onPublishAck(ack(3, 300));
        conductor.onPublishAck(ack(2, 200));
        conductor.onPublishAck(ack(9, 900)); // answers nothing this client sent
        conductor.onPublishNack(PublishNack.newBuilder().setOriginSequence(0).setDetail("unreadable").build());

        assertEquals(300, sent.get(2).join().journalIndex());
        assertEquals(200, sent.get(1).join().journalIndex());
        final PublishRejectedException rejected = assertInstanceOf(PublishRejectedException.class,
            assertThrows(CompletionException.class, () -> sent.get(0).join()).getCause());
        assertEquals(1, rejected.originSequence(), "the oldest one waiting");
        assertFalse(sent.get(3).isDone());
        conductor.onPublishAck(ack(4, 400).toBuilder().setDuplicate(true).build());
        assertTrue(sent.get(3).join().duplicate());
    }

    @Test
    void aPublishExpiresWhenTheInjectedClockPassesTheRequestTimeout()
    {
        welcomed(welcome(65_536, 0));
        final CompletableFuture<PublishResult> publish = conductor.publish(Message.text("late").to("up:5201"), null);
        clock.advance(REQUEST_TIMEOUT.toNanos() - 1);
        conductor.expirePublishes();
        assertFalse(publish.isDone(), "one nanosecond before its deadline");

        clock.advance(1);
        conductor.expirePublishes();
        final TimeoutException timeout = assertInstanceOf(TimeoutException.class,
            assertThrows(CompletionException.class, publish::join).getCause());
        assertEquals("no acknowledgement for uav-7/1 within 2000 ms", timeout.getMessage());
        conductor.onPublishAck(ack(1, 100)); // a late ack finds nothing to complete
    }

    @Test
    void theWelcomesFrameLimitRefusesALargerPublishAndOneAcceptedUnderALargerLimitIsNotSentAgain()
    {
        final CompletableFuture<PublishResult> accepted = conductor.publish(
            FrameSizes.publishOfFrameLength(3_000, "uav-7", 1, "up:5201"), null);
        final RouterProxy large = welcomed(welcome(65_536, 0));
        assertEquals(3_000, 1 + OutboundFrames.single(channel(large)).payload().length);
        assertEquals(List.of(), conductor.linkLost(large, true).unsubscribes());

        final RouterProxy small = welcomed(welcome(2_000, 0));
        final EmcommException dropped = assertInstanceOf(EmcommException.class,
            assertThrows(CompletionException.class, accepted::join).getCause());
        assertEquals(ErrorCode.FRAME_TOO_LARGE, dropped.errorCode());
        assertEquals(List.of(), OutboundFrames.drain(channel(small)), "not sent to the router with the smaller limit");

        final CompletableFuture<PublishResult> tooLarge = conductor.publish(FrameSizes.publishOfFrameLength(2_001, "uav-7", 2, "up:5201"), null);
        assertEquals("message too large: its PUBLISH frame would be 2001 bytes, the router at 127.0.0.1:7400 accepts at most 2000"
            + " (max_frame_bytes in its WELCOME)", assertThrows(CompletionException.class, tooLarge::join).getCause().getMessage());
        conductor.publish(FrameSizes.publishOfFrameLength(2_000, "uav-7", 2, "up:5201"), null);
        final OutboundFrames.Frame atLimit = OutboundFrames.single(channel(small));
        assertEquals(2_000, 1 + atLimit.payload().length);
    }

    @Test
    void theFrameLimitIsTheAnnouncedOneWithinTheProtocolsRangeAndTheDefaultWhenNoneIsAnnounced()
    {
        assertEquals(Frames.DEFAULT_MAX_FRAME_BYTES, LinkLimits.maxFrameBytes(welcome(0, 0)));
        assertEquals(Frames.MIN_MAX_FRAME_BYTES, LinkLimits.maxFrameBytes(welcome(10, 0)));
        assertEquals(Frames.MAX_MAX_FRAME_BYTES, LinkLimits.maxFrameBytes(welcome(Integer.MAX_VALUE, 0)));
        assertEquals(262_144 + Frames.ROUTER_FRAME_ALLOWANCE, LinkLimits.maxInboundFrameBytes(welcome(262_144, 0)));
    }

    @Test
    void subscriptionsAreRenewedInOneRequestAfterEveryWelcomeAndAnUnansweredCallIsAnsweredByTheRenewal() throws Exception
    {
        final CompletableFuture<Void> early = new CompletableFuture<>();
        conductor.subscribe(new SubscriptionBook.Call(List.of("channel:flood.>"), early));
        final RouterProxy first = welcomed(welcome(65_536, 0));
        final Subscribe renewal = OutboundFrames.single(channel(first)).parse(Subscribe::parseFrom);
        assertEquals(List.of("channel:flood.>"), renewal.getAddressesList());

        final CompletableFuture<Void> later = new CompletableFuture<>();
        conductor.subscribe(new SubscriptionBook.Call(List.of("channel:positions.>"), later));
        final Subscribe second = OutboundFrames.single(channel(first)).parse(Subscribe::parseFrom);
        assertEquals(renewal.getRequestId() + 1, second.getRequestId());
        conductor.onSubscriptionAck(SubscriptionAck.newBuilder().setRequestId(renewal.getRequestId()).setOk(true).build());
        assertTrue(early.isDone() && !later.isDone());

        conductor.linkLost(first, true);
        assertEquals(ConnectionState.DISCONNECTED, conductor.state());
        final RouterProxy again = welcomed(welcome(65_536, 0));
        final Subscribe renewed = OutboundFrames.single(channel(again)).parse(Subscribe::parseFrom);
        assertEquals(List.of("channel:flood.>", "channel:positions.>"), renewed.getAddressesList());
        conductor.onSubscriptionAck(SubscriptionAck.newBuilder().setRequestId(renewed.getRequestId()).setOk(true).build());
        assertTrue(later.isDone() && !later.isCompletedExceptionally(), "the renewal answered the call lost with the link");
    }

    @Test
    void deliveriesGoToTheListenerAndAreAcknowledgedOnlyOnAWelcomedLink() throws Exception
    {
        deliveries.ack(5, true);
        final RouterProxy link = welcomed(welcome(65_536, 0));
        final EmbeddedChannel ch = channel(link);
        assertEquals(List.of(), OutboundFrames.drain(ch), "an ack while disconnected is dropped");

        deliveries.onDelivery(ch, io.emcomm.protocol.wire.Delivery.newBuilder().setJournalIndex(17)
            .setEnvelope(Message.text("hi").to("terminal:uav-7").toEnvelope("cp-1", 3, clock.epochMicros())).build());
        assertEquals(1, delivered.size());
        assertEquals(17, delivered.get(0).journalIndex());
        assertEquals(17, OutboundFrames.single(ch).parse(DeliveryAck::parseFrom).getJournalIndex(), "auto-ack, flushed");

        conductor.linkLost(link, true);
        deliveries.ack(18, true);
        assertEquals(List.of(), OutboundFrames.drain(ch), "no ack on a lost link");
    }

    @Test
    void theEndFailsEverythingOutstandingOnceAndLaterRequestsWithTheSameCause()
    {
        final RouterProxy link = welcomed(welcome(65_536, 0));
        final CompletableFuture<PublishResult> publish = conductor.publish(Message.text("x").to("up:5201"), null);
        final CompletableFuture<ReplayResult> replay = conductor.replay(io.emcomm.protocol.wire.ReplayRequest.getDefaultInstance(), null, null);
        final SessionReplacedException replaced = new SessionReplacedException("terminal uav-7 logged in again from /10.0.0.9:4000");

        final SessionEnd end = conductor.end(replaced);
        assertEquals(ConnectionState.REPLACED, end.state());
        assertSame(link, end.link());
        assertSame(replaced, end.failure());
        assertEquals(List.of(publish, replay.toCompletableFuture()), end.outstanding());
        assertNull(conductor.end(null), "only once");
        assertNull(conductor.linkLost(link, true), "the link is no longer the session's");
        assertFalse(conductor.onActive(new RouterProxy(new EmbeddedChannel(), ROUTER)), "no connection is taken after the end");

        final CompletableFuture<PublishResult> after = conductor.publish(Message.text("y").to("up:5201"), null);
        assertSame(replaced, assertThrows(CompletionException.class, after::join).getCause());
    }
}
