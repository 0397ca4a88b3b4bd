package io.emcomm.client;

import io.emcomm.router.config.RouterConfig;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.NackReason;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.ReplayRequest;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.Router;
import io.emcomm.testing.LeakWatch;
import io.netty.channel.Channel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client library against a real router on loopback with a real journal in a temp folder. */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class ClientTest
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

    private Router router()
    {
        return track(Router.start(Router.Context.loopback(dir)));
    }

    private Router router(final int port)
    {
        return track(Router.start(new Router.Context().config(RouterConfig.loopback(dir).port(port).build())));
    }

    /** Stops a router mid-test. Router.close() is not idempotent, so it leaves the clean-up list. */
    private void stop(final Router router)
    {
        resources.remove(router);
        router.close();
    }

    private <T extends AutoCloseable> T track(final T resource)
    {
        resources.add(resource);
        return resource;
    }

    private static ClientOptions.Builder options(final Router router, final String id, final TerminalKind kind, final String region)
    {
        return ClientOptions.builder()
            .router("127.0.0.1", router.port())
            .terminal(id, kind, region)
            .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
    }

    private EmcommClient connect(final ClientOptions.Builder options)
    {
        return track(EmcommClient.connect(options.build()));
    }

    private static <T> T await(final CompletableFuture<T> f) throws Exception
    {
        return f.get(WAIT_S, TimeUnit.SECONDS);
    }

    @Test
    void publishIsAckedWithIncreasingJournalIndexes() throws Exception
    {
        final Router router = router();
        final EmcommClient veh = connect(options(router, "veh-1", TerminalKind.GROUND, "520102"));

        final PublishResult first = await(veh.publish(Message.text("on scene").to("up:520102").precedence(Precedence.IMMEDIATE)));
        final PublishResult second = await(veh.publish(Message.position(26.58, 106.71).to("channel:positions.ground")));

        assertEquals("veh-1", first.origin());
        assertEquals(1, first.originSequence());
        assertEquals(2, second.originSequence());
        assertFalse(first.duplicate());
        assertTrue(second.journalIndex() > first.journalIndex());
        assertEquals(2, router.counters().journaled());
    }

    @Test
    void aPublishNackedJournalUnavailableIsSentAgainWithItsSequenceAndFailsWithThatNackAtTheRequestTimeout() throws Exception
    {
        // a disk minimum larger than any disk: the router's guard nacks every publish JOURNAL_UNAVAILABLE
        final Router router = track(Router.start(new Router.Context().config(RouterConfig.loopback(dir).diskMinFreeMb(1L << 40).build())));
        final EmcommClient veh = connect(options(router, "veh-1", TerminalKind.GROUND, "520102").requestTimeout(Duration.ofSeconds(2)));

        final CompletableFuture<PublishResult> publish = veh.publish(Message.text("on scene").to("up:520102"));
        final ExecutionException failed = assertThrows(ExecutionException.class, () -> publish.get(WAIT_S, TimeUnit.SECONDS));
        final PublishRejectedException rejected = assertInstanceOf(PublishRejectedException.class, failed.getCause());
        assertEquals(NackReason.JOURNAL_UNAVAILABLE, rejected.reason());
        assertEquals(1, rejected.originSequence());
        assertTrue(rejected.detail().startsWith("disk nearly full: "), rejected.detail());
        assertInstanceOf(TimeoutException.class, rejected.getCause());
        // sent at 0 and again 250 ms and 500 ms after the first two nacks, all before the 2 s deadline
        assertTrue(router.counters().nacked(NackReason.JOURNAL_UNAVAILABLE_VALUE) >= 3,
            "nacked " + router.counters().nacked(NackReason.JOURNAL_UNAVAILABLE_VALUE) + " times");
        assertEquals(0, router.counters().journaled());
    }

    @Test
    void sequenceContinuesFromTheRoutersRecordAcrossClients() throws Exception
    {
        final Router router = router();
        try (EmcommClient before = EmcommClient.connect(options(router, "uav-7", TerminalKind.AIR, "520111").build()))
        {
            await(before.publish(Message.text("a").to("up:520111")));
            await(before.publish(Message.text("b").to("up:520111")));
        }
        final EmcommClient after = connect(options(router, "uav-7", TerminalKind.AIR, "520111"));
        final PublishResult third = await(after.publish(Message.text("c").to("up:520111")));
        assertEquals(3, third.originSequence());
        assertFalse(third.duplicate());
    }

    @Test
    void nackFailsTheFutureWithTheReason() throws Exception
    {
        final Router router = router();
        final EmcommClient veh = connect(options(router, "veh-2", TerminalKind.GROUND, "520102"));

        final ExecutionException bad = assertThrows(ExecutionException.class,
            () -> await(veh.publish(Message.text("x").to("nowhere"))));
        final PublishRejectedException rejected = assertInstanceOf(PublishRejectedException.class, bad.getCause());
        assertEquals(NackReason.BAD_ADDRESS, rejected.reason());
        assertEquals(1, rejected.originSequence());

        final ExecutionException none = assertThrows(ExecutionException.class, () -> await(veh.publish(Message.text("y"))));
        assertEquals(NackReason.NO_DESTINATION, ((PublishRejectedException)none.getCause()).reason());

        // a nack does not break the session: the next message goes through
        assertFalse(await(veh.publish(Message.text("z").to("up:520102"))).duplicate());
        assertEquals(2, router.counters().nacked());
    }

    @Test
    void subscriberReceivesWhatIsPublishedOnItsChannelAndAcksIt() throws Exception
    {
        final Router router = router();
        final BlockingQueue<Delivery> received = new LinkedBlockingQueue<>();
        final EmcommClient cp = connect(options(router, "cp-5201", TerminalKind.COMMAND_POST, "5201")
            .deliveryListener(received::add));
        await(cp.subscribe("positions.>"));
        final EmcommClient uav = connect(options(router, "uav-1", TerminalKind.AIR, "520111"));

        final PublishResult sent = await(uav.publish(Message.position(26.5, 106.6, 1200, 15, 90)
            .to("channel:positions.air").precedence(Precedence.PRIORITY).ttl(Duration.ofMinutes(5))));

        final Delivery d = received.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(d, "delivery");
        assertEquals(sent.journalIndex(), d.journalIndex());
        assertEquals("uav-1", d.origin());
        assertEquals(1, d.originSequence());
        assertEquals("uav-1/1", d.messageId());
        assertEquals(Precedence.PRIORITY, d.precedence());
        assertEquals(List.of("channel:positions.air"), d.destinations());
        assertEquals(1200, d.envelope().getPosition().getAltitudeM());
        assertTrue(d.envelope().getExpiresAtMicros() > d.envelope().getCreatedAtMicros());
        assertFalse(d.isReplay());
        awaitCondition(() -> router.counters().deliveryAcks() == 1, "auto-ack reached the router");
    }

    @Test
    void badPatternFailsTheSubscriptionWithoutTouchingTheSession() throws Exception
    {
        final Router router = router();
        final EmcommClient cp = connect(options(router, "cp-52", TerminalKind.COMMAND_POST, "52"));
        final ExecutionException ex = assertThrows(ExecutionException.class, () -> await(cp.subscribe("flood..x")));
        assertEquals(ErrorCode.BAD_ADDRESS_PATTERN, ((EmcommException)ex.getCause()).errorCode());
        assertNull(await(cp.subscribe("channel:flood.*")));
    }

    @Test
    void unicastReachesOnlyTheAddressedTerminal() throws Exception
    {
        final Router router = router();
        final BlockingQueue<Delivery> toB = new LinkedBlockingQueue<>();
        final BlockingQueue<Delivery> toC = new LinkedBlockingQueue<>();
        final EmcommClient b = connect(options(router, "veh-b", TerminalKind.GROUND, "520102").deliveryListener(toB::add));
        final EmcommClient c = connect(options(router, "veh-c", TerminalKind.GROUND, "520102").deliveryListener(toC::add));
        await(b.subscribe("ops.all"));
        await(c.subscribe("ops.all"));
        final EmcommClient cp = connect(options(router, "cp-520102", TerminalKind.COMMAND_POST, "520102"));

        final PublishResult task = await(cp.publish(Message.task("t-1", "Check the bridge", "Report water level")
            .to("terminal:veh-b").precedence(Precedence.PRIORITY)));
        final PublishResult broadcast = await(cp.publish(Message.text("all units: status").to("channel:ops.all")));

        // Per session, deliveries from one publisher keep their order: C's first message shows it skipped the task.
        final Delivery taskAtB = toB.poll(WAIT_S, TimeUnit.SECONDS);
        assertEquals(task.journalIndex(), taskAtB.journalIndex());
        assertEquals("t-1", taskAtB.envelope().getTask().getTaskId());
        assertEquals(broadcast.journalIndex(), toB.poll(WAIT_S, TimeUnit.SECONDS).journalIndex());
        assertEquals(broadcast.journalIndex(), toC.poll(WAIT_S, TimeUnit.SECONDS).journalIndex());
    }

    @Test
    void manualAckIsSentOnlyWhenAsked() throws Exception
    {
        final Router router = router();
        final BlockingQueue<Delivery> received = new LinkedBlockingQueue<>();
        final EmcommClient sat = connect(options(router, "bd-1", TerminalKind.SPACE, "520113")
            .autoAck(false).deliveryListener(received::add));
        final EmcommClient cp = connect(options(router, "cp-5201", TerminalKind.COMMAND_POST, "5201"));

        await(cp.publish(Message.text("report status").to("terminal:bd-1")));
        final Delivery d = received.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(d);
        // A marker round trip: once the publisher's next ack is back, an auto-ack would have reached the router.
        await(cp.publish(Message.text("marker").to("up:5201")));
        assertEquals(0, router.counters().deliveryAcks());

        sat.ack(d.journalIndex());
        awaitCondition(() -> router.counters().deliveryAcks() == 1, "manual ack reached the router");
    }

    @Test
    void publishLostWithTheConnectionIsRetriedWithTheSameSequenceAndDeduplicated() throws Exception
    {
        final Router router = router();
        final BlockingQueue<ConnectionState> states = new LinkedBlockingQueue<>();
        final ClientSession veh = (ClientSession)connect(options(router, "veh-9", TerminalKind.GROUND, "520102")
            .connectionListener((s, cause) -> states.add(s)));
        assertEquals(ConnectionState.CONNECTED, states.poll(WAIT_S, TimeUnit.SECONDS));

        // On the network thread, write the publish and close the socket before the ack can be read:
        // the router journals the message, its ack is lost, and the client must send it again.
        final Channel ch = veh.currentChannel();
        final CompletableFuture<CompletableFuture<PublishResult>> inFlight = new CompletableFuture<>();
        ch.eventLoop().execute(() ->
        {
            inFlight.complete(veh.publish(Message.text("water at 2 m").to("up:520102")));
            ch.close();
        });
        final PublishResult result = await(await(inFlight));

        assertEquals(ConnectionState.DISCONNECTED, states.poll(WAIT_S, TimeUnit.SECONDS));
        assertEquals(ConnectionState.CONNECTED, states.poll(WAIT_S, TimeUnit.SECONDS));
        assertEquals(1, result.originSequence());
        assertTrue(result.duplicate(), "the retry was recognised as a duplicate");
        assertEquals(1, router.counters().journaled());
        assertEquals(1, router.counters().duplicates());

        final ReplayResult journal = await(veh.replay(ReplayRequest.newBuilder().setOrigin("veh-9").build()));
        assertEquals(1, journal.count());
        assertEquals(result.journalIndex(), journal.items().get(0).journalIndex());
        assertTrue(journal.items().get(0).isReplay());
    }

    @Test
    void reconnectsAfterARouterRestartResubscribesAndRetriesUnackedPublishes() throws Exception
    {
        final Router first = router();
        final int port = first.port();
        final BlockingQueue<ConnectionState> states = new LinkedBlockingQueue<>();
        final BlockingQueue<Delivery> received = new LinkedBlockingQueue<>();
        final EmcommClient cp = connect(options(first, "cp-520111", TerminalKind.COMMAND_POST, "520111")
            .deliveryListener(received::add)
            .connectionListener((s, cause) -> states.add(s)));
        assertEquals(ConnectionState.CONNECTED, states.poll(WAIT_S, TimeUnit.SECONDS));
        await(cp.subscribe("flood.>"));
        final PublishResult before = await(cp.publish(Message.text("before").to("region:520111")));

        stop(first);
        assertEquals(ConnectionState.DISCONNECTED, states.poll(WAIT_S, TimeUnit.SECONDS));
        final CompletableFuture<PublishResult> whileDown = cp.publish(Message.text("while down").to("region:520111"));
        assertFalse(whileDown.isDone());

        final Router second = router(port);
        assertEquals(ConnectionState.CONNECTED, states.poll(WAIT_S, TimeUnit.SECONDS));
        final PublishResult retried = await(whileDown);
        assertEquals(2, retried.originSequence());
        assertFalse(retried.duplicate());
        assertTrue(retried.journalIndex() > before.journalIndex());

        // The subscription was renewed with the new router.
        final EmcommClient gauge = connect(options(second, "gauge-3", TerminalKind.GROUND, "520111"));
        final PublishResult reading = await(gauge.publish(Message.text("level 3.2 m").to("channel:flood.520111")));
        Delivery d = received.poll(WAIT_S, TimeUnit.SECONDS);
        while (d != null && !d.origin().equals("gauge-3"))
        {
            d = received.poll(WAIT_S, TimeUnit.SECONDS); // skip region traffic from the post itself
        }
        assertNotNull(d, "delivery on the renewed subscription");
        assertEquals(reading.journalIndex(), d.journalIndex());
    }

    @Test
    void unsubscribeRemovesPatternsForGoodAndTheyAreNotRenewed() throws Exception
    {
        final Router first = router();
        final int port = first.port();
        final BlockingQueue<ConnectionState> states = new LinkedBlockingQueue<>();
        final BlockingQueue<Delivery> received = new LinkedBlockingQueue<>();
        final EmcommClient cp = connect(options(first, "cp-5202", TerminalKind.COMMAND_POST, "5202")
            .deliveryListener(received::add)
            .connectionListener((s, cause) -> states.add(s)));
        assertEquals(ConnectionState.CONNECTED, states.poll(WAIT_S, TimeUnit.SECONDS));
        await(cp.subscribe("flood.>", "channel:fire.>"));
        final ExecutionException bad = assertThrows(ExecutionException.class, () -> await(cp.unsubscribe("flood..x")));
        assertEquals(ErrorCode.BAD_ADDRESS_PATTERN, ((EmcommException)bad.getCause()).errorCode());
        assertNull(await(cp.unsubscribe("channel:flood.>", "never.held")), "removing what is not held is no error");

        final EmcommClient gauge = connect(options(first, "gauge-4", TerminalKind.GROUND, "520111"));
        await(gauge.publish(Message.text("level").to("channel:flood.5202")));
        final PublishResult smoke = await(gauge.publish(Message.text("smoke").to("channel:fire.5202")));
        assertEquals(smoke.journalIndex(), received.poll(WAIT_S, TimeUnit.SECONDS).journalIndex(), "flood.> is gone");
        awaitCondition(() -> first.counters().deliveryAcks() == 1, "the ack reached the router before it stops");

        stop(first);
        assertEquals(ConnectionState.DISCONNECTED, states.poll(WAIT_S, TimeUnit.SECONDS));
        final ExecutionException offline = assertThrows(ExecutionException.class, () -> await(cp.unsubscribe("fire.>")));
        assertEquals("not connected to the router", offline.getCause().getMessage());
        router(port);
        assertEquals(ConnectionState.CONNECTED, states.poll(WAIT_S, TimeUnit.SECONDS));
        await(cp.subscribe("fire.>")); // answered after the renewal sent at the welcome, on the same connection
        // the gauge reconnects on its own and sends these once the new router welcomes it
        await(gauge.publish(Message.text("level again").to("channel:flood.5202")));
        final PublishResult again = await(gauge.publish(Message.text("smoke again").to("channel:fire.5202")));
        assertEquals(again.journalIndex(), received.poll(WAIT_S, TimeUnit.SECONDS).journalIndex(),
            "the reconnect renewed fire.> only");
    }

    @Test
    void publishTimesOutWhileTheRouterStaysDown() throws Exception
    {
        final Router router = router();
        final BlockingQueue<ConnectionState> states = new LinkedBlockingQueue<>();
        final EmcommClient veh = connect(options(router, "veh-t", TerminalKind.GROUND, "520102")
            .requestTimeout(Duration.ofMillis(300))
            .connectionListener((s, cause) -> states.add(s)));
        assertEquals(ConnectionState.CONNECTED, states.poll(WAIT_S, TimeUnit.SECONDS));
        stop(router);
        assertEquals(ConnectionState.DISCONNECTED, states.poll(WAIT_S, TimeUnit.SECONDS));

        final ExecutionException ex = assertThrows(ExecutionException.class,
            () -> await(veh.publish(Message.text("anyone?").to("up:520102"))));
        assertInstanceOf(TimeoutException.class, ex.getCause());
    }

    @Test
    void replayReturnsMatchingEntriesAndTheEnd() throws Exception
    {
        final Router router = router();
        final EmcommClient cp = connect(options(router, "cp-52", TerminalKind.COMMAND_POST, "52"));
        final EmcommClient veh = connect(options(router, "veh-r", TerminalKind.GROUND, "520102"));
        await(cp.publish(Message.text("routine").to("region:52")));
        final PublishResult flash = await(cp.publish(Message.alert("Flood", io.emcomm.protocol.wire.Alert.Severity.EXTREME,
            "Evacuate", "5201").to("region:5201").precedence(Precedence.FLASH)));
        await(veh.publish(Message.text("other origin").to("up:520102").precedence(Precedence.FLASH)));

        final ReplayResult result = await(veh.replay(ReplayRequest.newBuilder()
            .setOrigin("cp-52").setMinPrecedence(Precedence.IMMEDIATE).build()));
        assertEquals(1, result.count());
        assertEquals(flash.journalIndex(), result.lastIndex());
        assertEquals("cp-52/2", result.items().get(0).envelope().getAlert().getIdentifier());

        final List<Delivery> streamed = new ArrayList<>();
        final ReplayResult all = await(veh.replay(ReplayRequest.getDefaultInstance(), streamed::add));
        assertEquals(3, all.count());
        assertEquals(3, streamed.size());
        assertTrue(all.items().isEmpty());
    }

    @Test
    void latestPositionsHoldTheLastReportOfEachTerminalInTheRegion() throws Exception
    {
        final Router router = router();
        final EmcommClient uav = connect(options(router, "uav-p", TerminalKind.AIR, "520111"));
        final EmcommClient veh = connect(options(router, "veh-p", TerminalKind.GROUND, "520102"));
        final EmcommClient far = connect(options(router, "veh-far", TerminalKind.GROUND, "5203"));
        await(uav.publish(Message.position(26.40, 106.60).to("channel:positions.air")));
        final PublishResult uavLast = await(uav.publish(Message.position(26.41, 106.61).to("channel:positions.air")));
        final PublishResult vehLast = await(veh.publish(Message.position(26.57, 106.71).to("channel:positions.ground")));
        await(far.publish(Message.position(27.70, 106.90).to("channel:positions.ground")));

        final EmcommClient cp = connect(options(router, "cp-5201", TerminalKind.COMMAND_POST, "5201"));
        final ReplayResult picture = await(cp.latestPositions("5201"));

        assertEquals(2, picture.count());
        final List<Long> indexes = picture.items().stream().map(Delivery::journalIndex).sorted().toList();
        assertEquals(List.of(uavLast.journalIndex(), vehLast.journalIndex()), indexes);
    }

    @Test
    void aTerminalCatchesUpOnWhatItMissedWhileOffline() throws Exception
    {
        final Router router = router();
        final BlockingQueue<Delivery> first = new LinkedBlockingQueue<>();
        try (EmcommClient veh = EmcommClient.connect(options(router, "veh-off", TerminalKind.GROUND, "520113")
            .deliveryListener(first::add).build()))
        {
            assertEquals(ConnectionState.CONNECTED, veh.state()); // known to the router from now on
        }
        final EmcommClient cp = connect(options(router, "cp-520113", TerminalKind.COMMAND_POST, "520113"));
        final PublishResult task = await(cp.publish(Message.task("t-9", "Evacuate school", "Move pupils to high ground")
            .to("terminal:veh-off").precedence(Precedence.IMMEDIATE)));
        final PublishResult alert = await(cp.publish(Message.alert("Landslide", io.emcomm.protocol.wire.Alert.Severity.SEVERE,
            "Slope moving above G75", "520113").to("region:520113").precedence(Precedence.FLASH)));

        final BlockingQueue<Delivery> back = new LinkedBlockingQueue<>();
        connect(options(router, "veh-off", TerminalKind.GROUND, "520113").deliveryListener(back::add));
        final List<Long> caughtUp = new ArrayList<>();
        for (int i = 0; i < 2; i++)
        {
            final Delivery d = back.poll(WAIT_S, TimeUnit.SECONDS);
            assertNotNull(d, "caught-up delivery " + i);
            caughtUp.add(d.journalIndex());
        }
        assertTrue(caughtUp.containsAll(List.of(task.journalIndex(), alert.journalIndex())), caughtUp.toString());
        assertTrue(first.isEmpty());
    }

    @Test
    void anUnknownLinkProfileIsRefusedAtLogin()
    {
        final Router router = router();
        final EmcommException ex = assertThrows(EmcommException.class, () -> EmcommClient.connect(
            options(router, "bd-x", TerminalKind.SPACE, "52").linkProfile("carrier-pigeon").build()));
        assertEquals(ErrorCode.UNKNOWN_LINK_PROFILE, ex.errorCode());
    }

    @Test
    void aSecondLoginWithTheSameIdClosesTheFirstForGood() throws Exception
    {
        final Router router = router();
        final BlockingQueue<Object[]> states = new LinkedBlockingQueue<>();
        final EmcommClient old = connect(options(router, "uav-dup", TerminalKind.AIR, "5201")
            .connectionListener((s, cause) -> states.add(new Object[] {s, cause})));
        assertEquals(ConnectionState.CONNECTED, states.poll(WAIT_S, TimeUnit.SECONDS)[0]);

        connect(options(router, "uav-dup", TerminalKind.AIR, "5201"));

        final Object[] replaced = states.poll(WAIT_S, TimeUnit.SECONDS);
        assertEquals(ConnectionState.REPLACED, replaced[0]);
        assertEquals(ErrorCode.SESSION_REPLACED, assertInstanceOf(SessionReplacedException.class, replaced[1]).errorCode());
        assertEquals(ConnectionState.REPLACED, old.state());
        assertInstanceOf(SessionReplacedException.class, assertThrows(ExecutionException.class,
            () -> await(old.publish(Message.text("x").to("up:5201")))).getCause());
    }

    @Test
    void connectFailsWithOneClearSentenceWhenNoRouterListens() throws Exception
    {
        final Router router = router();
        final int port = router.port();
        stop(router);
        final EmcommException ex = assertThrows(EmcommException.class, () -> EmcommClient.connect(ClientOptions.builder()
            .router("127.0.0.1", port).terminal("veh-x", TerminalKind.GROUND, "52").build()));
        assertEquals("cannot reach the router at 127.0.0.1:" + port + ": connection refused", ex.getMessage());
    }

    /** Waits for a condition the router reaches asynchronously (counters); bounded, never a fixed sleep. */
    private static void awaitCondition(final java.util.function.BooleanSupplier condition, final String what)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
