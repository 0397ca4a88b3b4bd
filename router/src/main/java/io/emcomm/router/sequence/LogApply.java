package io.emcomm.router.sequence;

import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.protocol.wire.NackReason;
import io.emcomm.router.address.Destination;
import io.emcomm.router.address.DestinationCache;
import io.emcomm.router.counters.RouterCounters;
import io.emcomm.router.delivery.EnvelopeBodies;
import io.emcomm.router.journal.DedupeWindow;
import io.emcomm.router.journal.DedupeWindows;
import io.emcomm.router.journal.Journal;
import io.emcomm.router.session.Session;
import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * The publish path on an {@link OrderedLog} (issue 15): the offer of an admitted publish, with its publisher waiting
 * by token ({@link #offer}), and the commit step: for each record of the log, in log order,
 * on the node's apply thread and under the publish lock, the rules the {@link Sequencer} applies inline on a journal
 * of its own — dedupe by (origin, sequence) with first occurrence winning (a later one answers with the first's
 * index), a stale sequence refused, expiry judged at the admitting node's clock as carried in the record (so every
 * node decides alike), the record mirrored at its index, routed to this node's sessions — and then the answer to
 * this node's publisher, if it is waiting for the record. Every node applies the same log through these rules, so
 * every node decides the same.
 *
 * <p>{@link #offer} and {@link #failed} from any thread; {@link #apply} on the apply thread only, and the flyweights
 * here are its own.
 */
final class LogApply
{
    private final Object publishLock;
    private final Journal journal;
    private final Fanout fanout;
    private final RouterCounters counters;
    private final DedupeWindows origins;
    /** Publishes offered to the log and waiting for their record to be applied. */
    private final PendingPublishes pending = new PendingPublishes();
    private final EnvelopeHeader header = new EnvelopeHeader();
    private final Destination[] destinations = new Destination[EnvelopeHeader.MAX_DESTINATIONS];
    /** The window of the last record's origin: a run of one origin's records looks it up once. */
    private DedupeWindow last;

    LogApply(final Object publishLock, final Journal journal, final Fanout fanout, final RouterCounters counters,
        final DedupeWindows origins)
    {
        this.publishLock = publishLock;
        this.journal = journal;
        this.fanout = fanout;
        this.counters = counters;
        this.origins = origins;
    }

    /**
     * The admitted publish goes to the log; its answer comes when this node applies the record ({@link #apply}), or
     * when the log fails it ({@link #failed}). Allocates the waiter (the log path's one allocation here). Publisher's
     * event loop.
     *
     * @return {@code out}: pending, or a refusal when the log did not take the record
     */
    PublishOutcome offer(final OrderedLog log, final Session session, final EnvelopeHeader header, final ByteBuf frame,
        final int offset, final int length, final long now, final String[] unknown, final int unknownCount,
        final PublishAnswers later, final PublishOutcome out)
    {
        final long sequence = header.originSequence();
        final int precedence = header.precedenceNumber();
        final long token = pending.add(new PendingPublishes.Waiter(session, later, sequence,
            Arrays.copyOf(unknown, unknownCount), unknownCount, precedence));
        final OrderedLog.Offer offered = log.offer(token, precedence, frame, offset, length, now, session.kind().getNumber(),
            session.regionCode(), "");
        if (offered == OrderedLog.Offer.QUEUED)
        {
            out.pending(sequence);
            return out;
        }
        pending.take(token);
        final NackReason reason;
        final String detail;
        if (offered == OrderedLog.Offer.BUSY)
        {
            // no BUSY reason in protocol version 1: RATE_LIMITED tells the client to retry later (protocol.md 4.3)
            reason = NackReason.RATE_LIMITED;
            detail = "the journal is busy: too much ROUTINE/PRIORITY in flight to the cluster; retry later";
        }
        else
        {
            reason = NackReason.JOURNAL_UNAVAILABLE;
            detail = log.unavailableDetail();
        }
        counters.incNacked(reason.getNumber());
        out.refuse(session.terminalId(), sequence, reason, detail);
        return out;
    }

    /** See {@link Sequencer#logFailed}. Any thread. */
    void failed(final long token, final String detail)
    {
        final PendingPublishes.Waiter waiter = pending.take(token);
        if (waiter != null)
        {
            answer(waiter, refusal(waiter, NackReason.JOURNAL_UNAVAILABLE, detail));
        }
    }

    /** @return publishes offered and not answered yet */
    int pending()
    {
        return pending.size();
    }

    /** See {@link Sequencer#apply}. */
    long apply(final long index, final ByteBuf envelope, final int offset, final int length, final long journaledAtMicros,
        final int originKind, final String originRegion, final long token)
    {
        final PendingPublishes.Waiter waiter = pending.take(token);
        if (!header.wrap(envelope, offset, length) || !header.hasOrigin() || header.originSequence() == 0)
        {
            // nodes offer only admitted envelopes: a foreign or damaged record, skipped by every node alike
            answer(waiter, refusal(waiter, NackReason.MALFORMED_ENVELOPE, "the journal record's envelope does not parse"));
            return Journal.NOT_JOURNALED;
        }
        final long sequence = header.originSequence();
        final DestinationCache cache = DestinationCache.forThread();
        synchronized (publishLock)
        {
            DedupeWindow window = last;
            if (window == null || !header.originEquals(window.origin()))
            {
                window = last = origins.state(header.origin());
            }
            final long prior = window.lookup(sequence);
            if (prior >= 0)
            {
                counters.incDuplicates();
                answer(waiter, accepted(waiter, prior, true, 0));
                return prior;
            }
            if (prior == DedupeWindow.STALE)
            {
                answer(waiter, refusal(waiter, NackReason.STALE_SEQUENCE, "origin_sequence " + sequence + " is more than "
                    + DedupeWindow.WINDOW + " behind the highest seen; cannot tell if it is a retry"));
                return Journal.NOT_JOURNALED;
            }
            if (header.isExpiredAt(journaledAtMicros))
            {
                answer(waiter, refusal(waiter, NackReason.EXPIRED_ON_ARRIVAL, "expires_at is already past"));
                return Journal.NOT_JOURNALED;
            }
            // the node's mirror of the log stores the record being applied at its index
            final long mirrored = journal.append(envelope, offset, length, journaledAtMicros, originKind, originRegion);
            if (mirrored != index)
            {
                throw new IllegalStateException("the journal mirror stored offset " + index + " as " + mirrored);
            }
            window.record(sequence, index);
            counters.incJournaled(header.precedenceNumber());
            if (waiter != null && header.bodyField() == EnvelopeBodies.POSITION)
            {
                waiter.session().terminal().lastPositionIndex(index);
            }
            int count = 0;
            final int n = header.destinationCount();
            for (int i = 0; i < n; i++)
            {
                final Destination d = cache.lookup(header, i);
                if (d != null) // admitted where it was offered; a node that cannot parse one skips only that one
                {
                    destinations[count++] = d;
                }
            }
            final int deliveredNow = fanout.route(waiter == null ? null : waiter.session(), null, header, destinations,
                count, envelope, offset, length, index, journaledAtMicros, originKind, originRegion);
            answer(waiter, accepted(waiter, index, false, deliveredNow));
            return index;
        }
    }

    private PublishOutcome accepted(final PendingPublishes.Waiter waiter, final long index, final boolean duplicate,
        final int deliveredNow)
    {
        if (waiter == null)
        {
            return null;
        }
        final PublishOutcome out = new PublishOutcome();
        out.precedence(waiter.precedence());
        out.accept(waiter.sequence(), index, duplicate, deliveredNow, waiter.unknownTerminals(), waiter.unknownCount());
        return out;
    }

    private PublishOutcome refusal(final PendingPublishes.Waiter waiter, final NackReason reason, final String detail)
    {
        if (waiter == null)
        {
            return null;
        }
        counters.incNacked(reason.getNumber());
        return refusal(waiter.session().terminalId(), waiter.sequence(), reason, detail);
    }

    /** A refusal as a fresh outcome (not the per-thread one). */
    static PublishOutcome refusal(final String origin, final long sequence, final NackReason reason, final String detail)
    {
        final PublishOutcome out = new PublishOutcome();
        out.refuse(origin, sequence, reason, detail);
        return out;
    }

    private static void answer(final PendingPublishes.Waiter waiter, final PublishOutcome out)
    {
        if (waiter != null && out != null)
        {
            waiter.answers().answer(out);
        }
    }
}
