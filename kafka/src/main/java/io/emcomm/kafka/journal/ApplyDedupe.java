package io.emcomm.kafka.journal;

import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.router.journal.DedupeWindow;
import io.emcomm.router.journal.DedupeWindows;

/**
 * Dedupe by (origin, sequence) decided at apply time (issue 15 Deliver 1; CLUSTER.md "Publish"): Kafka's idempotent
 * producer only removes one producer's own retries, so a terminal's retry through another node is a second record
 * in the log. Every node applies the same log in the same order through the same rule, first occurrence wins,
 * so every node decides the same: the first record of an (origin, sequence) is the message, a later one is a
 * duplicate whose publisher gets the first one's offset. Over the router's {@link DedupeWindows}, so the windows'
 * rules (the last {@link DedupeWindow#WINDOW} sequences per origin; an older sequence is STALE) are the router's.
 *
 * <p>Thread-safety: the apply thread only (it is the windows' one writer). A run of records from one origin looks
 * its window up once; nothing is allocated per record except a new origin's window.
 */
public final class ApplyDedupe
{
    /** The record is the first of its (origin, sequence): apply it. */
    public static final long FIRST = DedupeWindow.UNKNOWN;
    /** The sequence is too far behind the origin's highest to tell: not applied (the publisher is nacked stale). */
    public static final long STALE = DedupeWindow.STALE;
    /** The envelope's header does not parse, or it has no origin or a sequence of 0: not applied. */
    public static final long UNUSABLE = -3;

    private final DedupeWindows windows;
    private final EnvelopeHeader header = new EnvelopeHeader();
    private DedupeWindow last;

    /**
     * @param windows the node's windows, rebuilt from its {@link OffsetMirror} at start (first occurrences only,
     *                with their offsets, which is exactly what a node that ran all along recorded)
     */
    public ApplyDedupe(final DedupeWindows windows)
    {
        this.windows = windows;
    }

    /**
     * Decides one record and, when it is the first of its (origin, sequence), records its offset.
     *
     * @param offset the record's offset
     * @param record the record
     * @return {@link #FIRST}, the offset of the first occurrence (a duplicate: {@code >= 0}), {@link #STALE} or
     *         {@link #UNUSABLE}
     */
    public long decide(final long offset, final JournalRecord record)
    {
        if (!header.wrap(record.array(), record.envelopeOffset(), record.envelopeLength()) || !header.hasOrigin()
            || header.originSequence() == 0)
        {
            return UNUSABLE;
        }
        return decide(offset, header);
    }

    /**
     * As {@link #decide(long, JournalRecord)} for a header already wrapped.
     *
     * @param offset the record's offset
     * @param envelope the record's envelope header
     * @return {@link #FIRST}, the first occurrence's offset, or {@link #STALE}
     */
    public long decide(final long offset, final EnvelopeHeader envelope)
    {
        if (last == null || !envelope.originEquals(last.origin()))
        {
            last = windows.state(envelope.origin());
        }
        final long sequence = envelope.originSequence();
        final long prior = last.lookup(sequence);
        if (prior == DedupeWindow.UNKNOWN)
        {
            last.record(sequence, offset);
        }
        return prior;
    }

    /** @return the header of the last record decided (its origin, sequence, precedence, destinations), for routing */
    public EnvelopeHeader header()
    {
        return header;
    }
}
