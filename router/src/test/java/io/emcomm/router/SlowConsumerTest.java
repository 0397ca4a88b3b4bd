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
import java.util.HashSet;
import java.util.Set;

import static io.emcomm.protocol.wire.TerminalKind.COMMAND_POST;
import static io.emcomm.protocol.wire.TerminalKind.GROUND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A command post that stops reading costs nobody else anything, holds bounded memory, and loses nothing. */
@Timeout(120)
@ExtendWith(LeakWatch.class)
class SlowConsumerTest
{
    private static final int QUEUE_LIMIT = 64;

    @TempDir
    Path dir;

    @Test
    void aStalledCommandPostIsFedFromTheJournalWhileOthersKeepReceiving() throws Exception
    {
        final int messages = 5000;
        try (Router router = Router.start(new Router.Context()
                .config(RouterConfig.loopback(dir).outboundQueueLimit(QUEUE_LIMIT).build()));
             TestTerminal stalled = TestTerminal.connectWithReceiveBuffer(router.port(), 4096);
             TestTerminal reader = TestTerminal.login(router.port(), "cp-5201", COMMAND_POST, "5201");
             TestTerminal publisher = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            stalled.hello("cp-52", COMMAND_POST, "52");
            stalled.pauseReading();
            final String body = "p".repeat(1000);
            int maxQueued = 0;
            final Session stalledSession = router.routingTable().terminal("cp-52");
            for (int i = 0; i < messages; i++)
            {
                publisher.publishNoWait(publisher.text(body + i, Precedence.ROUTINE, "region:52").build());
                if (i % 100 == 99)
                {
                    for (int a = 0; a < 100; a++)
                    {
                        publisher.awaitAck();
                    }
                    maxQueued = Math.max(maxQueued, stalledSession.feed().queued());
                }
            }
            final Set<Long> readerGot = new HashSet<>();
            for (int i = 0; i < messages; i++)
            {
                readerGot.add(reader.awaitAndAck().getJournalIndex());
            }
            assertEquals(messages, readerGot.size(), "the reading post got everything while the other one stalled");
            assertTrue(maxQueued <= QUEUE_LIMIT, "the stalled session's queue stayed bounded: " + maxQueued);
            assertTrue(router.counters().slowConsumerDrops() > 0, "the stalled session fell back to the journal");

            stalled.resumeReading();
            final Set<Long> stalledGot = new HashSet<>();
            for (int i = 0; i < messages; i++)
            {
                final Delivery d = stalled.awaitAndAck();
                assertTrue(stalledGot.add(d.getJournalIndex()), "no duplicate");
            }
            assertEquals(readerGot, stalledGot, "the stalled post caught up on every message from the journal");
        }
    }

    @Test
    void aSessionThatStaysBlockedPastTheLimitIsDisconnectedAndCatchesUpLater() throws Exception
    {
        final ManualClock clock = new ManualClock();
        try (Router router = Router.start(new Router.Context()
                .config(RouterConfig.loopback(dir).outboundQueueLimit(QUEUE_LIMIT).slowConsumerDisconnectMs(5_000).build())
                .clockMicros(clock));
             TestTerminal stalled = TestTerminal.connectWithReceiveBuffer(router.port(), 4096);
             TestTerminal publisher = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            stalled.hello("cp-52", COMMAND_POST, "52");
            stalled.pauseReading();
            final String body = "p".repeat(1000);
            for (int i = 0; i < 6000; i++)
            {
                publisher.publishNoWait(publisher.text(body, Precedence.ROUTINE, "region:52").build());
            }
            for (int i = 0; i < 6000; i++)
            {
                publisher.awaitAck();
            }
            router.runTimers();
            clock.advanceMillis(4_000);
            router.runTimers();
            assertEquals(0, router.counters().slowConsumerDisconnects(), "not yet past the limit");
            clock.advanceMillis(2_000);
            router.runTimers();
            assertEquals(1, router.counters().slowConsumerDisconnects());
            router.runTimers();
            assertEquals(1, router.counters().slowConsumerDisconnects(), "disconnected once, not once per tick");
            // the router closed without waiting for the stalled peer to read its error frame
            stalled.resumeReading();
            stalled.awaitClosed();
            try (TestTerminal again = TestTerminal.login(router.port(), "cp-52", COMMAND_POST, "52"))
            {
                final Set<Long> got = new HashSet<>();
                for (int i = 0; i < 6000; i++)
                {
                    got.add(again.awaitAndAck().getJournalIndex());
                }
                assertEquals(6000, got.size(), "every message reaches the post after it reconnects");
            }
        }
    }
}
