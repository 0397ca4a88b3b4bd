package io.emcomm.router;

import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static io.emcomm.protocol.wire.TerminalKind.COMMAND_POST;
import static io.emcomm.protocol.wire.TerminalKind.GROUND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A terminal's state belongs to its newest session (issue 12, kind 1): a second login (takeover) or a quick
 * reconnect gets the whole backlog, its acks count, and the connection it replaced changes nothing once it
 * has lost ownership, however late its teardown runs.
 */
@Timeout(180)
@ExtendWith(LeakWatch.class)
class TakeoverTest
{
    private static final String CP = "cp-z";

    @TempDir
    Path dir;

    @Test
    void aTakeoverGetsTheWholeBacklogItsAcksCountAndTheNextLoginGetsNothing() throws Exception
    {
        replacingASessionThatReadFive(true);
    }

    @Test
    void aLoginRightAfterTheOldSocketClosedGetsTheWholeBacklogAndTheNextLoginGetsNothing() throws Exception
    {
        replacingASessionThatReadFive(false);
    }

    /** The input of issue 12 kind 1: 1,000 ROUTINE queued, A reads 5 and acks none, B logs in with the same id. */
    private void replacingASessionThatReadFive(final boolean takeover) throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal publisher = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            introduce(router);
            final List<Long> backlog = publisher.publishMany(1000, "queued", Precedence.ROUTINE, "terminal:" + CP);
            final TestTerminal a = TestTerminal.login(router.port(), CP, COMMAND_POST, "5201");
            for (int i = 0; i < 5; i++)
            {
                a.awaitDelivery();
            }
            if (!takeover)
            {
                a.close();
            }
            try (TestTerminal b = TestTerminal.login(router.port(), CP, COMMAND_POST, "5201"))
            {
                final List<Long> got = new ArrayList<>();
                for (int i = 0; i < backlog.size(); i++)
                {
                    got.add(b.awaitAndAck().getJournalIndex());
                }
                b.sync(); // fails on any BAD_DELIVERY_ACK before the heartbeat's answer
                assertEquals(backlog, got, "B gets all 1,000, each once, in journal order");
                assertEquals(backlog.get(backlog.size() - 1), router.cursors().terminal(CP, -1).cursor(),
                    "B's acks moved the durable cursor over the whole backlog");
            }
            finally
            {
                a.close();
            }
            try (TestTerminal c = TestTerminal.login(router.port(), CP, COMMAND_POST, "5201"))
            {
                publisher.publish(publisher.text("marker", Precedence.ROUTINE, "terminal:" + CP).build());
                assertEquals(List.of(), DeliveryTest.receiveUntilMarker(c, "marker"), "the next login gets nothing again");
            }
        }
    }

    /**
     * Seeded random walk: backlogs of random size and precedence, random reads and acks (some still in flight
     * when the session goes), then a takeover, a quick reconnect or a clean hand-over, and sometimes live traffic
     * published while the new session starts. At the end one session takes everything.
     */
    @Test
    void takeoversAndQuickReconnectsAtRandomPointsDeliverEverythingAndKeepTheCursorRight() throws Exception
    {
        // -Demcomm.test.seed=N replays another walk
        final long seed = Long.getLong("emcomm.test.seed", 20_261_129L);
        final Random rnd = new Random(seed);
        final Precedence[] precedences = {Precedence.ROUTINE, Precedence.ROUTINE, Precedence.ROUTINE, Precedence.PRIORITY,
            Precedence.IMMEDIATE, Precedence.FLASH};
        final Set<Long> published = new TreeSet<>();
        // acked on a session that then proved, by a heartbeat round trip, that it still owned the terminal
        final Set<Long> confirmed = new HashSet<>();
        // acked at all, confirmed or still in flight when the session was replaced
        final Set<Long> everAcked = new HashSet<>();
        final List<TestTerminal> replaced = new ArrayList<>();
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal publisher = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            introduce(router);
            TestTerminal current = TestTerminal.login(router.port(), CP, COMMAND_POST, "5201");
            for (int round = 0; round < 40; round++)
            {
                final String context = "seed " + seed + " round " + round;
                final int backlog = rnd.nextInt(300);
                for (int i = 0; i < backlog; i++)
                {
                    published.add(publisher.publish(publisher.text("r" + round + "m" + i,
                        precedences[rnd.nextInt(precedences.length)], "terminal:" + CP).build()).getJournalIndex());
                }
                final Set<Long> available = new TreeSet<>(published);
                available.removeAll(everAcked);
                final int reads = rnd.nextInt(Math.min(available.size(), 100) + 1);
                final Set<Long> sessionAcks = new HashSet<>();
                for (int i = 0; i < reads; i++)
                {
                    final Delivery d = current.awaitDelivery();
                    assertTrue(published.contains(d.getJournalIndex()), context + ": only what was published");
                    if (rnd.nextBoolean())
                    {
                        current.ack(d.getJournalIndex());
                        everAcked.add(d.getJournalIndex());
                        sessionAcks.add(d.getJournalIndex());
                    }
                }
                final int action = rnd.nextInt(3);
                if (action == 2)
                {
                    current.sync();
                    confirmed.addAll(sessionAcks);
                }
                if (action == 0)
                {
                    replaced.add(current); // stays open until the router closes it
                }
                else
                {
                    current.close();
                }
                current = TestTerminal.login(router.port(), CP, COMMAND_POST, "5201");
                if (rnd.nextBoolean())
                {
                    // live traffic racing the new session's catch-up
                    for (int i = rnd.nextInt(20); i > 0; i--)
                    {
                        published.add(publisher.publish(publisher.text("live r" + round + "m" + i,
                            precedences[rnd.nextInt(precedences.length)], "terminal:" + CP).build()).getJournalIndex());
                    }
                }
            }
            final long marker = publisher.publish(publisher.text("marker", Precedence.ROUTINE, "terminal:" + CP).build()).getJournalIndex();
            final List<Long> last = DeliveryTest.receiveUntilMarker(current, "marker");
            current.sync();
            final Set<Long> distinct = new TreeSet<>(last);
            assertEquals(last.size(), distinct.size(), "seed " + seed + ": nothing twice in one session");
            // an ack still in flight when its session was replaced may or may not have counted: either way is right
            final Set<Long> missing = new TreeSet<>(published);
            missing.removeAll(everAcked);
            missing.removeAll(distinct);
            assertEquals(Set.of(), missing, "seed " + seed + ": every message never acknowledged comes again");
            distinct.retainAll(confirmed);
            assertEquals(Set.of(), distinct, "seed " + seed + ": nothing acknowledged and confirmed comes again");
            assertEquals(marker, router.cursors().terminal(CP, -1).cursor(), "seed " + seed + ": the cursor is at the marker");
            current.close();
            try (TestTerminal next = TestTerminal.login(router.port(), CP, COMMAND_POST, "5201"))
            {
                publisher.publish(publisher.text("marker 2", Precedence.ROUTINE, "terminal:" + CP).build());
                assertEquals(List.of(), DeliveryTest.receiveUntilMarker(next, "marker 2"), "seed " + seed + ": the next login gets nothing");
            }
        }
        finally
        {
            for (final TestTerminal t : replaced)
            {
                t.close();
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
