package io.emcomm.router;

import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.config.Settings;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static io.emcomm.protocol.wire.TerminalKind.COMMAND_POST;
import static io.emcomm.protocol.wire.TerminalKind.GROUND;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Precedence over everything the router has for a terminal (issue 12, kind 2): FLASH and IMMEDIATE in the
 * journal backlog go ahead of every older ROUTINE whatever the backlog's size, and urgent deliveries never
 * use up the ROUTINE/PRIORITY in-flight budget (protocol.md section 7.4).
 */
@Timeout(120)
@ExtendWith(LeakWatch.class)
class BacklogPrecedenceTest
{
    private static final int IN_FLIGHT_DEFAULT = Settings.DELIVERY_INFLIGHT.defaultValue();
    private static final String CP = "cp-5201";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} ROUTINE waiting")
    @ValueSource(ints = {300, 3000})
    void aFlashBehindARoutineBacklogIsTheFirstDeliveryOnReconnect(final int routine) throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal publisher = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            introduce(router);
            final List<Long> backlog = publisher.publishMany(routine, "routine", Precedence.ROUTINE, "terminal:" + CP);
            final long flash = publisher.publish(publisher.text("FLASH", Precedence.FLASH, "terminal:" + CP).build()).getJournalIndex();
            try (TestTerminal cp = TestTerminal.login(router.port(), CP, COMMAND_POST, "5201"))
            {
                assertEquals(flash, cp.awaitAndAck().getJournalIndex(), "the FLASH is the first delivery");
                final List<Long> rest = new ArrayList<>();
                for (int i = 0; i < routine; i++)
                {
                    rest.add(cp.awaitAndAck().getJournalIndex());
                }
                assertEquals(backlog, rest, "then the whole backlog, in journal order");
                cp.sync();
                assertEquals(flash, router.cursors().terminal(CP, -1).cursor(), "the cursor is past everything");
            }
        }
    }

    /**
     * Urgent messages spread through a backlog longer than one catch-up pass reads in a go: every FLASH first,
     * then every IMMEDIATE, then the rest. The ROUTINE around them is for the post too, by region and channel.
     */
    @Test
    void urgentMessagesAnywhereInALongBacklogComeFirstFlashBeforeImmediate() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal publisher = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            try (TestTerminal first = TestTerminal.login(router.port(), CP, COMMAND_POST, "5201"))
            {
                first.subscribe("channel:flood.>");
                first.sync();
            }
            final List<Long> immediate = new ArrayList<>();
            final List<Long> flash = new ArrayList<>();
            final TreeSet<Long> routine = new TreeSet<>();
            immediate.add(publisher.publish(publisher.text("IMMEDIATE 1", Precedence.IMMEDIATE, "region:5201").build()).getJournalIndex());
            routine.addAll(publisher.publishMany(5000, "region", Precedence.ROUTINE, "region:52"));
            flash.add(publisher.publish(publisher.text("FLASH 1", Precedence.FLASH, "channel:flood.5201").build()).getJournalIndex());
            publisher.publishMany(3000, "not for the post", Precedence.FLASH, "region:5203");
            routine.addAll(publisher.publishMany(5000, "channel", Precedence.ROUTINE, "channel:flood.5201"));
            immediate.add(publisher.publish(publisher.text("IMMEDIATE 2", Precedence.IMMEDIATE, "terminal:" + CP).build()).getJournalIndex());
            flash.add(publisher.publish(publisher.text("FLASH 2", Precedence.FLASH, "up:520102").build()).getJournalIndex());
            try (TestTerminal cp = TestTerminal.login(router.port(), CP, COMMAND_POST, "5201"))
            {
                final List<Long> got = new ArrayList<>();
                for (int i = 0; i < 4; i++)
                {
                    got.add(cp.awaitAndAck().getJournalIndex());
                }
                final List<Long> urgent = new ArrayList<>(flash);
                urgent.addAll(immediate);
                assertEquals(urgent, got, "both FLASH (oldest first), then both IMMEDIATE, before any ROUTINE");
                final TreeSet<Long> rest = new TreeSet<>();
                for (int i = 0; i < routine.size(); i++)
                {
                    final Delivery d = cp.awaitAndAck();
                    assertEquals(Precedence.ROUTINE, d.getEnvelope().getPrecedence());
                    rest.add(d.getJournalIndex());
                }
                assertEquals(routine, rest, "then every ROUTINE, each once");
            }
        }
    }

    /**
     * The FLASH is acknowledged first, far ahead of the in-order read, which a window of 16 holds back: the
     * cursor must stay behind the ROUTINE not yet read, in memory and on disk, so the backlog keeps coming and,
     * after a restart, the rest of it comes and the FLASH does not.
     */
    @Test
    void aFlashAcknowledgedAheadOfItsTurnDoesNotCarryTheCursorOverUnreadMessages() throws Exception
    {
        final List<Long> backlog;
        final int window = 16;
        try (Router router = Router.start(new Router.Context()
                .config(RouterConfig.loopback(dir).deliveryWindow(window).inFlightLimit(window).build()));
             TestTerminal publisher = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            introduce(router);
            backlog = publisher.publishMany(1000, "routine", Precedence.ROUTINE, "terminal:" + CP);
            final long flash = publisher.publish(publisher.text("FLASH", Precedence.FLASH, "terminal:" + CP).build()).getJournalIndex();
            try (TestTerminal cp = TestTerminal.login(router.port(), CP, COMMAND_POST, "5201"))
            {
                assertEquals(flash, cp.awaitAndAck().getJournalIndex());
                for (int i = 0; i < 3 * window; i++)
                {
                    assertEquals(backlog.get(i), cp.awaitAndAck().getJournalIndex(), "in order past the first window");
                }
                cp.sync();
                assertEquals(backlog.get(3 * window - 1), router.cursors().terminal(CP, -1).cursor(),
                    "the cursor stops before the first unacknowledged message");
            }
        }
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal cp = TestTerminal.login(router.port(), CP, COMMAND_POST, "5201");
             TestTerminal publisher = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            publisher.publish(publisher.text("marker", Precedence.ROUTINE, "terminal:" + CP).build());
            assertEquals(backlog.subList(3 * window, backlog.size()), DeliveryTest.receiveUntilMarker(cp, "marker"),
                "after a restart: the rest of the backlog, not the FLASH acknowledged out of order");
        }
    }

    @Test
    void everyPriorityInALongBacklogComesBeforeAnyOfItsRoutine() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal publisher = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            introduce(router);
            final List<Long> routine = new ArrayList<>(publisher.publishMany(2000, "routine", Precedence.ROUTINE, "terminal:" + CP));
            final List<Long> priority = new ArrayList<>();
            priority.add(publisher.publish(publisher.text("PRIORITY 1", Precedence.PRIORITY, "region:5201").build()).getJournalIndex());
            routine.addAll(publisher.publishMany(5000, "routine", Precedence.ROUTINE, "terminal:" + CP));
            priority.add(publisher.publish(publisher.text("PRIORITY 2", Precedence.PRIORITY, "terminal:" + CP).build()).getJournalIndex());
            final long flash = publisher.publish(publisher.text("FLASH", Precedence.FLASH, "terminal:" + CP).build()).getJournalIndex();
            try (TestTerminal cp = TestTerminal.login(router.port(), CP, COMMAND_POST, "5201"))
            {
                final List<Long> expected = new ArrayList<>();
                expected.add(flash);
                expected.addAll(priority);
                expected.addAll(routine);
                final List<Long> got = new ArrayList<>();
                for (int i = 0; i < expected.size(); i++)
                {
                    got.add(cp.awaitAndAck().getJournalIndex());
                }
                assertEquals(expected.subList(0, 3), got.subList(0, 3), "FLASH, then both PRIORITY, before any ROUTINE");
                assertEquals(expected, got, "then the ROUTINE in journal order");
                cp.sync();
                assertEquals(flash, router.cursors().terminal(CP, -1).cursor());
            }
        }
    }

    /** A live post that falls behind (window full) and then acks: the PRIORITY deferred to the journal goes first. */
    @Test
    void aPriorityDeferredWhenThePostFellBehindOvertakesTheRoutineDeferredBeforeIt() throws Exception
    {
        final int window = 16;
        try (Router router = Router.start(new Router.Context()
                .config(RouterConfig.loopback(dir).deliveryWindow(window).inFlightLimit(window).build()));
             TestTerminal cp = TestTerminal.login(router.port(), CP, COMMAND_POST, "5201");
             TestTerminal publisher = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            final List<Long> routine = publisher.publishMany(40, "routine", Precedence.ROUTINE, "terminal:" + CP);
            final long priority = publisher.publish(publisher.text("PRIORITY", Precedence.PRIORITY, "terminal:" + CP).build())
                .getJournalIndex();
            final List<Long> first = new ArrayList<>();
            for (int i = 0; i < window; i++)
            {
                first.add(cp.awaitAndAck().getJournalIndex());
            }
            assertEquals(routine.subList(0, window), first, "the window's worth, live");
            assertEquals(priority, cp.awaitAndAck().getJournalIndex(), "then the PRIORITY, ahead of 24 older ROUTINE");
            final List<Long> rest = new ArrayList<>();
            for (int i = window; i < routine.size(); i++)
            {
                rest.add(cp.awaitAndAck().getJournalIndex());
            }
            assertEquals(routine.subList(window, routine.size()), rest);
        }
    }

    @Test
    void oneUnacknowledgedImmediateLeavesTheWholeRoutineBudget() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal cp = TestTerminal.login(router.port(), CP, COMMAND_POST, "5201");
             TestTerminal publisher = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            final long immediate = publisher.publish(publisher.text("IMMEDIATE", Precedence.IMMEDIATE, "terminal:" + CP).build())
                .getJournalIndex();
            assertEquals(immediate, cp.awaitDelivery().getJournalIndex()); // read, never acknowledged
            final List<Long> routine = publisher.publishMany(200, "routine", Precedence.ROUTINE, "terminal:" + CP);
            final List<Long> got = new ArrayList<>();
            for (int i = 0; i < IN_FLIGHT_DEFAULT; i++)
            {
                got.add(cp.awaitDelivery().getJournalIndex()); // read, not acknowledged
            }
            assertEquals(routine.subList(0, IN_FLIGHT_DEFAULT), got, "128 ROUTINE beside the unacknowledged IMMEDIATE");
            // all 200 were queued long before this FLASH: had the limit let a 129th ROUTINE out, it would come first
            final long flash = publisher.publish(publisher.text("FLASH", Precedence.FLASH, "terminal:" + CP).build()).getJournalIndex();
            assertEquals(flash, cp.awaitDelivery().getJournalIndex(), "no 129th ROUTINE: the limit still holds for ROUTINE");
            assertEquals(IN_FLIGHT_DEFAULT, router.counters().delivered(Precedence.ROUTINE_VALUE));
        }
    }

    @Test
    void routineStillFlowsPast128UnacknowledgedFlash() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal cp = TestTerminal.login(router.port(), CP, COMMAND_POST, "5201");
             TestTerminal publisher = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            final List<Long> flash = publisher.publishMany(IN_FLIGHT_DEFAULT, "FLASH", Precedence.FLASH, "terminal:" + CP);
            final List<Long> got = new ArrayList<>();
            for (int i = 0; i < flash.size(); i++)
            {
                got.add(cp.awaitDelivery().getJournalIndex()); // a console waiting for an officer to acknowledge each
            }
            assertEquals(flash, got);
            final List<Long> routine = publisher.publishMany(20, "routine", Precedence.ROUTINE, "terminal:" + CP);
            final List<Long> routineGot = new ArrayList<>();
            for (int i = 0; i < routine.size(); i++)
            {
                routineGot.add(cp.awaitAndAck().getJournalIndex());
            }
            assertEquals(routine, routineGot, "ROUTINE is not held up by unacknowledged FLASH");
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
