package io.emcomm.client;

import io.emcomm.protocol.wire.NackReason;

/**
 * The router answered a publish with PUBLISH_NACK (protocol.md §4.3). For every reason but {@code JOURNAL_UNAVAILABLE}
 * the router refused it before its journal: nothing was journaled, and sending it again as is will not help.
 *
 * <p>{@code JOURNAL_UNAVAILABLE} is never reported at the first nack: the client sends the publish again with its
 * origin sequence (250 ms after the nack, doubling to 2 s) until it is acknowledged or its request timeout passes
 * (30 s after the first nack when the request timeout is zero), and only then fails it with the last nack's reason
 * and detail, the {@linkplain #getCause() cause} a {@link java.util.concurrent.TimeoutException} saying how long it
 * was retried. On a router with its own journal (disk full, I/O error) nothing was stored; on a router node of a Kafka
 * cluster (docs/cluster.md) the nack means the cluster did not confirm the record in time, so it <b>may</b> have been
 * journaled and delivered: publishing the content again as a new message may deliver it twice.
 */
public final class PublishRejectedException extends EmcommException
{
    private static final long serialVersionUID = 1L;

    private final NackReason reason;
    private final String detail;
    private final long originSequence;

    /**
     * A publish the router refused with PUBLISH_NACK (protocol.md 4.3): its reason, the router's detail and the
     * origin sequence it carried.
     */
    public PublishRejectedException(final NackReason reason, final String detail, final long originSequence)
    {
        this(reason, detail, originSequence, null);
    }

    /** The same, with why the client stopped retrying ({@code JOURNAL_UNAVAILABLE}), or null. */
    PublishRejectedException(final NackReason reason, final String detail, final long originSequence, final Throwable cause)
    {
        super(reason + (detail == null || detail.isEmpty() ? "" : ": " + detail), cause);
        this.reason = reason;
        this.detail = detail == null ? "" : detail;
        this.originSequence = originSequence;
    }

    public NackReason reason()
    {
        return reason;
    }

    /** The router's explanation, possibly empty; for {@code JOURNAL_UNAVAILABLE}, that of the last nack. */
    public String detail()
    {
        return detail;
    }

    public long originSequence()
    {
        return originSequence;
    }
}
