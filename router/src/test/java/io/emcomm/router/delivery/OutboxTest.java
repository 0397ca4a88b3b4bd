package io.emcomm.router.delivery;

import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.PositionReport;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.Text;
import io.emcomm.router.delivery.FeedFixture.Limits;
import io.emcomm.testing.LeakWatch;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.emcomm.protocol.wire.Precedence.FLASH;
import static io.emcomm.protocol.wire.Precedence.IMMEDIATE;
import static io.emcomm.protocol.wire.Precedence.ROUTINE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The outbox alone, with frames made by hand: what it writes to the sink, in which order, and what it skips. */
@Timeout(10)
@ExtendWith(LeakWatch.class)
class OutboxTest
{
    @TempDir
    Path dir;

    private FeedFixture f;
    private Outbox outbox;
    private FlashWatch flash;
    private final List<Long> skipped = new ArrayList<>();
    private int drains;
    private final EnvelopeHeader header = new EnvelopeHeader();

    @BeforeEach
    void open()
    {
        f = new FeedFixture(dir, new Limits(16_384, 2, 65_536));
        outbox = outbox(LinkProfile.UNSHAPED);
    }

    @AfterEach
    void close()
    {
        outbox.release();
        f.close();
    }

    private Outbox outbox(final LinkProfile link)
    {
        flash = new FlashWatch();
        final Outbox o = new Outbox(f.ctx, f.sink, link, f.budget.open(() -> { }), flash, () -> drains++, skipped::add);
        o.startShaping(f.clock.getAsLong());
        return o;
    }

    private void offer(final long index, final Envelope.Builder envelope)
    {
        final byte[] bytes = envelope.build().toByteArray();
        assertTrue(header.wrap(bytes, 0, bytes.length));
        final ByteBuf frame = DeliveryFrames.delivery(f.sink.alloc(), index, bytes, bytes.length, f.clock.getAsLong(), 0, header);
        outbox.offer(frame, header.precedenceNumber(), header, index);
    }

    private Envelope.Builder text(final String origin, final Precedence precedence)
    {
        return Envelope.newBuilder().setOrigin(origin).setOriginSequence(1).addTo("terminal:T1").setPrecedence(precedence)
            .setText(Text.newBuilder().setText("hello"));
    }

    @Test
    void urgentFramesGoFirstAndRoutineStopsAtTheInFlightLimitUntilAnAck()
    {
        offer(1, text("cp-1", ROUTINE));
        offer(2, text("cp-1", ROUTINE));
        offer(3, text("cp-1", ROUTINE));
        offer(4, text("cp-1", IMMEDIATE));
        assertEquals(3, outbox.write(f.clock.getAsLong(), PrecedenceQueue.LANES));
        assertEquals(List.of(4L, 1L, 2L), f.sink.indexes());
        assertEquals(2, outbox.inFlight());
        assertTrue(outbox.stalled(), "waiting for acks with a message queued");
        assertTrue(f.sink.allFlushed());

        outbox.ackedInFlight(1);
        assertTrue(outbox.resumesAfterAck());
        assertFalse(outbox.resumesAfterAck(), "once");
        assertEquals(1, outbox.write(f.clock.getAsLong(), PrecedenceQueue.LANES));
        assertEquals(List.of(4L, 1L, 2L, 3L), f.sink.indexes());
        assertFalse(outbox.stalled());
    }

    @Test
    void duringTheUrgentPassOnlyFlashIsWritten()
    {
        offer(1, text("cp-1", IMMEDIATE));
        offer(2, text("cp-1", FLASH));
        assertEquals(1, outbox.write(f.clock.getAsLong(), 1));
        assertEquals(List.of(2L), f.sink.indexes());
        assertEquals(1, outbox.size());
    }

    @Test
    void anUnwritableSinkTakesNothingAndTheOutboxIsStalled()
    {
        f.sink.writable(false);
        offer(1, text("cp-1", FLASH));
        assertEquals(0, outbox.write(f.clock.getAsLong(), PrecedenceQueue.LANES));
        assertTrue(outbox.stalled());
        assertEquals(0, f.sink.flushes(), "nothing written, nothing flushed");
    }

    @Test
    void anExpiredFrameIsSkippedCountedAndReported()
    {
        offer(1, text("cp-1", ROUTINE).setExpiresAtMicros(f.clock.getAsLong() + 10));
        offer(2, text("cp-1", ROUTINE));
        f.clock.advanceMillis(1);
        outbox.write(f.clock.getAsLong(), PrecedenceQueue.LANES);
        assertEquals(List.of(2L), f.sink.indexes());
        assertEquals(List.of(1L), skipped);
        assertEquals(1, f.counters.expired());
    }

    @Test
    void onlyAFlashFromAnotherOriginIsWatchedAndReceiptsAreAskedForOnce()
    {
        offer(1, text(FeedFixture.ROUTER_ID, FLASH)); // an escalation: escalating it again would never end
        offer(2, text("cp-1", FLASH).setWantReceipts(true));
        outbox.write(f.clock.getAsLong(), PrecedenceQueue.LANES);
        assertEquals(1, flash.size());
        assertTrue(outbox.acked(2));
        assertFalse(outbox.acked(2));
        assertEquals(0, flash.size());
        assertFalse(outbox.acked(1));
    }

    @Test
    void aShapedLinkWaitsForBudgetAndSendsOnlyTheNewestPositionOfASource()
    {
        outbox.release();
        outbox = outbox(LinkProfile.parse("rate:100")); // burst 1,024 B
        offer(1, text("cp-1", ROUTINE).setText(Text.newBuilder().setText("z".repeat(1_100))));
        for (int i = 2; i <= 4; i++)
        {
            offer(i, Envelope.newBuilder().setOrigin("uav-7").setOriginSequence(i).addTo("terminal:T1")
                .setPosition(PositionReport.newBuilder().setLat(i).setLon(i)));
        }
        offer(5, Envelope.newBuilder().setOrigin("uav-8").setOriginSequence(1).addTo("terminal:T1")
            .setPosition(PositionReport.newBuilder().setLat(1).setLon(1)));
        assertEquals(1, outbox.write(f.clock.getAsLong(), PrecedenceQueue.LANES));
        assertEquals(1, f.sink.timedPending(), "a drain is due when the debt is paid");
        outbox.ackedInFlight(0); // the text is acknowledged: the in-flight limit (2 here) is not what holds the rest

        f.clock.advanceMillis(5_000);
        f.sink.runTasks();
        assertEquals(1, drains, "the timer asks the feed to drain");
        outbox.write(f.clock.getAsLong(), PrecedenceQueue.LANES);
        assertEquals(List.of(1L, 4L, 5L), f.sink.indexes(), "the newest of uav-7, and uav-8's own");
        assertEquals(List.of(2L, 3L), skipped);
        assertEquals(2, f.counters.superseded());
    }
}
