package io.emcomm.router.journal;

import java.nio.charset.StandardCharsets;

/**
 * A reusable holder for one journal entry as read. The envelope bytes are copied into a buffer that
 * grows to the largest entry seen and is then reused, so reading does not allocate per entry.
 */
public final class JournalEntry
{
    long index;
    long journaledAtMicros;
    int originKind;
    final byte[] region = new byte[16];
    int regionLength;
    byte[] envelope = new byte[1024];
    int envelopeLength;

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

    void ensureEnvelopeCapacity(final int length)
    {
        if (envelope.length < length)
        {
            envelope = new byte[Math.max(length, envelope.length * 2)];
        }
    }
}
