package io.emcomm.router;

import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Error;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.emcomm.protocol.wire.TerminalKind.COMMAND_POST;
import static io.emcomm.protocol.wire.TerminalKind.GROUND;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cumulative DELIVERY_ACK (protocol.md section 7.3, extension of version 1) over real TCP: DELIVERY frames are
 * numbered 1, 2, 3, ... per connection in the order written, and {@code through_delivery_seq = n} acknowledges
 * every delivery of the connection numbered up to n, exactly as acknowledging each by index would. What was
 * acknowledged is checked the only way a terminal sees it: after a reconnect, what comes again.
 */
@Timeout(120)
@ExtendWith(LeakWatch.class)
class CumulativeAckTest
{
    private static final String CP = "cp-5201";

    @TempDir
    Path dir;

    private static TestTerminal loginPost(final Router router) throws Exception
    {
        final TestTerminal t = TestTerminal.connect(router.port());
        assertTrue(t.hello(CP, COMMAND_POST, "5201").getCumulativeDeliveryAck(), "WELCOME offers the cumulative ack");
        return t;
    }

    /** Reconnects the post, sends a marker and returns the indexes redelivered before it (acking them by index). */
    private static List<Long> redeliveredAfterReconnect(final Router router, final TestTerminal publisher) throws Exception
    {
        try (TestTerminal cp = loginPost(router))
        {
            publisher.publish(publisher.text("marker", Precedence.ROUTINE, "terminal:" + CP).build());
            final List<Long> indexes = new ArrayList<>();
            while (true)
            {
                final Delivery d = cp.awaitAndAck();
                if (d.getEnvelope().getText().getText().equals("marker"))
                {
                    cp.sync();
                    return indexes.stream().sorted().toList();
                }
                indexes.add(d.getJournalIndex());
            }
        }
    }

