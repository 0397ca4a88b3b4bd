package io.emcomm.router.journal;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.protocol.wire.Envelope;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks a journal folder: every excerpt parses in the {@link ChronicleJournal} layout with an envelope that
 * parses, and within each roll file the indexes run on without a gap from the first and reach as far as the
 * file's own index says. Stops at the first problem and names its index and file. Opens the queue read-only,
 * so it is safe beside a running router (which may still be appending past the end it saw).
 */
public final class JournalVerifier
{
    /** Roll files hold region codes of at most 12 digits; the reader's buffer takes 16. */
    private static final int MAX_REGION = 16;

    private JournalVerifier()
    {
    }

    /** The first problem found: where and what. {@code index} is -1 when the journal could not be opened. */
    public record Problem(long index, Path file, String what)
    {
        @Override
        public String toString()
        {
            return (index < 0 ? "" : "index " + index + " (0x" + Long.toHexString(index) + ") in ") + file + ": " + what;
        }
    }

    /** What was checked, and the first problem or null. */
    public record Report(int files, long entries, long firstIndex, long lastIndex, Problem problem)
    {
        public boolean ok()
        {
            return problem == null;
        }
    }

    /**
     * Reads every entry of the journal in {@code journalDir} read-only and reports what it found: entries, index
     * gaps, envelopes that do not parse, or that there is no journal folder. Offline tool; the calling thread.
     */
    public static Report verify(final Path journalDir)
    {
        if (!Files.isDirectory(journalDir))
        {
            return new Report(0, 0, -1, -1, new Problem(-1, journalDir, "no journal folder"));
        }
        final SingleChronicleQueue queue;
        try
        {
            queue = SingleChronicleQueueBuilder.single(journalDir.toFile()).readOnly(true).build();
        }
        catch (final RuntimeException ex)
        {
            return new Report(0, 0, -1, -1, new Problem(-1, journalDir, "the journal cannot be opened: " + ex));
        }
        try (queue; ExcerptTailer tailer = queue.createTailer())
        {
            return verify(queue, tailer);
        }
    }

    private static Report verify(final SingleChronicleQueue queue, final ExcerptTailer tailer)
    {
        final List<RollFile> files = RollFile.list(queue);
        final RollCycle rollCycle = queue.rollCycle();
        final EnvelopeHeader header = new EnvelopeHeader();
        long entries = 0;
        long first = -1;
        long last = -1;
        for (final RollFile f : files)
        {
            final int cycle = f.cycle();
            long sequence = 0;
            final long listed;
            try
            {
                listed = tailer.excerptsInCycle(cycle);
                if (listed > 0 && !tailer.moveToCycle(cycle))
                {
                    return report(files, entries, first, last, rollCycle.toIndex(cycle, 0), f, "the roll file cannot be read from its start");
                }
            }
            catch (final RuntimeException ex)
            {
                return report(files, entries, first, last, rollCycle.toIndex(cycle, 0), f, "the roll file's index cannot be read: " + ex);
            }
            while (sequence < listed)
            {
                final long expected = rollCycle.toIndex(cycle, sequence);
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent() || rollCycle.toCycle(dc.index()) != cycle)
                    {
                        if (dc.isPresent())
                        {
                            dc.rollbackOnClose();
                        }
                        return report(files, entries, first, last, expected, f, "the excerpt cannot be read: the roll file lists "
                            + listed + " entries, only " + sequence + " are readable");
                    }
                    if (dc.index() != expected)
                    {
                        return report(files, entries, first, last, dc.index(), f, "index gap: expected entry " + sequence
                            + " of the roll file, found entry " + rollCycle.toSequenceNumber(dc.index()));
                    }
                    final String problem = checkEntry(dc.wire().bytes(), header);
                    if (problem != null)
                    {
                        return report(files, entries, first, last, expected, f, problem);
                    }
                }
                catch (final RuntimeException ex)
                {
                    return report(files, entries, first, last, expected, f, "the excerpt cannot be read: " + ex);
                }
                first = first < 0 ? expected : first;
                last = expected;
                sequence++;
                entries++;
            }
        }
        return new Report(files.size(), entries, first, last, null);
    }

    private static Report report(final List<RollFile> files, final long entries, final long first, final long last,
        final long index, final RollFile file, final String what)
    {
        return new Report(files.size(), entries, first, last, new Problem(index, file.path(), what));
    }

    /** One excerpt in the {@link ChronicleJournal} layout; null when it is sound, else what is wrong. */
    static String checkEntry(final Bytes<?> bytes, final EnvelopeHeader header)
    {
        final long size = bytes.readRemaining();
        if (size < 8 + 1 + 1 + 4)
        {
            return "entry of " + size + " bytes is too short";
        }
        final long journaledAt = bytes.readLong();
        if (journaledAt <= 0)
        {
            return "journaled_at " + journaledAt + " is not a time";
        }
        final int kind = bytes.readUnsignedByte();
        if (kind < 1 || kind > 4)
        {
            return "origin kind " + kind + " is not a terminal kind";
        }
        final int regionLength = bytes.readUnsignedByte();
        if (regionLength > MAX_REGION || regionLength + 4 > bytes.readRemaining())
        {
            return "origin region length " + regionLength + " is out of range";
        }
        for (int i = 0; i < regionLength; i++)
        {
            final int c = bytes.readUnsignedByte();
            if (c < '0' || c > '9')
            {
                return "origin region has a non-digit byte " + c;
            }
        }
        final int length = bytes.readInt();
        if (length <= 0 || length > bytes.readRemaining())
        {
            return "envelope length " + length + " does not match the " + bytes.readRemaining() + " bytes left";
        }
        final byte[] envelope = new byte[length];
        bytes.read(envelope);
        if (bytes.readRemaining() > 0)
        {
            // the ingress of a message that came over a peer link: a router id after the envelope
            final int ingressLength = bytes.readUnsignedByte();
            if (ingressLength == 0 || ingressLength != bytes.readRemaining())
            {
                return "ingress length " + ingressLength + " does not match the " + bytes.readRemaining() + " bytes left";
            }
            for (int i = 0; i < ingressLength; i++)
            {
                final int c = bytes.readUnsignedByte();
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'))
                {
                    return "ingress has a byte " + c + " that is not in a router id";
                }
            }
        }
        try
        {
            Envelope.parseFrom(envelope);
        }
        catch (final InvalidProtocolBufferException ex)
        {
            return "the envelope does not parse: " + ex.getMessage();
        }
        if (!header.wrap(envelope, 0, length))
        {
            return "the envelope's header is invalid: " + header.problem();
        }
        return null;
    }
}
