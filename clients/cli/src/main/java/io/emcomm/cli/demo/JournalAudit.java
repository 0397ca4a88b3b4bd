package io.emcomm.cli.demo;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.Receipt;
import io.emcomm.router.journal.ChronicleJournal;
import io.emcomm.router.journal.Journal;
import io.emcomm.router.journal.JournalEntry;
import io.emcomm.router.journal.JournalReader;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The journal read back from disk after the router has stopped: what the demo's "lost = 0" is checked
 * against, and the after-action counts it prints.
 */
final class JournalAudit
{
    /** One journal entry with its envelope parsed. */
    record Entry(long index, long journaledAtMicros, Envelope envelope)
    {
        String messageId()
        {
            return envelope.getOrigin() + "/" + envelope.getOriginSequence();
        }

        Precedence precedence()
        {
            final Precedence p = envelope.getPrecedence();
            return p == Precedence.PRECEDENCE_UNSPECIFIED || p == Precedence.UNRECOGNIZED ? Precedence.ROUTINE : p;
        }
    }

    private final List<Entry> entries;
    private final Map<Long, Entry> byIndex = new HashMap<>();
    private final Map<String, Integer> timesJournaled = new HashMap<>();

    private JournalAudit(final List<Entry> entries)
    {
        this.entries = entries;
        for (final Entry e : entries)
        {
            byIndex.put(e.index(), e);
            timesJournaled.merge(e.messageId(), 1, Integer::sum);
        }
    }

    /** The entries read from elsewhere (the cluster's journal topic: {@link ClusterJournal}), in index order. */
    static JournalAudit of(final List<Entry> entries)
    {
        return new JournalAudit(entries);
    }

    /** Reads every entry of the journal in {@code journalDir}, in index order. */
    static JournalAudit read(final Path journalDir)
    {
        final List<Entry> entries = new ArrayList<>();
        final JournalEntry entry = new JournalEntry();
        try (Journal journal = new ChronicleJournal(journalDir); JournalReader reader = journal.newReader())
        {
            reader.toStart();
            while (reader.next(entry))
            {
                try
                {
                    entries.add(new Entry(entry.index(), entry.journaledAtMicros(),
                        Envelope.parseFrom(ByteBuffer.wrap(entry.envelope(), 0, entry.envelopeLength()))));
                }
                catch (final InvalidProtocolBufferException ex)
                {
                    throw new Demo.DemoException("journal entry " + entry.index() + " does not parse: " + ex.getMessage());
                }
            }
        }
        return new JournalAudit(entries);
    }

    List<Entry> entries()
    {
        return entries;
    }

    /** True when the entry at {@code index} is the message {@code messageId} and that message is journaled only there. */
    boolean holdsOnce(final long index, final String messageId)
    {
        final Entry e = byIndex.get(index);
        return e != null && e.messageId().equals(messageId) && timesJournaled.get(messageId) == 1;
    }

    /** How many times the message {@code messageId} is in this journal (a federation journals it at each router it reaches). */
    int timesJournaled(final String messageId)
    {
        return timesJournaled.getOrDefault(messageId, 0);
    }

    /**
     * How many DELIVERED receipts from {@code routerId} about the message {@code messageId} acknowledged by {@code terminal}
     * this journal holds (made here, or imported from the router that made it).
     */
    int receiptsAbout(final String routerId, final String messageId, final String terminal)
    {
        int n = 0;
        for (final Entry e : entries)
        {
            final Receipt r = e.envelope().getReceipt();
            if (e.envelope().hasReceipt() && e.envelope().getOrigin().equals(routerId) && r.getTerminalId().equals(terminal)
                && (r.getMessageOrigin() + "/" + r.getMessageOriginSequence()).equals(messageId)
                && r.getStatus() == Receipt.Status.DELIVERED)
            {
                n++;
            }
        }
        return n;
    }

    /**
     * The only DELIVERED receipt from one of {@code routerIds} for the message at {@code originalIndex} acknowledged by
     * {@code terminal}, or null.
     */
    Entry onlyReceipt(final Set<String> routerIds, final long originalIndex, final String terminal)
    {
        Entry found = null;
        for (final Entry e : entries)
        {
            final Receipt r = e.envelope().getReceipt();
            if (e.envelope().hasReceipt() && routerIds.contains(e.envelope().getOrigin()) && r.getJournalIndex() == originalIndex &&
                r.getTerminalId().equals(terminal) && r.getStatus() == Receipt.Status.DELIVERED)
            {
                if (found != null)
                {
                    return null;
                }
                found = e;
            }
        }
        return found;
    }

    long countFrom(final String origin)
    {
        return entries.stream().filter(e -> e.envelope().getOrigin().equals(origin)).count();
    }

    Map<Precedence, Integer> byPrecedence()
    {
        final Map<Precedence, Integer> counts = new LinkedHashMap<>(); // highest first, as people read them
        for (final Precedence p : List.of(Precedence.FLASH, Precedence.IMMEDIATE, Precedence.PRIORITY, Precedence.ROUTINE))
        {
            counts.put(p, 0);
        }
        entries.forEach(e -> counts.merge(e.precedence(), 1, Integer::sum));
        return counts;
    }

    Map<Envelope.BodyCase, Integer> byBody()
    {
        final Map<Envelope.BodyCase, Integer> counts = new EnumMap<>(Envelope.BodyCase.class);
        entries.forEach(e -> counts.merge(e.envelope().getBodyCase(), 1, Integer::sum));
        return counts;
    }

    Map<String, Integer> byOrigin()
    {
        final Map<String, Integer> counts = new LinkedHashMap<>();
        entries.forEach(e -> counts.merge(e.envelope().getOrigin(), 1, Integer::sum));
        return counts;
    }
}
