package io.emcomm.client;

import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.ReplayRequest;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.Router;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.testing.LeakWatch;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The in-place replay path ({@link EmcommClient#replayInto}) against a real router on loopback with a real journal:
 * every selected entry once, in journal order, read through the {@link DeliveryView} on the network thread, ended by
 * REPLAY_END's count; a body longer than one socket read whole; a handler that throws costs only its item.
 */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class ReplayIntoTest
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

    private EmcommClient connect(final Router router, final String id, final TerminalKind kind, final String region)
    {
        return track(EmcommClient.connect(ClientOptions.builder()
            .router("127.0.0.1", router.port())
            .terminal(id, kind, region)
            .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
            .build()));
    }

    private static <T> T await(final CompletableFuture<T> f) throws Exception
    {
        return f.get(WAIT_S, TimeUnit.SECONDS);
    }

    /** What a handler copies out of the flyweight during its call (the view is reused for the next item). */
    private record Item(long journalIndex, String origin, Precedence precedence, String firstTo, String text,
        long deliverySeq, String thread)
    {
        static Item of(final DeliveryView v)
        {
            return new Item(v.journalIndex(), v.origin(), v.precedence(),
                v.buffer().toString(v.firstToOffset(), v.firstToLength(), StandardCharsets.UTF_8),
                v.buffer().toString(v.textOffset(), v.textLength(), StandardCharsets.UTF_8), v.deliverySeq(),
                Thread.currentThread().getName());
        }
    }

    private static Item expected(final PublishResult published, final String origin, final Precedence precedence,
        final String to, final String text)
    {
        return new Item(published.journalIndex(), origin, precedence, to, text, 0, null);
    }

    private static List<Item> withoutThread(final List<Item> items)
    {
        return items.stream().map(i -> new Item(i.journalIndex(), i.origin(), i.precedence(), i.firstTo(), i.text(),
            i.deliverySeq(), null)).toList();
    }

    @Test
    void aReplayByOriginHandsEveryEntryOnceInJournalOrderThroughTheViewOnTheNetworkThread() throws Exception
    {
        final Router router = track(Router.start(Router.Context.loopback(dir)));
        final EmcommClient veh = connect(router, "veh-7", TerminalKind.GROUND, "520102");
        final EmcommClient other = connect(router, "veh-8", TerminalKind.GROUND, "520102");
        final List<Item> expected = new ArrayList<>();
        final Precedence[] precedences = {Precedence.ROUTINE, Precedence.PRIORITY, Precedence.IMMEDIATE, Precedence.FLASH};
        for (int i = 0; i < 40; i++)
        {
            final Precedence precedence = precedences[i % precedences.length];
            final String text = "report " + i;
            expected.add(expected(await(veh.publish(Message.text(text).to("channel:flood.5201").precedence(precedence))),
                "veh-7", precedence, "channel:flood.5201", text));
            await(other.publish(Message.text("noise " + i).to("channel:flood.5201")));
        }

        final EmcommClient cp = connect(router, "cp-5201", TerminalKind.COMMAND_POST, "5201");
        final List<Item> seen = new CopyOnWriteArrayList<>();
        final ReplayResult result = await(cp.replayInto(ReplayRequest.newBuilder().setOrigin("veh-7").build(),
            v -> seen.add(Item.of(v))));

        assertEquals(expected, withoutThread(seen), "each of veh-7's entries once, in journal order, fields as published");
        assertEquals(40, result.count(), "REPLAY_END's count");
        assertEquals(expected.get(39).journalIndex(), result.lastIndex());
        assertTrue(result.items().isEmpty(), "handled in place, not collected");
        assertTrue(seen.stream().allMatch(i -> i.thread().startsWith("emcomm-client-io")),
            "on the network thread, not the dispatch thread: " + seen.get(0).thread());
    }

    @Test
    void aReplayOfAChannelsRangeHandsItsEntriesInOrderAndTheCountMatchesTheEnd() throws Exception
    {
        final Router router = track(Router.start(Router.Context.loopback(dir)));
        final EmcommClient uav = connect(router, "uav-3", TerminalKind.AIR, "520111");
        final EmcommClient veh = connect(router, "veh-3", TerminalKind.GROUND, "520102");
        await(uav.publish(Message.text("before").to("channel:other")));
        final List<Item> expected = new ArrayList<>();
        for (int i = 0; i < 30; i++)
        {
            final EmcommClient from = i % 2 == 0 ? uav : veh;
            final String origin = i % 2 == 0 ? "uav-3" : "veh-3";
            expected.add(expected(await(from.publish(Message.text("log " + i).to("channel:log.5201").precedence(Precedence.PRIORITY))),
                origin, Precedence.PRIORITY, "channel:log.5201", "log " + i));
        }
        await(uav.publish(Message.text("after").to("channel:other")));

        // the request has no channel filter: the channel's entries are the index range they were journaled in
        final EmcommClient cp = connect(router, "cp-5201", TerminalKind.COMMAND_POST, "5201");
        final List<Item> seen = new CopyOnWriteArrayList<>();
        final ReplayResult result = await(cp.replayInto(ReplayRequest.newBuilder()
            .setFromIndex(expected.get(0).journalIndex()).setToIndex(expected.get(29).journalIndex()).build(),
            v -> seen.add(Item.of(v))));

        assertEquals(expected, withoutThread(seen));
        assertEquals(seen.size(), result.count());
        assertEquals(0, result.damaged());
    }

    @Test
    void anItemLargerThanOneReadBufferArrivesWhole() throws Exception
    {
        final Router router = track(Router.start(new Router.Context()
            .config(RouterConfig.loopback(dir).maxFrameBytes(1 << 20).build())));
        final EmcommClient veh = connect(router, "veh-big", TerminalKind.GROUND, "520102");
        // a read buffer holds at most 64 KiB (Netty's adaptive receive allocator): this frame spans several reads
        final String big = "x".repeat(600_000);
        final PublishResult first = await(veh.publish(Message.text("small").to("channel:big")));
        final PublishResult large = await(veh.publish(Message.text(big).to("channel:big")));
        final PublishResult last = await(veh.publish(Message.text("small again").to("channel:big")));

        final EmcommClient cp = connect(router, "cp-5201", TerminalKind.COMMAND_POST, "5201");
        final List<Item> seen = new CopyOnWriteArrayList<>();
        final ReplayResult result = await(cp.replayInto(ReplayRequest.newBuilder().setOrigin("veh-big").build(),
            v -> seen.add(Item.of(v))));

        assertEquals(List.of(first.journalIndex(), large.journalIndex(), last.journalIndex()),
            seen.stream().map(Item::journalIndex).toList());
        assertEquals(big, seen.get(1).text(), "the large body whole");
        assertEquals("small again", seen.get(2).text());
        assertEquals(3, result.count());
    }

    @Test
    void aHandlerThatThrowsLosesOnlyThatItemAndTheConnectionGoesOn() throws Exception
    {
        final Router router = track(Router.start(Router.Context.loopback(dir)));
        final EmcommClient veh = connect(router, "veh-9", TerminalKind.GROUND, "520102");
        final List<Long> published = new ArrayList<>();
        for (int i = 0; i < 5; i++)
        {
            published.add(await(veh.publish(Message.text("entry " + i).to("channel:log"))).journalIndex());
        }
        final List<String> states = new CopyOnWriteArrayList<>();
        final EmcommClient cp = track(EmcommClient.connect(ClientOptions.builder()
            .router("127.0.0.1", router.port())
            .terminal("cp-5201", TerminalKind.COMMAND_POST, "5201")
            .connectionListener((state, cause) -> states.add(state.name()))
            .build()));

        final List<Long> handled = new CopyOnWriteArrayList<>();
        final List<Throwable> reported = new CopyOnWriteArrayList<>();
        final ReplayResult result = await(cp.replayInto(ReplayRequest.newBuilder().setOrigin("veh-9").build(), v ->
        {
            if (v.journalIndex() == published.get(2))
            {
                // where the live DeliveryHandler path reports a throwing handler: the thread's uncaught handler
                Thread.currentThread().setUncaughtExceptionHandler((t, ex) -> reported.add(ex));
                throw new IllegalStateException("handler bug");
            }
            handled.add(v.journalIndex());
        }));

        assertEquals(List.of(published.get(0), published.get(1), published.get(3), published.get(4)), handled,
            "the items after the failing one still arrive");
        assertEquals(5, result.count());
        assertEquals(List.of("handler bug"), reported.stream().map(Throwable::getMessage).toList());
        assertEquals(ConnectionState.CONNECTED, cp.state());
        assertFalse(states.contains(ConnectionState.DISCONNECTED.name()), "no disconnect: " + states);
        final PublishResult after = await(cp.publish(Message.text("still here").to("channel:log")));
        assertNotEquals(0, after.journalIndex());
        assertEquals(1, await(cp.replayInto(ReplayRequest.newBuilder().setFromIndex(after.journalIndex()).build(),
            v -> { })).count(), "a later replay on the same connection works");
    }

    @Test
    void aRefusedRequestFailsTheFutureWithTheRoutersReasonAndHandsNothing() throws Exception
    {
        final Router router = track(Router.start(Router.Context.loopback(dir)));
        final EmcommClient cp = connect(router, "cp-5201", TerminalKind.COMMAND_POST, "5201");
        await(cp.publish(Message.text("one").to("channel:log")));
        final List<Long> handled = new CopyOnWriteArrayList<>();

        final ExecutionException refused = assertThrows(ExecutionException.class, () -> await(cp.replayInto(
            ReplayRequest.newBuilder().setFromIndex(10).setToIndex(5).build(), v -> handled.add(v.journalIndex()))));

        final EmcommException cause = assertInstanceOf(EmcommException.class, refused.getCause());
        assertEquals(ErrorCode.BAD_REPLAY_REQUEST, cause.errorCode());
        assertEquals(List.of(), handled);
        assertEquals(1, await(cp.replayInto(ReplayRequest.getDefaultInstance(), v -> handled.add(v.journalIndex()))).count(),
            "the next request is answered");
    }
}
