package io.emcomm.router;

import io.emcomm.router.config.RouterConfig;
import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

import static io.emcomm.protocol.wire.TerminalKind.COMMAND_POST;
import static io.emcomm.protocol.wire.TerminalKind.GROUND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a terminal is entitled to is evaluated against its whole backlog whenever its subscriptions change
 * (issue 12, kind 5; protocol.md section 6): a pattern added while it catches up, or while live with its cursor
 * still behind, selects matching messages journaled since the cursor.
 */
@Timeout(120)
@ExtendWith(LeakWatch.class)
class LateSubscriptionTest
{
    private static final String CP = "cp-q";

    @TempDir
    Path dir;

    /** The input of issue 12 kind 5. */
    @Test
    void aPatternAddedDuringCatchUpSelectsAMatchingMessageTheCatchUpHadAlreadyPassed() throws Exception
    {
        try (Router router = Router.start(new Router.Context()
                .config(RouterConfig.loopback(dir).deliveryWindow(64).inFlightLimit(64).build()));
             TestTerminal publisher = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            introduce(router);
            final long late = publisher.publish(publisher.text("late", Precedence.ROUTINE, "channel:late.sub").build()).getJournalIndex();
            final List<Long> direct = publisher.publishMany(3000, "direct", Precedence.ROUTINE, "terminal:" + CP);
            try (TestTerminal cp = TestTerminal.login(router.port(), CP, COMMAND_POST, "5201"))
            {
                final TreeSet<Long> got = new TreeSet<>();
                for (int i = 0; i < 16; i++)
                {
                    got.add(cp.awaitDelivery().getJournalIndex()); // read, not acknowledged
                }
                assertTrue(cp.subscribe("channel:late.>").getOk());
                assertTrue(router.cursors().terminal(CP, -1).cursor() < late, "the cursor does not pass the message");
                for (final long index : got)
                {
                    cp.ack(index);
                }
                boolean lateSeen = false;
                while (got.size() < direct.size() + 1)
                {
                    final Delivery d = cp.awaitAndAck();
                    got.add(d.getJournalIndex());
                    lateSeen |= d.getJournalIndex() == late;
                }
                assertTrue(lateSeen, "the message to channel:late.sub is delivered");
                final TreeSet<Long> expected = new TreeSet<>(direct);
                expected.add(late);
                assertEquals(expected, got);
                cp.sync();
                assertEquals(direct.get(direct.size() - 1), router.cursors().terminal(CP, -1).cursor());
            }
        }
    }

    /** What a new pattern selects from the backlog keeps its precedence: an old FLASH on it overtakes the ROUTINE left. */
    @Test
    void aFlashSelectedByAPatternAddedDuringCatchUpOvertakesTheRoutineStillWaiting() throws Exception
    {
        try (Router router = Router.start(new Router.Context()
                .config(RouterConfig.loopback(dir).deliveryWindow(64).inFlightLimit(16).build()));
             TestTerminal publisher = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            introduce(router);
            final List<Long> direct = publisher.publishMany(1500, "direct", Precedence.ROUTINE, "terminal:" + CP);
            final long flash = publisher.publish(publisher.text("FLASH", Precedence.FLASH, "channel:late.sub").build()).getJournalIndex();
            publisher.publishMany(1500, "more direct", Precedence.ROUTINE, "terminal:" + CP);
            try (TestTerminal cp = TestTerminal.login(router.port(), CP, COMMAND_POST, "5201"))
            {
                final List<Long> read = new java.util.ArrayList<>();
                for (int i = 0; i < 16; i++)
                {
                    read.add(cp.awaitDelivery().getJournalIndex()); // the in-flight limit: nothing more until acked
                }
                assertEquals(direct.subList(0, 16), read);
                assertTrue(cp.subscribe("channel:late.>").getOk());
                assertEquals(flash, cp.awaitAndAck().getJournalIndex(), "the FLASH on the new channel comes next");
            }
        }
    }

