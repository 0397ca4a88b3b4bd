package io.emcomm.router;

import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.LatestPositionsRequest;
import io.emcomm.protocol.wire.PositionReport;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.PublishAck;
import io.emcomm.protocol.wire.ReplayEnd;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.journal.ChronicleJournal;
import io.emcomm.router.journal.DedupeWindow;
import io.emcomm.router.journal.DedupeWindows;
import io.emcomm.router.journal.ForwardingJournal;
import io.emcomm.router.journal.Journal;
import io.emcomm.router.journal.JournalReader;
import io.emcomm.router.journal.JournalRecovery;
import io.emcomm.router.replay.LatestPositions;
import io.emcomm.router.terminal.ChronicleCursorStore;
import io.emcomm.router.terminal.TerminalState;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.emcomm.protocol.wire.TerminalKind.AIR;
import static io.emcomm.protocol.wire.TerminalKind.COMMAND_POST;
import static io.emcomm.protocol.wire.TerminalKind.GROUND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13, start-up: one pass over the journal ({@link JournalRecovery}) rebuilds both the dedupe windows and the
 * latest positions. Directly on a real Chronicle journal and cursor store in a temp folder, and end to end across a
 * router restart.
 */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class JournalRecoveryTest
{
    @TempDir
    Path dir;

    @Test
    void onePassRebuildsTheDedupeWindowsAndTheLatestPositions()
    {
        final long uavText;
        final long uavLastPosition;
        final long vehPosition;
        final long cpText;
        try (ChronicleJournal journal = new ChronicleJournal(dir.resolve("journal")))
        {
            append(journal, position("uav-1", 1, 26.1), AIR, "520102");
            uavText = append(journal, text("uav-1", 2), AIR, "520102");
            vehPosition = append(journal, position("veh-1", 1, 26.3), GROUND, "520113");
            append(journal, new byte[] {(byte)0xFF, (byte)0xFF, 0x01}, GROUND, "520113"); // a header that does not parse
            uavLastPosition = append(journal, position("uav-1", 3, 26.2), AIR, "520199"); // moved region since
            cpText = append(journal, text("cp-5201", 7), COMMAND_POST, "5201");
        }

        // a restart: the journal is opened again and the state starts empty
        try (ChronicleJournal chronicle = new ChronicleJournal(dir.resolve("journal"));
             ChronicleCursorStore cursors = new ChronicleCursorStore(dir.resolve("cursors")))
        {
            final ReaderCount journal = new ReaderCount(chronicle);
            final DedupeWindows origins = new DedupeWindows();

            final long entries = JournalRecovery.recover(journal, origins.recovery(), LatestPositions.recovery(cursors));

            assertEquals(6, entries, "every entry read, the unparseable one too");
            assertEquals(1, journal.readers.get(), "one reader, one pass");

            assertEquals(3, origins.size());
            final DedupeWindow uav = origins.state("uav-1");
            assertEquals(uavText, uav.lookup(2), "a retry of sequence 2 gets its original index");
            assertEquals(uavLastPosition, uav.lookup(3));
            assertEquals(DedupeWindow.UNKNOWN, uav.lookup(4), "the next sequence is new");
            assertEquals(3, uav.highestSequence());
            assertEquals(vehPosition, origins.state("veh-1").lookup(1));
            assertEquals(cpText, origins.state("cp-5201").lookup(7));

            final TerminalState uavState = cursors.terminal("uav-1", -1);
            assertEquals(uavLastPosition, uavState.lastPositionIndex(), "the last report wins");
            assertEquals("520199", uavState.regionCode(), "the region the report came from");
            assertEquals(vehPosition, cursors.terminal("veh-1", -1).lastPositionIndex());
            assertFalse(cursors.contains("cp-5201"), "a terminal that sent no position gets no state from recovery");
        }
    }

    @Test
    void afterARestartARetryOfAnAckedPublishGetsItsOriginalIndexAndTheLatestPositionsAreKept() throws Exception
    {
        final PublishAck acked;
        final Envelope retried;
        final long lastReport;
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal uav = TestTerminal.login(router.port(), "uav-1", AIR, "520102"))
        {
            uav.publish(report(uav, 26.1));
            lastReport = uav.publish(report(uav, 26.2)).getJournalIndex();
            retried = uav.text("contact", Precedence.PRIORITY, "up:520102").build();
            acked = uav.publish(retried);
            assertFalse(acked.getDuplicate());
        }
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal uav = TestTerminal.login(router.port(), "uav-1", AIR, "520102");
             TestTerminal cp = TestTerminal.login(router.port(), "cp-5201", COMMAND_POST, "5201"))
        {
            final PublishAck retry = uav.publish(retried);
            assertTrue(retry.getDuplicate(), "recognised after the restart");
            assertEquals(acked.getJournalIndex(), retry.getJournalIndex(), "answered with the original index");
            assertEquals(Map.of("uav-1", lastReport), latest(cp, "5201", 1));
            assertEquals(0, router.counters().journaled(), "nothing journaled twice");
        }
    }

    private static Envelope report(final TestTerminal t, final double lat)
    {
        return Envelope.newBuilder().setOrigin(t.id()).setOriginSequence(t.nextSequence()).addTo("up:520102")
            .setPrecedence(Precedence.ROUTINE).setPosition(PositionReport.newBuilder().setLat(lat).setLon(106.7)).build();
    }

    private static Map<String, Long> latest(final TestTerminal cp, final String region, final long requestId) throws Exception
    {
        cp.send(FrameType.LATEST_POSITIONS_REQUEST, LatestPositionsRequest.newBuilder().setRequestId(requestId).setRegionCode(region).build());
        final Map<String, Long> result = new HashMap<>();
        while (true)
        {
            final TestTerminal.Frame f = cp.nextControl();
            if (f.type() == FrameType.REPLAY_END_VALUE)
            {
                assertEquals(result.size(), TestTerminal.parse(f, ReplayEnd.parser()).getCount());
                return result;
            }
            final Delivery d = TestTerminal.parse(f, Delivery.parser());
            result.put(d.getEnvelope().getOrigin(), d.getJournalIndex());
        }
    }

    private static byte[] position(final String origin, final long sequence, final double lat)
    {
        return Envelope.newBuilder().setOrigin(origin).setOriginSequence(sequence).addTo("up:5201")
            .setPosition(PositionReport.newBuilder().setLat(lat).setLon(106.7)).build().toByteArray();
    }

    private static byte[] text(final String origin, final long sequence)
    {
        return Envelope.newBuilder().setOrigin(origin).setOriginSequence(sequence).addTo("up:5201")
            .setText(io.emcomm.protocol.wire.Text.newBuilder().setText("contact")).build().toByteArray();
    }

    private static long append(final Journal journal, final byte[] envelope, final TerminalKind kind, final String region)
    {
        final ByteBuf buf = Unpooled.wrappedBuffer(envelope);
        final long index = journal.append(buf, 0, envelope.length, 1_000_000L, kind.getNumber(), region);
        assertTrue(index >= 0, "journaled");
        return index;
    }

    /** The journal, counting the readers opened on it. */
    private static final class ReaderCount extends ForwardingJournal
    {
        final AtomicInteger readers = new AtomicInteger();

        ReaderCount(final Journal journal)
        {
            super(journal);
        }

        @Override
        public JournalReader newReader()
        {
            readers.incrementAndGet();
            return journal.newReader();
        }

    }
}
