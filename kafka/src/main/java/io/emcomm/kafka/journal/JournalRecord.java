package io.emcomm.kafka.journal;

import io.netty.buffer.ByteBuf;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The value of one record of the journal topic ({@code emcomm.journal}, issue 15 Deliver 1), and a flyweight
 * that reads it in place. Layout, big-endian:
 * <pre>
 *   u8  version (1)
 *   i64 journaledAtMicros      the accepting node's clock when it offered the record
 *   u8  originKind             TerminalKind number of the publishing session
 *   u8  regionLength | region  the origin's region code (ASCII, at most 255)
 *   u8  ingressLength | ingress  "" = entered at this site; otherwise the federation link it came over (ASCII)
 *   u8  routerIdLength | routerId  the node that produced the record (ASCII)
 *   i64 publishToken           per-node token, so the producing node matches the applied record to its waiting publisher
 *   envelope                   the rest of the value: the envelope bytes exactly as received (at least one byte)
 * </pre>
 * The envelope is last and unframed: its length is the value's length minus the header, so a record carries no
 * redundant length to disagree with.
 *
 * <p>Encoding ({@link #encode}) writes into an array the caller sized with {@link #encodedLength}: the producer's
 * serializer ({@link JournalRecordDraft}), which reuses one array per value length up to 2 KiB, since Kafka copies
 * the value into its batch inside {@code send}. Decoding ({@link #wrap}) copies nothing: the accessors read the
 * consumer's {@code byte[]}
 * in place, and {@link #problem()} names what is wrong with a malformed value as a constant (no allocation on
 * the apply thread even then). An instance is a single-threaded flyweight, valid while the wrapped array is.
 */
public final class JournalRecord
{
    /** The layout version this class writes and the only one it reads. */
    public static final int VERSION = 1;
    /** Bytes of a value besides its three strings and the envelope. */
    public static final int FIXED_BYTES = 1 + 8 + 1 + 1 + 1 + 1 + 8;
    /** The longest region, ingress or router id, in bytes (a u8 length). */
    public static final int MAX_TEXT = 255;

    static final String NO_VALUE = "no value (a null record)";
    static final String TOO_SHORT = "shorter than the fixed header";
    static final String BAD_VERSION = "unknown version byte";
    static final String TEXT_OVERRUN = "a region, ingress or router id runs past the end";
    static final String NO_ENVELOPE = "no envelope bytes after the header";

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private byte[] array;
    private int base;
    private int length;
    private int regionAt;
    private int regionLength;
    private int ingressAt;
    private int ingressLength;
    private int routerIdAt;
    private int routerIdLength;
    private int envelopeAt;
    private String problem;

    /**
     * The size of a value.
     *
     * @param region         the origin's region code (ASCII)
     * @param ingress        the ingress ("" for this site)
     * @param routerId       the producing node
     * @param envelopeLength the envelope's length in bytes
     * @return bytes
     */
    public static int encodedLength(final String region, final String ingress, final String routerId, final int envelopeLength)
    {
        return FIXED_BYTES + region.length() + ingress.length() + routerId.length() + envelopeLength;
    }

    /**
     * Writes one value into {@code dst} from {@code at}; the caller sized it with {@link #encodedLength}. Strings are
     * written one byte per char (they are ASCII: region codes, router ids and link names are checked where they enter).
     *
     * @param dst               the value array
     * @param at                where the value starts in it
     * @param journaledAtMicros the accepting node's clock, microseconds since the epoch
     * @param originKind        the publishing session's TerminalKind number
     * @param region            the origin's region code
     * @param ingress           "" for this site, else the federation link
     * @param routerId          the producing node
     * @param publishToken      the producing node's token for the waiting publisher
     * @param envelope          the envelope bytes as received
     * @param envelopeOffset    where they start in {@code envelope}
     * @param envelopeLength    their length
     * @return the index just past the value
     * @throws IllegalArgumentException when a string is longer than {@link #MAX_TEXT} or the envelope is empty
     */
    public static int encode(final byte[] dst, final int at, final long journaledAtMicros, final int originKind,
        final String region, final String ingress, final String routerId, final long publishToken,
        final ByteBuf envelope, final int envelopeOffset, final int envelopeLength)
    {
        if (envelopeLength <= 0)
        {
            throw new IllegalArgumentException("an empty envelope is not journaled");
        }
        int p = at;
        dst[p++] = VERSION;
        LONG.set(dst, p, journaledAtMicros);
        p += 8;
        dst[p++] = (byte)originKind;
        p = text(dst, p, region);
        p = text(dst, p, ingress);
        p = text(dst, p, routerId);
        LONG.set(dst, p, publishToken);
        p += 8;
        envelope.getBytes(envelopeOffset, dst, p, envelopeLength);
        return p + envelopeLength;
    }

    private static int text(final byte[] dst, final int at, final String s)
    {
        final int n = s.length();
        if (n > MAX_TEXT)
        {
            throw new IllegalArgumentException("longer than " + MAX_TEXT + " bytes: " + s);
        }
        dst[at] = (byte)n;
        for (int i = 0; i < n; i++)
        {
            dst[at + 1 + i] = (byte)s.charAt(i);
        }
        return at + 1 + n;
    }

    /**
     * Wraps a record's value. Never throws on bad input: a value that does not parse returns false and
     * {@link #problem()} says why (the applier logs one line with the offset and skips it).
     *
     * @param value  the consumer's value array (may be null: a tombstone or a foreign producer's record)
     * @param offset where the value starts in it
     * @param length the value's length
     * @return true when the layout is well formed
     */
    public boolean wrap(final byte[] value, final int offset, final int length)
    {
        this.array = value;
        this.base = offset;
        this.length = length;
        if (value == null)
        {
            return fail(NO_VALUE);
        }
        if (length < FIXED_BYTES)
        {
            return fail(TOO_SHORT);
        }
        if (value[offset] != VERSION)
        {
            return fail(BAD_VERSION);
        }
        final int end = offset + length;
        int p = offset + 1 + 8 + 1;
        regionLength = value[p] & 0xFF;
        regionAt = p + 1;
        p = regionAt + regionLength;
        if (p >= end)
        {
            return fail(TEXT_OVERRUN);
        }
        ingressLength = value[p] & 0xFF;
        ingressAt = p + 1;
        p = ingressAt + ingressLength;
        if (p >= end)
        {
            return fail(TEXT_OVERRUN);
        }
        routerIdLength = value[p] & 0xFF;
        routerIdAt = p + 1;
        p = routerIdAt + routerIdLength;
        if (p + 8 > end)
        {
            return fail(TEXT_OVERRUN);
        }
        envelopeAt = p + 8;
        if (envelopeAt >= end)
        {
            return fail(NO_ENVELOPE);
        }
        problem = null;
        return true;
    }

    /**
     * As {@link #wrap(byte[], int, int)} over the whole array.
     *
     * @param value the consumer's value array, or null
     * @return true when the layout is well formed
     */
    public boolean wrap(final byte[] value)
    {
        return wrap(value, 0, value == null ? 0 : value.length);
    }

    private boolean fail(final String why)
    {
        problem = why;
        return false;
    }

    /** @return why the last {@link #wrap} returned false, or null after a successful one */
    public String problem()
    {
        return problem;
    }

    /** @return the accepting node's clock at the offer, in microseconds since the epoch */
    public long journaledAtMicros()
    {
        return (long)LONG.get(array, base + 1);
    }

    /** @return the publishing session's TerminalKind number */
    public int originKind()
    {
        return array[base + 9] & 0xFF;
    }

    /** @return the origin's region code (allocates: control plane) */
    public String originRegion()
    {
        return ascii(regionAt, regionLength);
    }

    /** @return where the region's bytes start in {@link #array()} */
    public int regionOffset()
    {
        return regionAt;
    }

    /** @return the region's length in bytes */
    public int regionLength()
    {
        return regionLength;
    }

    /** @return the ingress ("" = entered at this site; allocates only when not empty) */
    public String ingress()
    {
        return ingressLength == 0 ? "" : ascii(ingressAt, ingressLength);
    }

    /** @return where the ingress's bytes start in {@link #array()} */
    public int ingressOffset()
    {
        return ingressAt;
    }

    /** @return the ingress's length; 0 for a record that entered at this site */
    public int ingressLength()
    {
        return ingressLength;
    }

    /** @return the producing node's router id (allocates: control plane) */
    public String routerId()
    {
        return ascii(routerIdAt, routerIdLength);
    }

    /**
     * Whether this node produced the record, without allocating (the apply thread asks it of every record).
     *
     * @param id this node's router id
     * @return true when the record's router id is {@code id}
     */
    public boolean producedBy(final String id)
    {
        if (id.length() != routerIdLength)
        {
            return false;
        }
        for (int i = 0; i < routerIdLength; i++)
        {
            if (array[routerIdAt + i] != (byte)id.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    /** @return the producing node's publish token */
    public long publishToken()
    {
        return (long)LONG.get(array, envelopeAt - 8);
    }

    /** @return the wrapped array (the consumer's value) */
    public byte[] array()
    {
        return array;
    }

    /** @return where the envelope starts in {@link #array()} */
    public int envelopeOffset()
    {
        return envelopeAt;
    }

    /** @return the envelope's length in bytes */
    public int envelopeLength()
    {
        return base + length - envelopeAt;
    }

    private String ascii(final int at, final int n)
    {
        return new String(array, at, n, StandardCharsets.US_ASCII);
    }
}
