package io.emcomm.router.sequence;

/**
 * What the {@link Sequencer} made of one DELIVERY a peer router forwarded ({@link Sequencer#importDelivery};
 * federation, issue 16). Every kind but {@link Kind#UNAVAILABLE} is acknowledged to the sending router, so its
 * cursor moves on: a duplicate, an expired or a refused message will never be journaled here, and sending it again
 * would change nothing.
 *
 * <p>One instance per importing thread, reused: valid until the next import on the same thread. Event loop only.
 */
public final class ImportOutcome
{
    /** The four outcomes of the design, and the journal being unavailable. */
    public enum Kind
    {
        /** Journaled here with its original origin, kind and region, the ingress, and routed. */
        IMPORTED,
        /** Already journaled here (by origin and origin_sequence); {@link #index()} is where. Nothing routed. */
        DUPLICATE,
        /** Its {@code expires_at} had passed: not journaled, not routed. */
        EXPIRED,
        /**
         * Refused (an origin outside a child's region, or an envelope that does not parse): not journaled, not
         * routed; counted and journaled as a security event. {@link #detail()} says why.
         */
        REFUSED,
        /**
         * The journal could not store it (full disk, I/O error): nothing stored. Not acknowledged, so the peer
         * sends it again on the link's next session; {@link #detail()} says why.
         */
        UNAVAILABLE
    }

    private Kind kind;
    private long index = -1;
    private int deliveredNow;
    private String detail;

    ImportOutcome()
    {
    }

    ImportOutcome set(final Kind kind, final long index, final int deliveredNow, final String detail)
    {
        this.kind = kind;
        this.index = index;
        this.deliveredNow = deliveredNow;
        this.detail = detail;
        return this;
    }

    /** What happened to the message. */
    public Kind kind()
    {
        return kind;
    }

    /** Whether the sending router should be acknowledged (every kind but {@link Kind#UNAVAILABLE}). */
    public boolean acknowledge()
    {
        return kind != Kind.UNAVAILABLE;
    }

    /** This router's journal index for {@link Kind#IMPORTED} and {@link Kind#DUPLICATE}; -1 otherwise. */
    public long index()
    {
        return index;
    }

    /** Local sessions and peer links the message was handed to now ({@link Kind#IMPORTED}); 0 otherwise. */
    public int deliveredNow()
    {
        return deliveredNow;
    }

    /** Why, for {@link Kind#REFUSED} and {@link Kind#UNAVAILABLE}; null otherwise. */
    public String detail()
    {
        return detail;
    }

    @Override
    public String toString()
    {
        return kind + (index >= 0 ? " at " + index : "") + (detail != null ? ": " + detail : "");
    }
}