    @Test
    void aPatternAddedWhileLiveWithTheCursorBehindSelectsMatchingMessagesSinceTheCursor() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal publisher = TestTerminal.login(router.port(), "veh-1", GROUND, "520102");
             TestTerminal cp = TestTerminal.login(router.port(), CP, COMMAND_POST, "5201"))
        {
            final long held = publisher.publish(publisher.text("unacknowledged", Precedence.ROUTINE, "terminal:" + CP).build())
                .getJournalIndex();
            assertEquals(held, cp.awaitDelivery().getJournalIndex()); // keeps the cursor behind
            final long early = publisher.publish(publisher.text("early", Precedence.ROUTINE, "channel:late.sub").build()).getJournalIndex();
            final long other = publisher.publish(publisher.text("other", Precedence.ROUTINE, "channel:other.sub").build()).getJournalIndex();
            publisher.publish(publisher.text("marker 1", Precedence.ROUTINE, "terminal:" + CP).build());
            assertEquals(List.of(), DeliveryTest.receiveUntilMarker(cp, "marker 1"), "live, nothing else for it yet");
            assertTrue(cp.subscribe("channel:late.>").getOk());
            final long after = publisher.publish(publisher.text("after", Precedence.ROUTINE, "channel:late.sub").build()).getJournalIndex();
            publisher.publish(publisher.text("marker 2", Precedence.ROUTINE, "terminal:" + CP).build());
            final TreeSet<Long> got = new TreeSet<>(DeliveryTest.receiveUntilMarker(cp, "marker 2"));
            assertEquals(new TreeSet<>(List.of(early, after)), got, "the message since the cursor and the new one, not " + other);
            cp.ack(held);
            cp.sync();
            publisher.publish(publisher.text("marker 3", Precedence.ROUTINE, "terminal:" + CP).build());
            assertEquals(List.of(), DeliveryTest.receiveUntilMarker(cp, "marker 3"), "each once");
        }
    }

    @Test
    void aPatternRemovedDuringCatchUpNoLongerSelectsTheRestOfTheBacklog() throws Exception
    {
        try (Router router = Router.start(new Router.Context()
                .config(RouterConfig.loopback(dir).deliveryWindow(64).inFlightLimit(64).build()));
             TestTerminal publisher = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            try (TestTerminal first = TestTerminal.login(router.port(), CP, COMMAND_POST, "5201"))
            {
                assertTrue(first.subscribe("channel:late.>").getOk());
                first.sync();
            }
            final List<Long> direct = publisher.publishMany(3000, "direct", Precedence.ROUTINE, "terminal:" + CP);
            final long dropped = publisher.publish(publisher.text("dropped", Precedence.ROUTINE, "channel:late.sub").build()).getJournalIndex();
            try (TestTerminal cp = TestTerminal.login(router.port(), CP, COMMAND_POST, "5201"))
            {
                cp.awaitDelivery();
                cp.send(io.emcomm.protocol.wire.FrameType.UNSUBSCRIBE, io.emcomm.protocol.wire.Unsubscribe.newBuilder()
                    .setRequestId(7).addAddresses("channel:late.>").build());
                cp.expectControl(io.emcomm.protocol.wire.FrameType.SUBSCRIPTION_ACK, io.emcomm.protocol.wire.SubscriptionAck.parser());
                cp.ack(direct.get(0));
                publisher.publish(publisher.text("marker", Precedence.ROUTINE, "terminal:" + CP).build());
                final TreeSet<Long> got = new TreeSet<>(DeliveryTest.receiveUntilMarker(cp, "marker"));
                got.add(direct.get(0));
                assertEquals(new TreeSet<>(direct), got, "the backlog without " + dropped);
            }
        }
    }

    /** A first login sets the terminal's cursor to the journal's end; what follows is its backlog. */
    private static void introduce(final Router router) throws Exception
    {
        try (TestTerminal first = TestTerminal.login(router.port(), CP, COMMAND_POST, "5201"))
        {
            first.sync();
        }
    }
}
