package io.emcomm.router.sequence;

import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.NackReason;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Text;
import io.emcomm.router.journal.Journal;
import io.emcomm.router.security.AccessPolicy;
import io.emcomm.router.session.Session;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seam of the publish path on an {@link OrderedLog} (issue 15), with a fake log that keeps what is offered: a
 * publish is admitted and answered pending; its commit (dedupe, mirror, route, answer) runs when the record is
 * applied, with the record's position as the index; a second record of one (origin, sequence) answers with the first
 * one's index and is routed once; BUSY and CLOSED are answered at once; a failed record is nacked
 * JOURNAL_UNAVAILABLE; expiry is judged at the admitting clock the record carries. Real journal (as the mirror),
 * routing table and feeds ({@link SequencerFixture}).
 */
final class SequencerLogTest
{
    /** A record the fake log was offered. */
    private record Offered(long token, int precedence, byte[] envelope, long journaledAtMicros, int originKind,
        String region)
    {
        long sequence()
        {
            try
            {
                return Envelope.parseFrom(envelope).getOriginSequence();
            }
            catch (final com.google.protobuf.InvalidProtocolBufferException ex)
            {
                throw new AssertionError(ex);
            }
        }
    }

    /** An ordered log that keeps its records for the test to apply, or answers as told. */
    private static final class FakeLog implements OrderedLog
    {
        final List<Offered> records = new ArrayList<>();
        Offer answer = Offer.QUEUED;

        @Override
        public Offer offer(final long token, final int precedence, final ByteBuf envelope, final int offset, final int length,
            final long journaledAtMicros, final int originKind, final String originRegion, final String ingress)
        {
            if (answer == Offer.QUEUED)
            {
                final byte[] bytes = new byte[length];
                envelope.getBytes(offset, bytes);
                records.add(new Offered(token, precedence, bytes, journaledAtMicros, originKind, originRegion));
            }
            return answer;
        }
    }

    @TempDir
    Path dir;

    private SequencerFixture fx;
    private FakeLog log;
    private Session hh;
    private Session cp;

    @BeforeEach
    void open()
    {
        fx = new SequencerFixture(dir, AccessPolicy.ALLOW_ALL, true);
        log = new FakeLog();
        fx.sequencer.orderedLog(log);
        hh = fx.login("hh-9", TerminalKind.GROUND, "520102001001");
        cp = fx.login("cp-1", TerminalKind.COMMAND_POST, "5201");
    }

    @AfterEach
    void close()
    {
        if (fx != null)
        {
            fx.close();
        }
    }

    private Envelope.Builder text(final long sequence, final Precedence precedence)
    {
        return Envelope.newBuilder().setOrigin("hh-9").setOriginSequence(sequence).setPrecedence(precedence)
            .setCreatedAtMicros(fx.clock.getAsLong()).addTo("terminal:cp-1").setText(Text.newBuilder().setText("hi"));
    }

    /** Applies the fake log's record {@code i} at {@code index}, as a node's apply thread does. */
    private long apply(final int i, final long index, final long token)
    {
        final Offered r = log.records.get(i);
        fx.journal.mirrorIndex = index;
        return fx.sequencer.apply(index, Unpooled.wrappedBuffer(r.envelope()), 0, r.envelope().length, r.journaledAtMicros(),
            r.originKind(), r.region(), token);
    }

    @Test
    void anAdmittedPublishIsPendingUntilItsRecordIsAppliedAndThenAcknowledgedUnderTheLogsIndex()
    {
        final PublishOutcome out = fx.publish(hh, text(1, Precedence.ROUTINE).build());
        assertTrue(out.pending());
        assertFalse(out.accepted());
        assertEquals(1, log.records.size(), "offered to the log");
        assertEquals(List.of(), fx.written(cp), "not routed before it is applied");
        assertEquals(List.of(), fx.answered);
        assertEquals(1, fx.sequencer.pendingPublishes());

        assertEquals(7, apply(0, 7, log.records.get(0).token()));
        assertEquals(List.of(7L), fx.written(cp));
        assertEquals(1, fx.answered.size());
        final PublishOutcome ack = fx.answered.get(0);
        assertTrue(ack.accepted());
        assertEquals(1, ack.sequence());
        assertEquals(7, ack.index());
        assertFalse(ack.duplicate());
        assertEquals(1, ack.deliveredNow());
        assertEquals(0, fx.sequencer.pendingPublishes());
    }