    @Test
    void aCumulativeAckOfAMixedFlashAndRoutineStreamMovesTheCursorAsPerIndexAcksWould() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal publisher = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            final List<Delivery> received = new ArrayList<>();
            try (TestTerminal cp = loginPost(router))
            {
                for (int i = 0; i < 30; i++)
                {
                    final Precedence p = i % 4 == 3 ? Precedence.FLASH : Precedence.ROUTINE;
                    publisher.publish(publisher.text("m" + i, p, "terminal:" + CP).build());
                }
                for (int i = 0; i < 30; i++)
                {
                    received.add(cp.awaitDelivery());
                }
                for (int i = 0; i < received.size(); i++)
                {
                    assertEquals(i + 1, received.get(i).getDeliverySeq(), "numbered 1, 2, 3, ... in the order written");
                }
                cp.ackThrough(20);
                cp.sync();
            }
            final List<Long> unacked = received.subList(20, 30).stream().map(Delivery::getJournalIndex).sorted().toList();
            assertEquals(unacked, redeliveredAfterReconnect(router, publisher),
                "exactly the deliveries numbered above 20 come again: nothing acked twice, nothing unacked skipped");
            assertEquals(List.of(), redeliveredAfterReconnect(router, publisher), "and once acknowledged, nothing more");
        }
    }

    @Test
    void anAckThroughNLeavesALaterNumberedDeliveryOfALowerIndexUnacknowledged() throws Exception
    {
        try (Router router = Router.start(new Router.Context().config(RouterConfig.loopback(dir).inFlightLimit(2).build()));
             TestTerminal publisher = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            final Map<Long, Long> indexBySeq = new HashMap<>();
            final List<Long> routine = new ArrayList<>();
            final long flash;
            try (TestTerminal cp = loginPost(router))
            {
                for (int i = 0; i < 5; i++)
                {
                    routine.add(publisher.publish(publisher.text("r" + i, Precedence.ROUTINE, "terminal:" + CP).build()).getJournalIndex());
                }
                for (int i = 0; i < 2; i++)
                {
                    final Delivery d = cp.awaitDelivery(); // the in-flight limit holds the other three back
                    indexBySeq.put(d.getDeliverySeq(), d.getJournalIndex());
                }
                flash = publisher.publish(publisher.text("flash", Precedence.FLASH, "terminal:" + CP).build()).getJournalIndex();
                final Delivery f = cp.awaitDelivery();
                assertEquals(flash, f.getJournalIndex(), "FLASH overtakes the ROUTINE held back");
                assertEquals(3, f.getDeliverySeq());
                cp.ackThrough(3); // r0, r1 and the FLASH: the in-flight limit lets r2 and r3 go, numbered 4 and 5
                for (int i = 0; i < 2; i++)
                {
                    final Delivery d = cp.awaitDelivery();
                    indexBySeq.put(d.getDeliverySeq(), d.getJournalIndex());
                }
                assertEquals(Map.of(1L, routine.get(0), 2L, routine.get(1), 4L, routine.get(2), 5L, routine.get(3)), indexBySeq);
                assertTrue(routine.get(2) < flash, "numbered after the FLASH, but journaled before it");
                cp.sync();
            }
            assertEquals(routine.subList(2, 5), redeliveredAfterReconnect(router, publisher),
                "the ROUTINE numbered after the ack come again, the FLASH acknowledged above their indexes does not");
        }
    }

    @Test
    void anAckThroughANumberNotYetSentIsABadAckThatAcknowledgesNothingAndTheSessionCarriesOn() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal publisher = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            final List<Long> sent;
            try (TestTerminal cp = loginPost(router))
            {
                sent = publisher.publishMany(2, "m", Precedence.ROUTINE, "terminal:" + CP);
                assertEquals(1, cp.awaitDelivery().getDeliverySeq());
                assertEquals(2, cp.awaitDelivery().getDeliverySeq());
                cp.ackThrough(3);
                final Error error = cp.expectError();
                assertEquals(ErrorCode.BAD_DELIVERY_ACK, error.getCode());
                assertFalse(error.getFatal());
                assertEquals("through_delivery_seq 3 is above 2, the last delivery_seq sent to " + CP + " on this connection",
                    error.getMessage());
                cp.sync(); // still open
            }
            assertEquals(sent, redeliveredAfterReconnect(router, publisher), "the bad ack acknowledged nothing");
        }
    }

    @Test
    void aJournalIndexAndAThroughDeliverySeqInOneAckBothApplyAndPerIndexAcksStillWork() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal publisher = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            final List<Long> sent;
            try (TestTerminal cp = loginPost(router))
            {
                sent = publisher.publishMany(5, "m", Precedence.ROUTINE, "terminal:" + CP);
                final List<Delivery> received = new ArrayList<>();
                for (int i = 0; i < 5; i++)
                {
                    received.add(cp.awaitDelivery());
                }
                assertEquals(sent, received.stream().map(Delivery::getJournalIndex).toList());
                cp.ack(received.get(3).getJournalIndex(), 1); // #1 by number, #4 by index
                cp.ack(received.get(4).getJournalIndex()); // #5 the version 1 way
                cp.ackThrough(1); // a repeat changes nothing
                cp.sync();
                assertFalse(cp.hasDeliveryQueued());
            }
            assertEquals(List.of(sent.get(1), sent.get(2)), redeliveredAfterReconnect(router, publisher));
        }
    }

    @Test
    void eachSessionOfAFanOutNumbersTheSharedMessageInItsOwnSequence() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal publisher = TestTerminal.login(router.port(), "veh-1", GROUND, "520102");
             TestTerminal a = TestTerminal.login(router.port(), "cp-5201", COMMAND_POST, "5201");
             TestTerminal b = TestTerminal.login(router.port(), "cp-5202", COMMAND_POST, "5202");
             TestTerminal c = TestTerminal.login(router.port(), "cp-5203", COMMAND_POST, "5203"))
        {
            for (final TestTerminal t : List.of(a, b, c))
            {
                assertTrue(t.subscribe("channel:flood.ops").getOk());
            }
            publisher.publish(publisher.text("only for a", Precedence.ROUTINE, "terminal:cp-5201").build());
            assertEquals(1, a.awaitDelivery().getDeliverySeq());
            final List<Long> shared = publisher.publishMany(20, "shared", Precedence.ROUTINE, "channel:flood.ops");
            final List<Delivery> ofB = new ArrayList<>();
            for (final TestTerminal t : List.of(a, b, c))
            {
                final long first = t == a ? 2 : 1;
                for (int i = 0; i < shared.size(); i++)
                {
                    final Delivery d = t.awaitDelivery();
                    assertEquals(shared.get(i), d.getJournalIndex());
                    assertEquals(first + i, d.getDeliverySeq(), t.id() + ": its own numbers, one after another");
                    assertEquals("shared " + i, d.getEnvelope().getText().getText());
                    if (t == b)
                    {
                        ofB.add(d);
                    }
                    else if (t == c)
                    {
                        assertArrayEquals(ofB.get(i).getEnvelope().toByteArray(), d.getEnvelope().toByteArray(),
                            "the envelope as published, whether the frame was numbered in place or copied");
                        assertEquals(ofB.get(i).getJournaledAtMicros(), d.getJournaledAtMicros());
                    }
                }
                t.ackThrough(first + shared.size() - 1);
                t.sync();
                assertFalse(t.hasDeliveryQueued());
            }
        }
    }
}
