package io.emcomm.router.delivery;

/** Field numbers of the Envelope body oneof (emcomm.proto), as {@code EnvelopeHeader.bodyField()} reports them. */
public final class EnvelopeBodies
{
    public static final int POSITION = 20;
    public static final int TEXT = 21;
    public static final int ALERT = 22;
    public static final int INCIDENT = 23;
    public static final int TASK = 24;
    public static final int RECEIPT = 25;

    private EnvelopeBodies()
    {
    }
}
