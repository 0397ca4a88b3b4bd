package io.emcomm.kafka.journal;

import io.emcomm.router.journal.JournalEntry;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Fills the router's {@link JournalEntry}, whose fields only the router's journal package may set today. A bridge
 * until the router gains a public filler (the seam change listed in this module's report: a
 * {@code JournalEntry.fill(index, journaledAtMicros, originKind, region bytes, envelope bytes)}); then this class
 * is deleted. Through {@link VarHandle}s looked up once (the classes share the class path's unnamed module, so
 * private access needs no JVM flag): no reflection cost and no allocation per entry. A renamed field fails at
 * class initialisation, and {@code OffsetMirrorTest} reads every field back.
 *
 * <p>Thread-safety: stateless; the entry belongs to the reading thread.
 */
final class EntryFiller
{
    private static final VarHandle INDEX;
    private static final VarHandle JOURNALED_AT;
    private static final VarHandle ORIGIN_KIND;
    private static final VarHandle REGION;
    private static final VarHandle REGION_LENGTH;
    private static final VarHandle ENVELOPE;
    private static final VarHandle ENVELOPE_LENGTH;

    static
    {
        try
        {
            final MethodHandles.Lookup l = MethodHandles.privateLookupIn(JournalEntry.class, MethodHandles.lookup());
            INDEX = l.findVarHandle(JournalEntry.class, "index", long.class);
            JOURNALED_AT = l.findVarHandle(JournalEntry.class, "journaledAtMicros", long.class);
            ORIGIN_KIND = l.findVarHandle(JournalEntry.class, "originKind", int.class);
            REGION = l.findVarHandle(JournalEntry.class, "region", byte[].class);
            REGION_LENGTH = l.findVarHandle(JournalEntry.class, "regionLength", int.class);
            ENVELOPE = l.findVarHandle(JournalEntry.class, "envelope", byte[].class);
            ENVELOPE_LENGTH = l.findVarHandle(JournalEntry.class, "envelopeLength", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private EntryFiller()
    {
    }

    static void header(final JournalEntry entry, final long index, final long journaledAtMicros, final int originKind)
    {
        INDEX.set(entry, index);
        JOURNALED_AT.set(entry, journaledAtMicros);
        ORIGIN_KIND.set(entry, originKind);
    }

    /** @return the entry's region array (16 bytes; longer regions are cut, as ChronicleJournal's reader does) */
    static byte[] region(final JournalEntry entry)
    {
        return (byte[])REGION.get(entry);
    }

    static void regionLength(final JournalEntry entry, final int length)
    {
        REGION_LENGTH.set(entry, length);
    }

    /** @return the entry's envelope array, grown (doubling) to hold {@code length} bytes */
    static byte[] envelope(final JournalEntry entry, final int length)
    {
        byte[] a = (byte[])ENVELOPE.get(entry);
        if (a.length < length)
        {
            a = new byte[Math.max(length, a.length * 2)];
            ENVELOPE.set(entry, a);
        }
        ENVELOPE_LENGTH.set(entry, length);
        return a;
    }
}
