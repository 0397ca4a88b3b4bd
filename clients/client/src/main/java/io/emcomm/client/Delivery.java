package io.emcomm.client;

import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.Precedence;

import java.util.List;

/**
 * A message the router delivered, or a journal entry returned by a replay. Immutable and thread-safe.
 */
public final class Delivery
{
    private final long journalIndex;
    private final long journaledAtMicros;
    private final long replayRequestId;
    private final Envelope envelope;

    Delivery(final long journalIndex, final long journaledAtMicros, final long replayRequestId, final Envelope envelope)
    {
        this.journalIndex = journalIndex;
        this.journaledAtMicros = journaledAtMicros;
        this.replayRequestId = replayRequestId;
        this.envelope = envelope;
    }

    /** Wraps a decoded DELIVERY or REPLAY_ITEM payload. */
    public static Delivery of(final io.emcomm.protocol.wire.Delivery wire)
    {
        return new Delivery(wire.getJournalIndex(), wire.getJournaledAtMicros(), wire.getReplayRequestId(),
            wire.getEnvelope());
    }

    /** The journal index; pass it to {@link EmcommClient#ack(long)} when acknowledging by hand. */
    public long journalIndex()
    {
        return journalIndex;
    }

    /** When the router journaled the message, microseconds since the Unix epoch (router clock). */
    public long journaledAtMicros()
    {
        return journaledAtMicros;
    }

    /** True for an item of a replay rather than a live delivery. */
    public boolean isReplay()
    {
        return replayRequestId != 0;
    }

    public String origin()
    {
        return envelope.getOrigin();
    }

    public long originSequence()
    {
        return envelope.getOriginSequence();
    }

    /** The message id as people write it: {@code origin/sequence}. */
    public String messageId()
    {
        return envelope.getOrigin() + "/" + envelope.getOriginSequence();
    }

    /** The precedence, with UNSPECIFIED read as ROUTINE as the protocol says. */
    public Precedence precedence()
    {
        final Precedence p = envelope.getPrecedence();
        return p == Precedence.PRECEDENCE_UNSPECIFIED || p == Precedence.UNRECOGNIZED ? Precedence.ROUTINE : p;
    }

    /** The destination addresses as the sender wrote them. */
    public List<String> destinations()
    {
        return envelope.getToList();
    }

    /** The whole parsed envelope, body included. */
    public Envelope envelope()
    {
        return envelope;
    }

    @Override
    public String toString()
    {
        return "Delivery{" + journalIndex + " " + messageId() + " " + precedence() + " to " + destinations() +
            " " + envelope.getBodyCase() + "}";
    }
}
