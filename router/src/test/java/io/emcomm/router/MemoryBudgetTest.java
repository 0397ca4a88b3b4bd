package io.emcomm.router;

import io.emcomm.router.config.RouterConfig;
import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.router.session.Session;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.ManualClock;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static io.emcomm.protocol.wire.TerminalKind.COMMAND_POST;
import static io.emcomm.protocol.wire.TerminalKind.GROUND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, kind 6: memory for deliveries is bounded by bytes, per session and router-wide, and when it runs short
 * the posts that do not read pay for it (they fall back to the journal, then are disconnected), never a publisher
 * or a post that reads. Budgets are set small here so a few hundred 20 KB messages reach them.
 */
@Timeout(120)
@ExtendWith(LeakWatch.class)
class MemoryBudgetTest
{
    private static final int KIB = 1024;
    private static final long SESSION_BYTES = 1024 * KIB;
    private static final long ROUTER_BYTES = 2048 * KIB;
    /** A frame of a 20,000-character text: envelope, delivery header and the facts in front of it. */
    private static final long FRAME_BYTES_AT_MOST = 20_300;
    /** Netty's outbound buffer of one connection: up to the high water mark, plus the frame that crossed it. */
    private static final long WRITE_BUFFER_AT_MOST = 64 * KIB + FRAME_BYTES_AT_MOST;

    @TempDir
    Path dir;

    @Test
    void aPostThatStopsReadingFallsBackByBytesNotByCount() throws Exception
    {
        final int messages = 400; // 8 MB for a post with a 1 MiB budget; far below every count limit
        try (Router router = Router.start(new Router.Context()
                .config(RouterConfig.loopback(dir).outboundSessionBytes(SESSION_BYTES).build()));
             TestTerminal stalled = TestTerminal.connectWithReceiveBuffer(router.port(), 4096);
             TestTerminal reader = TestTerminal.login(router.port(), "cp-5201", COMMAND_POST, "5201");
             TestTerminal publisher = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            stalled.hello("cp-52", COMMAND_POST, "52");
            stalled.pauseReading();
            final String body = "m".repeat(20_000);
            long mostHeld = 0;
            final Set<Long> readerGot = new HashSet<>();
            for (int i = 0; i < messages; i++)
            {
                publisher.publish(publisher.text(body, Precedence.ROUTINE, "region:52").build());
                readerGot.add(reader.awaitAndAck().getJournalIndex());
                mostHeld = Math.max(mostHeld, router.outboundBudget().held());
            }
            assertEquals(messages, readerGot.size(), "the post that reads got everything");
            assertTrue(mostHeld <= SESSION_BYTES + 2 * WRITE_BUFFER_AT_MOST,
                "the stalled post held at most its byte budget (and the reader its write buffer): " + mostHeld);
            assertTrue(router.counters().slowConsumerDrops() > 0, "the stalled post fell back to the journal");

            stalled.resumeReading();
            final Set<Long> stalledGot = new HashSet<>();
            for (int i = 0; i < messages; i++)
            {
                assertTrue(stalledGot.add(stalled.awaitAndAck().getJournalIndex()), "no duplicate");
            }
            assertEquals(readerGot, stalledGot, "the stalled post caught up on every message from the journal");
        }
    }

