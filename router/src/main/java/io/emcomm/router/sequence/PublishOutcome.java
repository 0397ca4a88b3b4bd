package io.emcomm.router.sequence;

import io.emcomm.protocol.wire.NackReason;

/**
 * The answer the {@link Sequencer} gives to one PUBLISH: an acknowledgement (the journal index, whether it was a
 * retry, how many sessions it reached now, the {@code terminal:} addresses never seen) or a refusal (reason and
 * detail) — protocol.md sections 4.2 and 4.3. The network layer turns it into a PUBLISH_ACK or PUBLISH_NACK frame.
 *
 * <p>One instance per publishing thread, reused: it is valid until the next publish on the same thread, so the
 * publish path allocates nothing for its answer. Event loop only.
 */
public final class PublishOutcome
{
    private boolean accepted;
    private boolean pending;
    private String origin;
    private long sequence;
    private long index;
    private boolean duplicate;
    private int deliveredNow;
    private String[] unknownTerminals;
    private int unknownCount;
    private NackReason reason;
    private String detail;
    private int precedence;

    PublishOutcome()
    {
    }

    void accept(final long sequence, final long index, final boolean duplicate, final int deliveredNow,
        final String[] unknownTerminals, final int unknownCount)
    {
        this.accepted = true;
        this.pending = false;
        this.origin = null;
        this.sequence = sequence;
        this.index = index;
        this.duplicate = duplicate;
        this.deliveredNow = deliveredNow;
        this.unknownTerminals = unknownTerminals;
        this.unknownCount = unknownCount;
        this.reason = null;
        this.detail = null;
    }

    void refuse(final String origin, final long sequence, final NackReason reason, final String detail)
    {
        this.accepted = false;
        this.pending = false;
        this.origin = origin;
        this.sequence = sequence;
        this.index = -1;
        this.duplicate = false;
        this.deliveredNow = 0;
        this.unknownTerminals = null;
        this.unknownCount = 0;
        this.reason = reason;
        this.detail = detail == null ? "" : detail;
    }

    /**
     * Neither yet: the publish was offered to the node's {@link OrderedLog} and is answered once this node applies
     * its record (or the log fails it), through the {@link PublishAnswers} given to {@link Sequencer#publish}.
     */
    void pending(final long sequence)
    {
        refuse("", sequence, null, null);
        this.pending = true;
    }

    /**
     * True when the answer comes later, through {@link PublishAnswers} (an ordered log, issue 15): write nothing
     * for this publish now. {@link #accepted()} is false and {@link #reason()} null meanwhile.
     */
    public boolean pending()
    {
        return pending;
    }

    /** The envelope's precedence number (protocol.md 7.4); set once the header parsed (so on every acknowledgement). */
    void precedence(final int precedence)
    {
        this.precedence = precedence;
    }

    /**
     * The precedence number of the envelope acknowledged (an unspecified one reads as ROUTINE); meaningful only
     * when {@link #accepted()}.
     */
    public int precedence()
    {
        return precedence;
    }

    /** True for an acknowledgement (journaled now or earlier), false for a refusal. */
    public boolean accepted()
    {
        return accepted;
    }

    /** A refusal's origin as echoed in the nack: "" when the envelope did not parse (protocol.md 4.3). */
    public String origin()
    {
        return origin;
    }

    /** The origin sequence acknowledged or refused; 0 in a refusal of an envelope that did not parse. */
    public long sequence()
    {
        return sequence;
    }

    /** The journal index of an acknowledged message (its first index, for a retry). */
    public long index()
    {
        return index;
    }

    /** True when an acknowledged message was a retry of one already journaled (PUBLISH_ACK {@code duplicate}). */
    public boolean duplicate()
    {
        return duplicate;
    }

    /** The sessions an acknowledged message was handed to at once (PUBLISH_ACK {@code delivered_now}). */
    public int deliveredNow()
    {
        return deliveredNow;
    }

    /**
     * The {@code terminal:} destinations never seen by this router (PUBLISH_ACK field 6); the first
     * {@link #unknownCount()} entries count. Shared per thread: read it before the next publish.
     */
    public String[] unknownTerminals()
    {
        return unknownTerminals;
    }

    /** How many entries of {@link #unknownTerminals()} are set. */
    public int unknownCount()
    {
        return unknownCount;
    }

    /** A refusal's reason. */
    public NackReason reason()
    {
        return reason;
    }

    /** A refusal's detail for people, never null in a refusal. */
    public String detail()
    {
        return detail;
    }
}
