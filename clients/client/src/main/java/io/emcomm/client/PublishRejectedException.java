package io.emcomm.client;

import io.emcomm.protocol.wire.NackReason;

/** The router answered a publish with PUBLISH_NACK: nothing was journaled. Retrying as is will not help. */
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
        super(reason + (detail == null || detail.isEmpty() ? "" : ": " + detail));
        this.reason = reason;
        this.detail = detail == null ? "" : detail;
        this.originSequence = originSequence;
    }

    public NackReason reason()
    {
        return reason;
    }

    /** The router's explanation, possibly empty. */
    public String detail()
    {
        return detail;
    }

    public long originSequence()
    {
        return originSequence;
    }
}
