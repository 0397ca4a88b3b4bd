package io.emcomm.client;

import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.NackReason;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.PublishAck;
import io.emcomm.protocol.wire.PublishNack;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Welcome;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A publish nacked {@code JOURNAL_UNAVAILABLE} (protocol.md §4.3: "yes, later, same id"; docs/cluster.md "A nack after
 * a timeout"), the {@link ClientConductor} alone: it is sent again byte for byte with its origin sequence on the
 * {@link ManualClock}'s timers (250 ms doubling to 2 s), completes with the ack of a resend, and fails with the last
 * nack at its deadline; other reasons still fail at once. Connections are {@link EmbeddedChannel}s whose outbound
 * frames the test reads as the router would.
 */
@Timeout(10)
class PublishRetryTest
{
    private static final java.net.InetSocketAddress ROUTER = java.net.InetSocketAddress.createUnresolved("127.0.0.1", 7400);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final ManualClock clock = new ManualClock();
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    /** What the publish listener was told: "ack SEQ INDEX DUPLICATE" or "failed SEQ MESSAGE". */
    private final List<String> outcomes = new ArrayList<>();
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
            outcomes.add("failed " + originSequence + " " + cause.getMessage());
        }
    };
    private ClientConductor conductor = conductor(REQUEST_TIMEOUT, clock);

    private ClientConductor conductor(final Duration requestTimeout, final Scheduler scheduler)
    {
        final ClientOptions options = ClientOptions.builder().terminal("uav-7", TerminalKind.AIR, "520102")
            .requestTimeout(requestTimeout).publishListener(listener).build();
        final ReplayBook replays = new ReplayBook();
        return new ClientConductor(options, clock, scheduler, replays,
            new DeliveryDispatch(options, new Dispatcher(new DirectExecutor()), replays));
    }

    @AfterEach
    void closeChannels()
    {
        conductor.end(null); // releases the buffers the ledger holds for unanswered publishes
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    /** A connection the router welcomed. */
    private RouterProxy welcomed()
    {
        final EmbeddedChannel ch = new EmbeddedChannel();
        channels.add(ch);
        final RouterProxy link = new RouterProxy(ch, ROUTER);
        assertTrue(conductor.onActive(link));
        assertTrue(conductor.onWelcome(link, Welcome.newBuilder().setProtocolVersion(1).setMaxFrameBytes(65_536).build()));
        return link;
    }

    private static EmbeddedChannel channel(final RouterProxy link)
    {
        return (EmbeddedChannel)link.channel();
    }

    private CompletableFuture<PublishResult> publish(final String text)
    {
        return conductor.publish(Message.text(text).to("up:520102"), null);
    }

    private static PublishNack nack(final long sequence, final NackReason reason, final String detail)
    {
        return PublishNack.newBuilder().setOrigin("uav-7").setOriginSequence(sequence).setReason(reason).setDetail(detail).build();
    }

    private static PublishNack unavailable(final long sequence, final String detail)
    {
        return nack(sequence, NackReason.JOURNAL_UNAVAILABLE, detail);
    }

    private static PublishAck duplicateAck(final long sequence, final long journalIndex)
    {
        return PublishAck.newBuilder().setOrigin("uav-7").setOriginSequence(sequence).setJournalIndex(journalIndex)
            .setDuplicate(true).build();
    }

    /** The PUBLISH frames written to {@code ch} since the last read, as the router receives them. */
    private static List<byte[]> published(final EmbeddedChannel ch)
    {
        return OutboundFrames.drain(ch).stream().map(OutboundFrames.Frame::payload).toList();
    }

    /**
     * Advances the clock a millisecond at a time until the publish is written again or completed, at most 5 s; the
     * milliseconds it took.
     */
    private long millisUntilSentAgain(final EmbeddedChannel ch, final CompletableFuture<PublishResult> publish)
    {
        for (long ms = 1; ms <= 5_000; ms++)
        {
            clock.advance(MS);
            if (!published(ch).isEmpty() || publish.isDone())
            {
                return ms;
            }
        }
        throw new AssertionError("neither sent again nor completed within 5 s");
    }

    private static PublishRejectedException rejected(final CompletableFuture<PublishResult> future)
    {
        return assertInstanceOf(PublishRejectedException.class, assertThrows(CompletionException.class, future::join).getCause());
    }

    @Test
    void aJournalUnavailableNackIsSentAgainWithTheSameSequenceAfter250MsAndTheDuplicateAckCompletesThePublish() throws Exception
    {
        final EmbeddedChannel ch = channel(welcomed());
        final CompletableFuture<PublishResult> publish = publish("on scene");
        final byte[] original = OutboundFrames.single(ch).payload();

        conductor.onPublishNack(unavailable(1, "Kafka: delivery timed out"));
        assertFalse(publish.isDone(), "kept, not failed");
        clock.advance(250 * MS - 1);
        assertEquals(List.of(), published(ch), "not before 250 ms");
        clock.advance(1);
        final List<byte[]> resent = published(ch);
        assertEquals(1, resent.size());
        assertArrayEquals(original, resent.get(0), "the very frame again, so the router's dedupe recognises it");
        assertEquals(1, Envelope.parseFrom(resent.get(0)).getOriginSequence());

        conductor.onPublishAck(duplicateAck(1, 42));
        final PublishResult result = publish.join();
        assertEquals(42, result.journalIndex(), "the original index of a record the cluster committed after all");
        assertTrue(result.duplicate());
        assertEquals(1, result.originSequence());

        clock.advance(REQUEST_TIMEOUT.toNanos());
        assertEquals(List.of(), published(ch), "nothing more is sent for an acknowledged publish");
        assertEquals(0, clock.pendingTasks(), "its retry is forgotten by its last timer");
    }

    @Test
    void nackedEveryTimeItIsSentAgainAt250500And1000MsAndFailsAtItsDeadlineWithTheLastNack()
    {
        final EmbeddedChannel ch = channel(welcomed());
        final CompletableFuture<PublishResult> publish = publish("on scene");
        OutboundFrames.single(ch);
        final List<Long> delays = new ArrayList<>();
        for (int nack = 1; nack <= 3; nack++)
        {
            conductor.onPublishNack(unavailable(1, "try " + nack));
            delays.add(millisUntilSentAgain(ch, publish));
        }
        assertEquals(List.of(250L, 500L, 1000L), delays, "the third resend 1.75 s after the publish");

        conductor.onPublishNack(unavailable(1, "try 4")); // the next resend (2 s) would come after the deadline
        clock.advance(250 * MS - 1);
        assertFalse(publish.isDone(), "one nanosecond before its deadline");
        clock.advance(1);
        final PublishRejectedException failed = rejected(publish);
        assertEquals(NackReason.JOURNAL_UNAVAILABLE, failed.reason());
        assertEquals("try 4", failed.detail(), "the last nack's detail");
        assertEquals(1, failed.originSequence());
        assertEquals("JOURNAL_UNAVAILABLE: try 4", failed.getMessage());
        assertEquals("no acknowledgement for uav-7/1 within 2000 ms of its first JOURNAL_UNAVAILABLE nack: nacked 4 times,"
            + " sent again 3 times", assertInstanceOf(TimeoutException.class, failed.getCause()).getMessage());
        assertEquals(List.of(), published(ch));
        assertEquals(0, clock.pendingTasks());
    }

    @Test
    void anyOtherReasonStillFailsAtOnceAndNothingIsSentAgain()
    {
        final EmbeddedChannel ch = channel(welcomed());
        final CompletableFuture<PublishResult> publish = publish("to the secure net");
        OutboundFrames.single(ch);

        conductor.onPublishNack(nack(1, NackReason.NOT_AUTHORIZED, "no AIR to up:5201"));
        final PublishRejectedException failed = rejected(publish);
        assertEquals(NackReason.NOT_AUTHORIZED, failed.reason());
        assertEquals("no AIR to up:5201", failed.detail());
        assertEquals(0, clock.pendingTasks(), "no timer");
        clock.advance(REQUEST_TIMEOUT.toNanos());
        assertEquals(List.of(), published(ch));
    }

    @Test
    void aRetriedPublishAnsweredByAnotherReasonFailsWithIt()
    {
        final EmbeddedChannel ch = channel(welcomed());
        final CompletableFuture<PublishResult> publish = publish("late");
        OutboundFrames.single(ch);
        conductor.onPublishNack(unavailable(1, "disk full"));
        clock.advance(250 * MS);
        assertEquals(1, published(ch).size());

        conductor.onPublishNack(nack(1, NackReason.EXPIRED_ON_ARRIVAL, "expired"));
        assertEquals(NackReason.EXPIRED_ON_ARRIVAL, rejected(publish).reason());
        clock.advance(REQUEST_TIMEOUT.toNanos());
        assertEquals(List.of(), published(ch));
    }

    @Test
    void offersOfAPublisherAreRetriedTheSameWayAndTheListenerIsToldOnce()
    {
        final EmbeddedChannel ch = channel(welcomed());
        final Publisher publisher = new AddressedPublisher(conductor, new byte[][] {"up:520102".getBytes(StandardCharsets.UTF_8)});
        final byte[] text = "water at the bridge".getBytes(StandardCharsets.UTF_8);
        assertEquals(1, publisher.offerText(Precedence.FLASH, text, 0, text.length));
        assertEquals(2, publisher.offerText(Precedence.ROUTINE, text, 0, text.length));
        publisher.flush();
        final List<byte[]> sent = published(ch);
        assertEquals(2, sent.size());

        conductor.onPublishNack(unavailable(1, "not confirmed"));
        conductor.onPublishNack(unavailable(2, "not confirmed"));
        clock.advance(250 * MS);
        final List<byte[]> resent = published(ch);
        assertEquals(2, resent.size());
        assertArrayEquals(sent.get(0), resent.get(0));
        assertArrayEquals(sent.get(1), resent.get(1));
        assertEquals(List.of(), outcomes, "nothing told before an answer");

        conductor.onPublishAck(duplicateAck(1, 17));
        assertEquals(List.of("ack 1 17 true"), outcomes);
        conductor.onPublishNack(unavailable(2, "still not confirmed"));
        clock.advance(REQUEST_TIMEOUT.toNanos());
        assertEquals(List.of("ack 1 17 true", "failed 2 JOURNAL_UNAVAILABLE: still not confirmed"), outcomes);
        assertEquals(1, published(ch).size(), "2 went once more, at 750 ms; 1 never again");
    }

    @Test
    void aReconnectSendsTheRetriedPublishWithEveryUnansweredOneAndItsTimerDoesNotSendItTwice()
    {
        final RouterProxy first = welcomed();
        final CompletableFuture<PublishResult> publish = publish("on scene");
        final byte[] original = OutboundFrames.single(channel(first)).payload();
        conductor.onPublishNack(unavailable(1, "not confirmed"));
        conductor.linkLost(first, true);

        clock.advance(100 * MS);
        final RouterProxy second = welcomed();
        final List<byte[]> resent = published(channel(second));
        assertEquals(1, resent.size(), "the WELCOME's resend of every unanswered publish");
        assertArrayEquals(original, resent.get(0));

        clock.advance(1_000 * MS);
        assertEquals(List.of(), published(channel(second)), "the resend the timer planned was the WELCOME's");
        assertEquals(List.of(), published(channel(first)));
        conductor.onPublishAck(duplicateAck(1, 9));
        assertEquals(9, publish.join().journalIndex());
    }

    @Test
    void whileDisconnectedTheTimerWritesNothingAndTheNextWelcomeSendsIt()
    {
        final RouterProxy first = welcomed();
        final CompletableFuture<PublishResult> publish = publish("on scene");
        OutboundFrames.single(channel(first));
        conductor.onPublishNack(unavailable(1, "not confirmed"));
        conductor.linkLost(first, true);

        clock.advance(250 * MS);
        assertEquals(List.of(), published(channel(first)), "no connection is welcomed at 250 ms");
        final RouterProxy second = welcomed();
        assertEquals(1, published(channel(second)).size());
        assertFalse(publish.isDone());
        conductor.onPublishNack(unavailable(1, "still not confirmed"));
        clock.advance(500 * MS);
        assertEquals(1, published(channel(second)).size(), "the second nack's resend, 500 ms after it");
    }

    @Test
    void aSequencelessNackAnswersTheOldestPublishNotBeingRetried()
    {
        final EmbeddedChannel ch = channel(welcomed());
        final CompletableFuture<PublishResult> retried = publish("one");
        final CompletableFuture<PublishResult> unreadable = publish("two");
        assertEquals(2, published(ch).size());
        conductor.onPublishNack(unavailable(1, "not confirmed"));

        conductor.onPublishNack(PublishNack.newBuilder().setReason(NackReason.MALFORMED_ENVELOPE).setDetail("unreadable").build());
        assertEquals(2, rejected(unreadable).originSequence());
        assertFalse(retried.isDone());
    }

    @Test
    void withoutARequestTimeoutItIsRetriedEvery2SecondsAtMostAndGivenUp30SecondsAfterTheFirstNack()
    {
        conductor.end(null);
        conductor = conductor(Duration.ZERO, clock);
        final EmbeddedChannel ch = channel(welcomed());
        final CompletableFuture<PublishResult> publish = publish("on scene");
        OutboundFrames.single(ch);
        final long firstNack = clock.nanoTime();
        final List<Long> delays = new ArrayList<>();
        for (int nacks = 0; nacks < 100 && !publish.isDone(); nacks++)
        {
            conductor.onPublishNack(unavailable(1, "not confirmed"));
            delays.add(millisUntilSentAgain(ch, publish));
        }
        assertEquals(List.of(250L, 500L, 1000L, 2000L, 2000L), delays.subList(0, 5));
        assertEquals(PublishRetries.BUDGET_WITHOUT_TIMEOUT_S * 1_000, (clock.nanoTime() - firstNack) / MS);
        assertEquals(NackReason.JOURNAL_UNAVAILABLE, rejected(publish).reason());
    }

    @Test
    void theDeadlineSweepAlsoFailsARetriedPublishWithItsLastNack()
    {
        conductor.end(null);
        conductor = conductor(REQUEST_TIMEOUT, (task, delay) -> { }); // timers never run: only the sweep acts
        final EmbeddedChannel ch = channel(welcomed());
        final CompletableFuture<PublishResult> publish = publish("on scene");
        OutboundFrames.single(ch);
        conductor.onPublishNack(unavailable(1, "Kafka: not enough replicas"));

        clock.advance(REQUEST_TIMEOUT.toNanos());
        conductor.expirePublishes();
        final PublishRejectedException failed = rejected(publish);
        assertEquals(NackReason.JOURNAL_UNAVAILABLE, failed.reason());
        assertEquals("Kafka: not enough replicas", failed.detail());
    }
}
