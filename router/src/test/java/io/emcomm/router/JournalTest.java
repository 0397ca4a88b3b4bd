package io.emcomm.router;

import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.PublishAck;
import io.emcomm.protocol.wire.ReplayRequest;
import io.emcomm.protocol.wire.Welcome;
import io.emcomm.testing.LeakWatch;
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

/** Journal before ack, dedupe of retries (also across a restart), and replay with its filters. */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class JournalTest
{
    @TempDir
    Path dir;

    @Test
    void acksCarryStrictlyIncreasingJournalIndexesAndTheJournalHoldsTheBytes() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal t = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            final List<Envelope> sent = new ArrayList<>();
            long previous = -1;
            for (int i = 0; i < 20; i++)
            {
                final Envelope e = t.text("m" + i, Precedence.ROUTINE, "region:52").build();
                sent.add(e);
                final PublishAck ack = t.publish(e);
                assertFalse(ack.getDuplicate());
                assertEquals("veh-1", ack.getOrigin());
                assertEquals(e.getOriginSequence(), ack.getOriginSequence());
                assertTrue(ack.getJournalIndex() > previous, "indexes increase");
                previous = ack.getJournalIndex();
            }
            final List<Delivery> replayed = t.replay(ReplayRequest.newBuilder().setRequestId(1).build());
            assertEquals(sent.size(), replayed.size());
            for (int i = 0; i < sent.size(); i++)
            {
                assertEquals(sent.get(i).toByteString(), replayed.get(i).getEnvelope().toByteString());
            }
        }
    }

    @Test
    void aRetriedPublishIsAckedWithTheOriginalIndexAndNotRoutedAgain() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal cp = TestTerminal.login(router.port(), "cp-5201", COMMAND_POST, "5201");
             TestTerminal t = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            final Envelope e = t.text("report", Precedence.PRIORITY, "up:520102").build();
            final PublishAck first = t.publish(e);
            final PublishAck retry = t.publish(e);
            assertTrue(retry.getDuplicate());
            assertEquals(first.getJournalIndex(), retry.getJournalIndex());
            assertEquals(first.getJournalIndex(), cp.awaitDelivery().getJournalIndex());
            // a later message proves the retry was not delivered a second time
            final PublishAck next = t.publish(t.text("next", Precedence.PRIORITY, "up:520102").build());
            assertEquals(next.getJournalIndex(), cp.awaitDelivery().getJournalIndex());
            assertEquals(2, router.counters().journaled());
            assertEquals(1, router.counters().duplicates());
        }
    }

    @Test
    void dedupeStateAndSequenceNumbersSurviveARestart() throws Exception
    {
        final Envelope first;
        final PublishAck firstAck;
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal t = TestTerminal.login(router.port(), "bd-7", GROUND, "520111"))
        {
            first = t.text("before restart", Precedence.IMMEDIATE, "region:5201").build();
            firstAck = t.publish(first);
            t.publish(t.text("second", Precedence.IMMEDIATE, "region:5201").build());
        }
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal t = TestTerminal.connect(router.port()))
        {
            final Welcome welcome = t.hello("bd-7", GROUND, "520111");
            assertEquals(2, welcome.getLastOriginSequence(), "the router remembers the terminal's last sequence");
            final PublishAck retry = t.publish(first);
            assertTrue(retry.getDuplicate());
            assertEquals(firstAck.getJournalIndex(), retry.getJournalIndex());
            final List<Delivery> all = t.replay(ReplayRequest.newBuilder().setRequestId(7).build());
            assertEquals(2, all.size(), "each acknowledged message exactly once");
        }
    }

    @Test
    void replayFiltersByOriginRegionPrecedenceAndIndexRange() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal a = TestTerminal.login(router.port(), "veh-a", GROUND, "520102");
             TestTerminal b = TestTerminal.login(router.port(), "veh-b", GROUND, "520302");
             TestTerminal reader = TestTerminal.login(router.port(), "cp-52", COMMAND_POST, "52"))
        {
            final long i1 = a.publish(a.text("a-routine", Precedence.ROUTINE, "terminal:x").build()).getJournalIndex();
            final long i2 = b.publish(b.text("b-flash", Precedence.FLASH, "region:5203").build()).getJournalIndex();
            final long i3 = a.publish(a.text("a-flash", Precedence.FLASH, "terminal:x").build()).getJournalIndex();
            final long i4 = b.publish(b.text("b-to-guiyang", Precedence.PRIORITY, "region:5201").build()).getJournalIndex();

            assertEquals(List.of(i1, i3), indexes(reader.replay(ReplayRequest.newBuilder().setRequestId(1).setOrigin("veh-a").build())));
            assertEquals(List.of(i2, i3), indexes(reader.replay(ReplayRequest.newBuilder().setRequestId(2)
                .setMinPrecedence(Precedence.FLASH).build())));
            // region: the origin's region is in 5201, or the message was addressed into 5201
            assertEquals(List.of(i1, i3, i4), indexes(reader.replay(ReplayRequest.newBuilder().setRequestId(3).setRegionCode("5201").build())));
            assertEquals(List.of(i2, i3), indexes(reader.replay(ReplayRequest.newBuilder().setRequestId(4).setFromIndex(i2).setToIndex(i3).build())));
            assertEquals(List.of(i1, i2), indexes(reader.replay(ReplayRequest.newBuilder().setRequestId(5).setLimit(2).build())));
            final List<Delivery> timed = reader.replay(ReplayRequest.newBuilder().setRequestId(6).setFromMicros(1).build());
            assertEquals(4, timed.size());
            final long lastAt = timed.get(3).getJournaledAtMicros();
            assertEquals(List.of(i4), indexes(reader.replay(ReplayRequest.newBuilder().setRequestId(8).setFromMicros(lastAt).build())));
            assertEquals(9, reader.replay(ReplayRequest.newBuilder().setRequestId(9).build()).get(0).getReplayRequestId(),
                "replay items carry their request id");
        }
    }

    @Test
    void aBadReplayRequestGetsAnErrorAndTheSessionGoesOn() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal t = TestTerminal.login(router.port(), "cp-52", COMMAND_POST, "52"))
        {
            t.send(io.emcomm.protocol.wire.FrameType.REPLAY_REQUEST, ReplayRequest.newBuilder().setRequestId(1).setRegionCode("5x").build());
            final io.emcomm.protocol.wire.Error error = t.expectError();
            assertEquals(io.emcomm.protocol.wire.ErrorCode.BAD_REPLAY_REQUEST, error.getCode());
            assertTrue(error.getMessage().contains("5x"), error.getMessage());
            assertFalse(error.getFatal());
            assertFalse(t.publish(t.text("still here", Precedence.ROUTINE, "region:52").build()).getDuplicate());
        }
    }

    private static List<Long> indexes(final List<Delivery> deliveries)
    {
        final List<Long> result = new ArrayList<>();
        for (final Delivery d : deliveries)
        {
            result.add(d.getJournalIndex());
        }
        return result;
    }
}
