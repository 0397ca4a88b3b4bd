package io.emcomm.client;

import io.emcomm.protocol.wire.DeliveryAck;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Hello;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Text;
import io.emcomm.protocol.wire.Welcome;
import io.emcomm.router.Router;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.RouterProtocolMock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The {@link DeliveryHandler} path: a flyweight over each DELIVERY on the network thread and the automatic acks of a
 * read batch in one write: one cumulative DELIVERY_ACK against a router whose WELCOME offers it, one DELIVERY_ACK
 * per journal index against one that does not (both scripted with {@link RouterProtocolMock}), and no delivery
 * coming again after a reconnect to the real router.
 */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class DeliveryHandlerTest
{
    private static final long WAIT_S = 10;

    @TempDir
    Path dir;
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void close() throws Exception
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

    private static byte[] delivery(final long journalIndex, final long deliverySeq, final String text)
    {
        return RouterProtocolMock.frame(FrameType.DELIVERY, io.emcomm.protocol.wire.Delivery.newBuilder()
            .setJournalIndex(journalIndex).setDeliverySeq(deliverySeq).setJournaledAtMicros(1_700_000_000_000_000L)
            .setEnvelope(Envelope.newBuilder().setOrigin("cp-5201").setOriginSequence(40 + journalIndex)
                .addTo("terminal:uav-7").setPrecedence(Precedence.FLASH).setCreatedAtMicros(1_699_999_999_000_000L)
                .setText(Text.newBuilder().setText(text)))
            .build());
    }

    private static void cumulativeWelcome(final RouterProtocolMock.Conversation c) throws Exception
    {
        c.expect(FrameType.HELLO, Hello::parseFrom);
        c.send(RouterProtocolMock.frame(FrameType.WELCOME, Welcome.newBuilder().setProtocolVersion(1).setMaxFrameBytes(65_536)
            .setCumulativeDeliveryAck(true).build()));
    }

    /** A WELCOME offering cumulative acks and stating the router's in-flight limit (protocol.md 7.4). */
    private static void welcomeWithInflight(final RouterProtocolMock.Conversation c, final int inflight) throws Exception
    {
        c.expect(FrameType.HELLO, Hello::parseFrom);
        c.send(RouterProtocolMock.frame(FrameType.WELCOME, Welcome.newBuilder().setProtocolVersion(1).setMaxFrameBytes(65_536)
            .setCumulativeDeliveryAck(true).setDeliveryInflight(inflight).build()));
    }

    private ClientOptions.Builder options(final int port, final String id)
    {
        return ClientOptions.builder().router("127.0.0.1", port).terminal(id, TerminalKind.AIR, "520102")
            .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
    }

    @Test
    void theHandlerReadsEachDeliveryInPlaceOnTheNetworkThreadAndOneCumulativeAckAnswersTheReadBatch() throws Exception
    {
        final BlockingQueue<DeliveryAck> acks = new LinkedBlockingQueue<>();
        final RouterProtocolMock router = track(new RouterProtocolMock(c ->
        {
            cumulativeWelcome(c);
            c.send(delivery(11, 1, "one"), delivery(12, 2, "two"), delivery(13, 3, "three"));
            for (DeliveryAck ack = null; ack == null || ack.getThroughDeliverySeq() < 3; )
            {
                ack = c.expect(FrameType.DELIVERY_ACK, DeliveryAck::parseFrom);
                acks.add(ack);
            }
            c.awaitClientClose();
        }));
        final BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        final EmcommClient client = track(EmcommClient.connect(options(router.port(), "uav-7").deliveryHandler(d ->
            seen.add(Thread.currentThread().getName().startsWith("emcomm-client-io") + " " + d.journalIndex() + " " +
                d.deliverySeq() + " " + d.originSequence() + " " + d.precedence() + " " + d.origin() + " " +
                d.buffer().toString(d.firstToOffset(), d.firstToLength(), StandardCharsets.UTF_8) + " " + d.bodyCase() + " " +
                d.buffer().toString(d.textOffset(), d.textLength(), StandardCharsets.UTF_8) + " " + d.createdAtMicros())).build()));

        assertEquals("true 11 1 51 FLASH cp-5201 terminal:uav-7 TEXT one 1699999999000000", seen.poll(WAIT_S, TimeUnit.SECONDS));
        assertEquals("true 12 2 52 FLASH cp-5201 terminal:uav-7 TEXT two 1699999999000000", seen.poll(WAIT_S, TimeUnit.SECONDS));
        assertEquals("true 13 3 53 FLASH cp-5201 terminal:uav-7 TEXT three 1699999999000000", seen.poll(WAIT_S, TimeUnit.SECONDS));
        final DeliveryAck ack = acks.poll(WAIT_S, TimeUnit.SECONDS);
        assertEquals(0, ack.getJournalIndex(), "cumulative, not by index");
        assertEquals(3, ack.getThroughDeliverySeq(), "the three arrived in one read: one ack for all of them");
        client.close();
        assertNull(acks.poll(), "nothing else was acknowledged");
    }

    @Test
    void acksAreCoalescedAcrossReadsUntilHalfTheRoutersInflightLimitIsUnacknowledged() throws Exception
    {
        final BlockingQueue<DeliveryAck> acks = new LinkedBlockingQueue<>();
        final java.util.concurrent.CountDownLatch firstHandled = new java.util.concurrent.CountDownLatch(1);
        final RouterProtocolMock router = track(new RouterProtocolMock(c ->
        {
            welcomeWithInflight(c, 8); // the client acks at once when 4 wait
            c.send(delivery(11, 1, "one"));
            firstHandled.await(WAIT_S, TimeUnit.SECONDS); // its read is over: no ack may have left for it alone
            c.send(delivery(12, 2, "two"), delivery(13, 3, "three"), delivery(14, 4, "four"));
            acks.add(c.expect(FrameType.DELIVERY_ACK, DeliveryAck::parseFrom));
            c.awaitClientClose();
        }));
        track(EmcommClient.connect(options(router.port(), "uav-7").ackDelay(ClientOptions.MAX_ACK_DELAY)
            .deliveryHandler(d -> firstHandled.countDown()).build()));

        final DeliveryAck ack = acks.poll(WAIT_S, TimeUnit.SECONDS);
        assertEquals(4, ack.getThroughDeliverySeq(), "one ack for the four, the first read's included, sent once 4 waited");
    }

    @Test
    void anAckLeftUnderTheLimitGoesWhenTheDelayIsOverAndAgainForTheNextDelivery() throws Exception
    {
        final BlockingQueue<DeliveryAck> acks = new LinkedBlockingQueue<>();
        final RouterProtocolMock router = track(new RouterProtocolMock(c ->
        {
            welcomeWithInflight(c, 128);
            c.send(delivery(11, 1, "one"));
            acks.add(c.expect(FrameType.DELIVERY_ACK, DeliveryAck::parseFrom));
            c.send(delivery(12, 2, "two"));
            acks.add(c.expect(FrameType.DELIVERY_ACK, DeliveryAck::parseFrom));
            c.awaitClientClose();
        }));
        track(EmcommClient.connect(options(router.port(), "uav-7").ackDelay(Duration.ofMillis(50)).deliveryHandler(d -> { }).build()));

        assertEquals(1, acks.poll(WAIT_S, TimeUnit.SECONDS).getThroughDeliverySeq(), "the timer sent it");
        assertEquals(2, acks.poll(WAIT_S, TimeUnit.SECONDS).getThroughDeliverySeq(), "and was armed again");
    }

    @Test
    void aResponderPublishingFromItsHandlerCarriesTheWaitingAckInTheSameFlush() throws Exception
    {
        final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        final java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
        final RouterProtocolMock router = track(new RouterProtocolMock(c ->
        {
            welcomeWithInflight(c, 128);
            ready.await(WAIT_S, TimeUnit.SECONDS); // the handler has its publisher
            c.send(delivery(11, 1, "request"));
            // written before the reply, in the read that handled the request: an ack left to the (one second) timer
            // would come after the PUBLISH, and expecting the ack first would fail on it
            frames.add("ack through " + c.expect(FrameType.DELIVERY_ACK, DeliveryAck::parseFrom).getThroughDeliverySeq());
            frames.add("publish " + c.expect(FrameType.PUBLISH, Envelope::parseFrom).getTo(0));
            c.awaitClientClose();
        }));
        final java.util.concurrent.atomic.AtomicReference<Publisher> replies = new java.util.concurrent.atomic.AtomicReference<>();
        final EmcommClient client = track(EmcommClient.connect(options(router.port(), "uav-7").ackDelay(ClientOptions.MAX_ACK_DELAY).deliveryHandler(d ->
        {
            final byte[] text = "reply".getBytes(StandardCharsets.UTF_8);
            replies.get().offerText(Precedence.ROUTINE, text, 0, text.length);
        }).build()));
        replies.set(client.publisher("terminal:cp-5201"));
        ready.countDown();

        assertEquals("ack through 1", frames.poll(WAIT_S, TimeUnit.SECONDS));
        assertEquals("publish terminal:cp-5201", frames.poll(WAIT_S, TimeUnit.SECONDS));
    }

    @Test
    void closingTheClientSendsTheAckStillWaitingForItsDelay() throws Exception
    {
        final BlockingQueue<DeliveryAck> acks = new LinkedBlockingQueue<>();
        final java.util.concurrent.CountDownLatch handled = new java.util.concurrent.CountDownLatch(2);
        final RouterProtocolMock router = track(new RouterProtocolMock(c ->
        {
            welcomeWithInflight(c, 128);
            c.send(delivery(11, 1, "one"), delivery(12, 2, "two"));
            acks.add(c.expect(FrameType.DELIVERY_ACK, DeliveryAck::parseFrom));
            c.awaitClientClose();
        }));
        final EmcommClient client = EmcommClient.connect(options(router.port(), "uav-7").ackDelay(ClientOptions.MAX_ACK_DELAY)
            .deliveryHandler(d -> handled.countDown()).build());
        assertEquals(true, handled.await(WAIT_S, TimeUnit.SECONDS));
        client.close();

        assertEquals(2, acks.poll(WAIT_S, TimeUnit.SECONDS).getThroughDeliverySeq(), "acknowledged on the way out");
    }

    @Test
    void withoutTheWelcomesOfferEachDeliveryIsAcknowledgedByItsJournalIndexInOneWrite() throws Exception
    {
        final BlockingQueue<DeliveryAck> acks = new LinkedBlockingQueue<>();
        final RouterProtocolMock router = track(new RouterProtocolMock(c ->
        {
            c.welcome(65_536, delivery(11, 0, "one"), delivery(12, 0, "two"), delivery(13, 0, "three"));
            for (DeliveryAck ack = null; ack == null || ack.getJournalIndex() != 13; )
            {
                ack = c.expect(FrameType.DELIVERY_ACK, DeliveryAck::parseFrom);
                acks.add(ack);
            }
            c.awaitClientClose();
        }));
        final BlockingQueue<Long> seen = new LinkedBlockingQueue<>();
        track(EmcommClient.connect(options(router.port(), "uav-7").deliveryHandler(d -> seen.add(d.journalIndex())).build()));
        for (long index = 11; index <= 13; index++)
        {
            assertEquals(index, seen.poll(WAIT_S, TimeUnit.SECONDS));
            final DeliveryAck ack = acks.poll(WAIT_S, TimeUnit.SECONDS);
            assertEquals(index, ack.getJournalIndex());
            assertEquals(0, ack.getThroughDeliverySeq(), "a router that did not offer it gets no cumulative ack");
        }
    }

    @Test
    void aHandlerThatThrowsLeavesItsDeliveryUnacknowledgedAndTheLaterOnesAreAcknowledgedOneByOne() throws Exception
    {
        final BlockingQueue<DeliveryAck> acks = new LinkedBlockingQueue<>();
        final RouterProtocolMock router = track(new RouterProtocolMock(c ->
        {
            cumulativeWelcome(c);
            c.send(delivery(11, 1, "one"), delivery(12, 2, "two"), delivery(13, 3, "three"));
            for (DeliveryAck ack = null; ack == null || ack.getJournalIndex() != 13; )
            {
                ack = c.expect(FrameType.DELIVERY_ACK, DeliveryAck::parseFrom);
                acks.add(ack);
            }
            c.awaitClientClose();
        }));
        final Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        final BlockingQueue<Throwable> thrown = new LinkedBlockingQueue<>();
        Thread.setDefaultUncaughtExceptionHandler((t, ex) -> thrown.add(ex));
        try
        {
            track(EmcommClient.connect(options(router.port(), "uav-7").deliveryHandler(d ->
            {
                if (d.journalIndex() == 12)
                {
                    throw new IllegalStateException("display failed");
                }
            }).build()));
            assertEquals(1, acks.poll(WAIT_S, TimeUnit.SECONDS).getThroughDeliverySeq(), "up to the one that failed");
            final DeliveryAck after = acks.poll(WAIT_S, TimeUnit.SECONDS);
            assertEquals(13, after.getJournalIndex(), "the later one by its index");
            assertEquals(0, after.getThroughDeliverySeq());
            assertEquals("display failed", thrown.poll(WAIT_S, TimeUnit.SECONDS).getMessage());
        }
        finally
        {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
    }

    @Test
    void againstTheRealRouterEveryDeliveryIsAcknowledgedSoNoneComesAgainAfterAReconnect() throws Exception
    {
        final Router router = track(Router.start(Router.Context.loopback(dir.resolve("data"))));
        final int messages = 500;
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        final EmcommClient receiver = EmcommClient.connect(options(router.port(), "uav-8").deliveryHandler(d ->
            received.add(d.buffer().toString(d.textOffset(), d.textLength(), StandardCharsets.UTF_8))).build());
        final BlockingQueue<String> outcomes = new LinkedBlockingQueue<>();
        final EmcommClient sender = track(EmcommClient.connect(options(router.port(), "uav-7").publishListener(new PublishListener()
        {
            @Override
            public void onAcknowledged(final long originSequence, final long journalIndex, final boolean duplicate)
            {
                outcomes.add("ack");
            }

            @Override
            public void onFailed(final long originSequence, final Exception cause)
            {
                outcomes.add("failed " + cause);
            }
        }).build()));
        final Publisher publisher = sender.publisher("terminal:uav-8");
        for (int i = 0; i < messages; i++)
        {
            final byte[] text = ("m" + i).getBytes(StandardCharsets.UTF_8);
            while (publisher.offerText(Precedence.ROUTINE, text, 0, text.length) < 0)
            {
                publisher.flush();
                Thread.onSpinWait();
            }
        }
        publisher.flush();
        for (int i = 0; i < messages; i++)
        {
            assertEquals("ack", outcomes.poll(WAIT_S, TimeUnit.SECONDS));
            assertEquals("m" + i, received.poll(WAIT_S, TimeUnit.SECONDS));
        }
        // Each read batch's acks were flushed before the next read; TCP brings them to the router before the close.
        receiver.close();

        final BlockingQueue<String> again = new LinkedBlockingQueue<>();
        track(EmcommClient.connect(options(router.port(), "uav-8").deliveryHandler(d ->
            again.add(d.buffer().toString(d.textOffset(), d.textLength(), StandardCharsets.UTF_8))).build()));
        sender.publish(Message.text("probe").to("terminal:uav-8")).get(WAIT_S, TimeUnit.SECONDS);
        assertEquals("probe", again.poll(WAIT_S, TimeUnit.SECONDS), "nothing acknowledged before is delivered again");
    }
}