    @Test
    void aSecondRecordOfOneOriginAndSequenceAnswersWithTheFirstIndexAndIsRoutedOnce()
    {
        final Envelope e = text(1, Precedence.ROUTINE).build();
        fx.publish(hh, e);
        fx.publish(hh, e); // a retry before the first was applied: both are in the log
        assertEquals(7, apply(0, 7, log.records.get(0).token()));
        assertEquals(7, apply(1, 9, log.records.get(1).token()), "first occurrence wins");
        assertEquals(List.of(7L), fx.written(cp));
        assertEquals(2, fx.answered.size());
        assertTrue(fx.answered.get(1).duplicate());
        assertEquals(7, fx.answered.get(1).index());
    }

    @Test
    void aRecordAnotherNodeProducedIsRoutedWithNoOneToAnswer()
    {
        fx.publish(hh, text(1, Precedence.ROUTINE).build());
        assertEquals(5, apply(0, 5, 0));
        assertEquals(List.of(5L), fx.written(cp));
        assertEquals(List.of(), fx.answered, "token 0: no publisher of this node waits");
    }

    @Test
    void busyIsRateLimitedAndClosedIsJournalUnavailableAtOnce()
    {
        log.answer = OrderedLog.Offer.BUSY;
        final PublishOutcome busy = fx.publish(hh, text(1, Precedence.ROUTINE).build());
        assertFalse(busy.pending());
        assertEquals(NackReason.RATE_LIMITED, busy.reason());
        assertTrue(busy.detail().contains("busy"), busy.detail());

        log.answer = OrderedLog.Offer.CLOSED;
        final PublishOutcome closed = fx.publish(hh, text(2, Precedence.FLASH).build());
        assertEquals(NackReason.JOURNAL_UNAVAILABLE, closed.reason());
        assertEquals(0, fx.sequencer.pendingPublishes());
    }

    @Test
    void aRecordTheLogFailedIsNackedJournalUnavailableWithItsDetail()
    {
        fx.publish(hh, text(1, Precedence.FLASH).build());
        fx.sequencer.logFailed(log.records.get(0).token(), "Kafka: TimeoutException: expired");
        assertEquals(1, fx.answered.size());
        assertEquals(NackReason.JOURNAL_UNAVAILABLE, fx.answered.get(0).reason());
        assertEquals("Kafka: TimeoutException: expired", fx.answered.get(0).detail());
        assertEquals(List.of(), fx.written(cp));
    }

    @Test
    void expiryIsJudgedAtTheAdmittingClockTheRecordCarries()
    {
        final long expiresAt = fx.clock.getAsLong() + 1_000_000;
        fx.publish(hh, text(1, Precedence.ROUTINE).setExpiresAtMicros(expiresAt).build());
        fx.clock.advanceMillis(5_000); // applied after its expiry, admitted before it: every node applies it
        assertEquals(7, apply(0, 7, log.records.get(0).token()), "journaled (a feed then drops it, expired, as ever)");
        assertTrue(fx.answered.get(0).accepted());
        assertEquals(7, fx.answered.get(0).index());

        fx.publish(hh, text(2, Precedence.ROUTINE).setExpiresAtMicros(expiresAt).build()); // admitted after it
        assertEquals(Journal.NOT_JOURNALED, apply(1, 8, log.records.get(1).token()));
        assertEquals(NackReason.EXPIRED_ON_ARRIVAL, fx.answered.get(1).reason());
        assertEquals(1, fx.counters.nacked(NackReason.EXPIRED_ON_ARRIVAL_VALUE));
    }

    @Test
    void theRoutersOwnMessagesGoThroughTheLogEachWithItsOwnSequence()
    {
        final Envelope.Builder receipt = Envelope.newBuilder().addTo("terminal:cp-1").setPrecedence(Precedence.PRIORITY)
            .setText(Text.newBuilder().setText("receipt"));
        final io.emcomm.router.journal.DedupeWindow routerOrigin = fx.origins.state(SequencerFixture.ROUTER_ID);
        assertEquals(Sequencer.OFFERED, fx.sequencer.publishInternal(routerOrigin, receipt.clone()));
        assertEquals(Sequencer.OFFERED, fx.sequencer.publishInternal(routerOrigin, receipt.clone()), "offered before the first applied");
        assertEquals(2, log.records.size());
        assertEquals(0, log.records.get(0).token(), "no publisher waits for the router's own message");
        assertEquals(3, apply(0, 3, 0));
        assertEquals(4, apply(1, 4, 0), "a sequence of its own, not a duplicate of the first");
        assertEquals(List.of(3L, 4L), fx.written(cp));
        assertEquals(log.records.get(0).sequence() + 1, log.records.get(1).sequence());
    }
}
