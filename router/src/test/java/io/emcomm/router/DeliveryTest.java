package io.emcomm.router;

import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.PublishAck;
import io.emcomm.protocol.wire.Text;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.config.Settings;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.ManualClock;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.emcomm.protocol.wire.TerminalKind.COMMAND_POST;
import static io.emcomm.protocol.wire.TerminalKind.GROUND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Store-and-forward, precedence, expiry and slow consumers, through real TCP and a real journal. */
@Timeout(120)
@ExtendWith(LeakWatch.class)
class DeliveryTest
{
    private static final int IN_FLIGHT_DEFAULT = Settings.DELIVERY_INFLIGHT.defaultValue();

    @TempDir
    Path dir;

    /**
     * Receives and acks deliveries until the marker text arrives; returns the indexes before it. The marker
     * proves that nothing else was delivered in between.
     */
    static List<Long> receiveUntilMarker(final TestTerminal t, final String marker) throws Exception
    {
        final List<Long> indexes = new ArrayList<>();
        while (true)
        {
            final Delivery d = t.awaitAndAck();
            if (d.getEnvelope().getText().getText().equals(marker))
            {
                return indexes;
            }
            indexes.add(d.getJournalIndex());
        }
    }

    @Test
    void anOfflineCommandPostCatchesUpOnEverythingAddressedToItThenGoesLiveWithoutGapOrDuplicate() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal publisher = TestTerminal.login(router.port(), "veh-9", GROUND, "520113001"))
        {
            TestTerminal cp = TestTerminal.login(router.port(), "cp-5201", COMMAND_POST, "5201");
            assertTrue(cp.subscribe("channel:flood.>").getOk());
            for (int cycle = 0; cycle < 3; cycle++)
            {
                // the last acks must be applied before the connection goes, or those messages come again
                // (at-least-once); exactly-once across a disconnect is what this test checks
                cp.sync();
                cp.close();
                final List<Long> expected = new ArrayList<>();
                for (int i = 0; i < 5; i++)
                {
                    expected.add(publisher.publish(publisher.text("direct " + i, Precedence.ROUTINE, "terminal:cp-5201").build()).getJournalIndex());
                    expected.add(publisher.publish(publisher.text("region " + i, Precedence.PRIORITY, "region:5201").build()).getJournalIndex());
                    expected.add(publisher.publish(publisher.text("channel " + i, Precedence.ROUTINE, "channel:flood.5201").build()).getJournalIndex());
                    expected.add(publisher.publish(publisher.text("up " + i, Precedence.ROUTINE, "up:520113001").build()).getJournalIndex());
                    publisher.publish(publisher.text("not for the post " + i, Precedence.ROUTINE, "region:5203", "channel:fire.1").build());
                }
                cp = TestTerminal.login(router.port(), "cp-5201", COMMAND_POST, "5201");
                // live traffic published right after the reconnect races the catch-up: the seam must hold
                for (int i = 0; i < 5; i++)
                {
                    expected.add(publisher.publish(publisher.text("live " + i, Precedence.ROUTINE, "region:52").build()).getJournalIndex());
                }
                publisher.publish(publisher.text("marker", Precedence.ROUTINE, "terminal:cp-5201").build());
                // Precedence reorders what is queued together (PRIORITY ahead of ROUTINE), so compare sorted.
                final List<Long> received = receiveUntilMarker(cp, "marker");
                assertEquals(expected.size(), received.size(), "cycle " + cycle + ": nothing twice, nothing missing");
                assertEquals(expected, received.stream().sorted().toList(), "cycle " + cycle + ": everything addressed to the post");
            }
            cp.close();
        }
    }

    @Test
    void backlogAndAcknowledgementsSurviveARouterRestart() throws Exception
    {
        final List<Long> backlog = new ArrayList<>();
        long acked;
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal cp = TestTerminal.login(router.port(), "cp-52", COMMAND_POST, "52");
             TestTerminal publisher = TestTerminal.login(router.port(), "uav-1", GROUND, "5201"))
        {
            acked = publisher.publish(publisher.text("seen before restart", Precedence.ROUTINE, "up:5201").build()).getJournalIndex();
            assertEquals(acked, cp.awaitAndAck().getJournalIndex());
            publisher.publish(publisher.text("marker", Precedence.ROUTINE, "terminal:uav-1").build());
            cp.close();
            for (int i = 0; i < 10; i++)
            {
                backlog.add(publisher.publish(publisher.text("while offline " + i, Precedence.ROUTINE, "up:5201").build()).getJournalIndex());
            }
        }
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal cp = TestTerminal.login(router.port(), "cp-52", COMMAND_POST, "52");
             TestTerminal publisher = TestTerminal.login(router.port(), "uav-1", GROUND, "5201"))
        {
            publisher.publish(publisher.text("marker", Precedence.ROUTINE, "terminal:cp-52").build());
            assertEquals(backlog, receiveUntilMarker(cp, "marker"), "the backlog, and not the message acked before the restart");
        }
    }

    @Test
    void atMostTheInFlightLimitOfRoutineIsWrittenUnacknowledgedWhileFlashStillGoesOut() throws Exception
    {
        final int limit = 8;
        try (Router router = Router.start(new Router.Context()
                .config(RouterConfig.loopback(dir).inFlightLimit(limit).build()));
             TestTerminal cp = TestTerminal.login(router.port(), "cp-5201", COMMAND_POST, "5201");
             TestTerminal publisher = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            final List<Long> routine = new ArrayList<>();
            for (int i = 0; i < 20; i++)
            {
                routine.add(publisher.publish(publisher.text("r" + i, Precedence.ROUTINE, "terminal:cp-5201").build()).getJournalIndex());
            }
            final List<Long> first = new ArrayList<>();
            for (int i = 0; i < limit; i++)
            {
                first.add(cp.awaitDelivery().getJournalIndex()); // read, not acknowledged
            }
            assertEquals(routine.subList(0, limit), first);
            // All 20 were queued before this FLASH was published: had the limit not held, ROUTINE #9 would be next.
            final long flash = publisher.publish(publisher.text("FLASH", Precedence.FLASH, "terminal:cp-5201").build()).getJournalIndex();
            assertEquals(flash, cp.awaitDelivery().getJournalIndex(), "the FLASH is written past a full in-flight limit");
            for (final long index : first)
            {
                cp.ack(index);
            }
            cp.ack(flash);
            final List<Long> rest = new ArrayList<>();
            for (int i = limit; i < routine.size(); i++)
            {
                rest.add(cp.awaitAndAck().getJournalIndex());
            }
            assertEquals(routine.subList(limit, routine.size()), rest, "acknowledging resumes the rest, in order");
        }
    }

    @Test
    void flashOvertakesASaturatedRoutineQueue() throws Exception
    {
        final int routine = 4000;
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal cp = TestTerminal.connectWithReceiveBuffer(router.port(), 4096);
             TestTerminal publisher = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            cp.hello("cp-5201", COMMAND_POST, "5201");
            cp.pauseReading();
            final String body = "r".repeat(2000);
            for (int i = 0; i < routine; i++)
            {
                publisher.publishNoWait(publisher.text(body, Precedence.ROUTINE, "terminal:cp-5201").build());
            }
            for (int i = 0; i < routine; i++)
            {
                publisher.awaitAck();
            }
            final long flash = publisher.publish(publisher.text("FLASH", Precedence.FLASH, "terminal:cp-5201").build()).getJournalIndex();
            cp.resumeReading();
            int position = -1;
            for (int i = 0; i <= routine; i++)
            {
                final Delivery d = cp.awaitAndAck();
                if (d.getJournalIndex() == flash)
                {
                    position = i;
                }
            }
            assertTrue(position >= 0, "FLASH delivered");
            assertTrue(position <= IN_FLIGHT_DEFAULT, "FLASH overtook the queued ROUTINE messages; it came at position "
                + position + " of " + (routine + 1) + " (only what was already written, at most the in-flight limit, may precede it)");
        }
    }

    @Test
    void expiredMessagesAreNotDeliveredLiveOrFromTheBacklogButStayInTheJournal() throws Exception
    {
        final ManualClock clock = new ManualClock();
        try (Router router = Router.start(new Router.Context()
                .config(RouterConfig.loopback(dir).build())
                .clockMicros(clock));
             TestTerminal publisher = TestTerminal.login(router.port(), "cp-5201", COMMAND_POST, "5201"))
        {
            // backlog path: the terminal is offline while its message expires
            TestTerminal veh = TestTerminal.login(router.port(), "veh-1", GROUND, "520102");
            veh.close();
            final long expiresAt = clock.getAsLong() + 60_000_000L;
            publisher.publish(publisher.text("stale soon", Precedence.PRIORITY, "terminal:veh-1").setExpiresAtMicros(expiresAt).build());
            final long fresh = publisher.publish(publisher.text("fresh", Precedence.PRIORITY, "terminal:veh-1").build()).getJournalIndex();
            clock.advanceMillis(61_000);
            veh = TestTerminal.connectWithReceiveBuffer(router.port(), 4096);
            veh.hello("veh-1", GROUND, "520102");
            publisher.publish(publisher.text("marker", Precedence.ROUTINE, "terminal:veh-1").build());
            assertEquals(List.of(fresh), receiveUntilMarker(veh, "marker"), "the expired message is skipped in catch-up");
            assertEquals(1, router.counters().expired());

            // live path: a message that expires while queued behind others is dropped when its turn comes
            final String body = "x".repeat(2000);
            veh.pauseReading();
            final long liveExpiry = clock.getAsLong() + 1_000_000L;
            for (int i = 0; i < 3000; i++)
            {
                publisher.publishNoWait(publisher.text(body, Precedence.ROUTINE, "terminal:veh-1").build());
            }
            for (int i = 0; i < 3000; i++)
            {
                publisher.awaitAck();
            }
            final long doomed = publisher.publish(publisher.text("doomed", Precedence.ROUTINE, "terminal:veh-1")
                .setExpiresAtMicros(liveExpiry).build()).getJournalIndex();
            publisher.publish(publisher.text("marker", Precedence.ROUTINE, "terminal:veh-1").build());
            clock.advanceMillis(2_000);
            veh.resumeReading();
            final List<Long> got = receiveUntilMarker(veh, "marker");
            assertFalse(got.contains(doomed), "expired while queued: not delivered");
            assertEquals(3000, got.size());
            assertEquals(2, router.counters().expired());
            veh.close();
            assertEquals(3005, publisher.replay(io.emcomm.protocol.wire.ReplayRequest.newBuilder().setRequestId(1).build()).size(),
                "expired messages stay in the journal");
        }
    }
}