    @Test
    void whenTheRouterRunsShortTheStalledPostsPayAndNobodyElse() throws Exception
    {
        final ManualClock clock = new ManualClock();
        // the time-based slow-consumer limit is off: any disconnect here is the memory budget's
        try (Router router = Router.start(new Router.Context()
                .config(RouterConfig.loopback(dir).outboundSessionBytes(SESSION_BYTES)
                .outboundRouterBytes(ROUTER_BYTES).slowConsumerDisconnectMs(0).build()).clockMicros(clock));
             TestTerminal healthy = TestTerminal.login(router.port(), "cp-ok", COMMAND_POST, "5201");
             TestTerminal publisher = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            final List<TestTerminal> stalled = new ArrayList<>();
            try
            {
                for (int i = 1; i <= 4; i++)
                {
                    final TestTerminal t = TestTerminal.connectWithReceiveBuffer(router.port(), 4096);
                    t.hello("cp-s" + i, COMMAND_POST, "5201");
                    t.pauseReading();
                    stalled.add(t);
                }
                final String body = "m".repeat(20_000);
                final Set<Long> healthyGot = new HashSet<>();
                final Set<Long> published = new HashSet<>();
                // ROUTINE to all five posts: the four that do not read stop taking it near three quarters of the budget
                for (int i = 0; i < 300; i++)
                {
                    published.add(publisher.publish(publisher.text(body, Precedence.ROUTINE, "region:5201").build()).getJournalIndex());
                    healthyGot.add(healthy.awaitAndAck().getJournalIndex());
                    assertTrue(router.outboundBudget().held() <= ROUTER_BYTES,
                        "below the router's budget while only ROUTINE comes: " + router.outboundBudget().held() + " " + describe(router));
                }
                final long routineDisconnects = router.counters().slowConsumerDisconnects();
                // FLASH is queued for every post whatever it holds: the stalled ones push the router over its budget
                for (int i = 0; i < 40; i++)
                {
                    published.add(publisher.publish(publisher.text(body, Precedence.FLASH, "region:5201").build()).getJournalIndex());
                    healthyGot.add(healthy.awaitAndAck().getJournalIndex());
                }
                assertTrue(router.outboundBudget().isOver(), "over the budget: " + router.outboundBudget().held());
                assertEquals(0, routineDisconnects, "nobody was disconnected while the stalled posts could fall back");

                router.runTimers(); // the stalled posts are seen taking nothing
                clock.advanceMillis(1_500);
                router.runTimers(); // stalled for more than a tick: the heaviest are disconnected
                router.runTimers(); // the disconnects queued on other event loops have run
                final long disconnected = router.counters().slowConsumerDisconnects();
                assertTrue(disconnected >= 1 && disconnected <= 4, "stalled posts were disconnected: " + disconnected);

                publisher.sync();
                healthy.sync();
                assertFalse(publisher.isClosedByPeer(), "the publisher was never refused or closed");
                assertFalse(healthy.isClosedByPeer(), "the post that reads was never closed");
                assertEquals(published, healthyGot, "the post that reads got every message");

                final List<String> victims = new ArrayList<>();
                for (final TestTerminal t : stalled)
                {
                    final Session s = router.routingTable().terminal(t.id());
                    if (s == null || !s.channel().isActive())
                    {
                        victims.add(t.id());
                        t.resumeReading();
                        t.awaitClosed();
                    }
                }
                assertEquals(disconnected, victims.size(), "the disconnected posts: " + victims);
                awaitTrue(() -> router.outboundBudget().held() < ROUTER_BYTES,
                    () -> "their memory was released: " + router.outboundBudget().held());

                for (final String id : victims)
                {
                    try (TestTerminal again = TestTerminal.login(router.port(), id, COMMAND_POST, "5201"))
                    {
                        final Set<Long> got = new HashSet<>();
                        for (int i = 0; i < published.size(); i++)
                        {
                            final Delivery d = again.awaitAndAck();
                            got.add(d.getJournalIndex());
                        }
                        assertEquals(published, got, id + " gets every message from the journal when it logs in again");
                    }
                }
            }
            finally
            {
                for (final TestTerminal t : stalled)
                {
                    t.close();
                }
            }
        }
    }

    private static String describe(final Router router)
    {
        final StringBuilder b = new StringBuilder();
        for (final Session s : router.routingTable().sessions())
        {
            b.append(s.terminalId()).append(" queued=").append(s.feed().queued()).append(" writable=")
                .append(s.channel().isWritable()).append(" live=").append(s.feed().isLive()).append("; ");
        }
        return b.toString();
    }

    /** Waits for a condition the router reaches on its own event loops, failing after the terminal timeout. */
    private static void awaitTrue(final BooleanSupplier condition, final Supplier<String> message)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TestTerminal.TIMEOUT_MS);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError(message.get());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
