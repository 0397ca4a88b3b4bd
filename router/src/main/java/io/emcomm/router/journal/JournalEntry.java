package io.emcomm.router.journal;

import java.nio.charset.StandardCharsets;

/**
 * A reusable holder for one journal entry as read. The envelope bytes are copied into a buffer that
 * grows to the largest entry seen and is then reused, so reading does not allocate per entry.
 */
public final class JournalEntry
{
    /** The longest ingress the journal stores (one length byte). */
    public static final int MAX_INGRESS = 255;

    long index;
    long journaledAtMicros;
    int originKind;
    final byte[] region = new byte[16];
    int regionLength;
    byte[] envelope = new byte[1024];
    int envelopeLength;
    final byte[] ingress = new byte[MAX_INGRESS];
    int ingressLength;

    public long index()
    {
        return index;
    }

    public long journaledAtMicros()
    {
        return journaledAtMicros;
    }

    public int originKind()
    {
        return originKind;
    }

    /** The origin's region code as registered at hello (allocates; control plane use). */
    public String originRegion()
    {
        return new String(region, 0, regionLength, StandardCharsets.US_ASCII);
    }

    /** True when the origin's region lies in the subtree of {@code code}, without allocating. */
    public boolean originRegionWithin(final String code)
    {
        if (code.length() > regionLength)
        {
            return false;
        }
        for (int i = 0; i < code.length(); i++)
        {
            if (region[i] != code.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    /** The envelope bytes as received; valid up to {@link #envelopeLength()}. */
    public byte[] envelope()
    {
        return envelope;
    }

    public int envelopeLength()
    {
        return envelopeLength;
    }

    /**
     * The router id of the peer link this message came over (federation, issue 16), or "" when it entered at this
     * router, and for every entry journaled before the field existed. Allocates; control plane use.
     */
    public String ingress()
    {
        return ingressLength == 0 ? "" : new String(ingress, 0, ingressLength, StandardCharsets.US_ASCII);
    }

    /** Whether {@link #ingress()} equals {@code peerId}, without allocating (catch-up of a peer link). */
    public boolean ingressEquals(final String peerId)
    {
        if (peerId.length() != ingressLength)
        {
            return false;
        }
        for (int i = 0; i < ingressLength; i++)
        {
            if (ingress[i] != peerId.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    /** The length of the origin's region code in bytes (ASCII digits). */
    public int originRegionLength()
    {
        return regionLength;
    }

    /** Writes the origin's region code (ASCII) to {@code out}, without allocating (a peer link's DELIVERY). */
    public void writeOriginRegion(final io.netty.buffer.ByteBuf out)
    {
        out.writeBytes(region, 0, regionLength);
    }

    void ensureEnvelopeCapacity(final int length)
    {
        if (envelope.length < length)
        {
            envelope = new byte[Math.max(length, envelope.length * 2)];
        }
    }
}
