package io.emcomm.router.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Text;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ingress of a journal entry (federation, issue 16): the router id of the peer link a message came over, written
 * after the envelope only when not empty, so that a journal written before the field existed reads unchanged with
 * ingress "" - shown here on excerpts written in the old layout by Chronicle directly, as an older router wrote them.
 */
final class JournalIngressTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static byte[] envelope(final long sequence)
    {
        return Envelope.newBuilder().setOrigin("uav-1").setOriginSequence(sequence).setPrecedence(Precedence.ROUTINE)
            .addTo("region:5201").setCreatedAtMicros(1_000_000L).setText(Text.newBuilder().setText("m" + sequence))
            .build().toByteArray();
    }

    /** An excerpt exactly as ChronicleJournal wrote it before the ingress existed. */
    private static void appendOldLayout(final ExcerptAppender appender, final byte[] envelope)
    {
        try (DocumentContext dc = appender.writingDocument())
        {
            final Bytes<?> bytes = dc.wire().bytes();
            bytes.writeLong(1_000_000L);
            bytes.writeUnsignedByte(TerminalKind.AIR_VALUE);
            bytes.writeUnsignedByte(6);
            for (final char c : "520102".toCharArray())
            {
                bytes.writeUnsignedByte(c);
            }
            bytes.writeInt(envelope.length);
            bytes.write(envelope, 0, envelope.length);
        }
    }

    private static long append(final Journal journal, final byte[] envelope, final String ingress)
    {
        final ByteBuf buf = Unpooled.wrappedBuffer(envelope);
        final long index = journal.append(buf, 0, envelope.length, 2_000_000L, TerminalKind.GROUND_VALUE, "520102001", ingress);
        assertTrue(index >= 0, "journaled");
        return index;
    }

    private static List<JournalEntry> readAll(final Journal journal)
    {
        final List<JournalEntry> entries = new ArrayList<>();
        try (JournalReader reader = journal.newReader())
        {
            reader.toStart();
            JournalEntry e = new JournalEntry();
            while (reader.next(e))
            {
                entries.add(e);
                e = new JournalEntry();
            }
        }
        return entries;
    }

    @Test
    void aJournalWrittenBeforeTheIngressExistedReadsAsEnteredHere()
    {
        final Path journalDir = dir.resolve("journal");
        try (ChronicleQueue queue = SingleChronicleQueueBuilder.single(journalDir.toFile()).build();
             ExcerptAppender appender = queue.createAppender())
        {
            appendOldLayout(appender, envelope(1));
            appendOldLayout(appender, envelope(2));
        }
        try (ChronicleJournal journal = new ChronicleJournal(journalDir))
        {
            append(journal, envelope(3), "county-r");
            append(journal, envelope(4), "");
            final List<JournalEntry> entries = readAll(journal);
            assertEquals(4, entries.size());
            for (final JournalEntry e : List.of(entries.get(0), entries.get(1)))
            {
                assertEquals("", e.ingress(), "an old entry");
                assertTrue(e.ingressEquals(""));
                assertFalse(e.ingressEquals("county-r"));
                assertEquals(TerminalKind.AIR_VALUE, e.originKind(), "the old fields read as before");
                assertEquals("520102", e.originRegion());
                assertArrayEquals(envelope(e == entries.get(0) ? 1 : 2), java.util.Arrays.copyOf(e.envelope(), e.envelopeLength()));
            }
            assertEquals("county-r", entries.get(2).ingress());
            assertTrue(entries.get(2).ingressEquals("county-r"));
            assertFalse(entries.get(2).ingressEquals("county-"), "a prefix is not the id");
            assertFalse(entries.get(2).ingressEquals("county-rr"));
            assertEquals("520102001", entries.get(2).originRegion());
            assertEquals(envelope(3).length, entries.get(2).envelopeLength(), "the envelope ends where the ingress begins");
            assertEquals("", entries.get(3).ingress(), "entered here");
        }
    }

    @Test
    void aReusedEntryDoesNotKeepTheIngressOfTheEntryBefore()
    {
        try (ChronicleJournal journal = new ChronicleJournal(dir.resolve("journal")))
        {
            append(journal, envelope(1), "city-r");
            append(journal, envelope(2), "");
            try (JournalReader reader = journal.newReader())
            {
                final JournalEntry e = new JournalEntry();
                assertTrue(reader.next(e));
                assertEquals("city-r", e.ingress());
                assertTrue(reader.next(e));
                assertEquals("", e.ingress());
            }
        }
    }

    @Test
    void theVerifierAcceptsEntriesWithAndWithoutAnIngress()
    {
        final Path journalDir = dir.resolve("journal");
        try (ChronicleQueue queue = SingleChronicleQueueBuilder.single(journalDir.toFile()).build();
             ExcerptAppender appender = queue.createAppender())
        {
            appendOldLayout(appender, envelope(1));
        }
        try (ChronicleJournal journal = new ChronicleJournal(journalDir))
        {
            append(journal, envelope(2), "county-r");
            append(journal, envelope(3), "");
        }
        final JournalVerifier.Report report = JournalVerifier.verify(journalDir);
        assertTrue(report.ok(), String.valueOf(report.problem()));
        assertEquals(3, report.entries());
    }

    @Test
    void theExportShowsTheIngressOnlyForAMessageThatCameOverALink()
    {
        final Path journalDir = dir.resolve("journal");
        try (ChronicleJournal journal = new ChronicleJournal(journalDir))
        {
            append(journal, envelope(1), "");
            append(journal, envelope(2), "county-r");
        }
        final StringWriter out = new StringWriter();
        assertEquals(2, JournalExport.export(journalDir, JournalExport.Format.JSONL, out));
        final String[] lines = out.toString().split("\n");
        assertFalse(lines[0].contains("ingress"), lines[0]);
        final JsonNode linked = readTree(lines[1]);
        assertEquals("county-r", linked.get("ingress").asText());
        final List<String> names = new ArrayList<>();
        linked.fieldNames().forEachRemaining(names::add);
        assertEquals(names.indexOf("origin_region") + 1, names.indexOf("ingress"), "right after origin_region: " + names);

        final StringWriter csv = new StringWriter();
        JournalExport.export(journalDir, JournalExport.Format.CSV, csv);
        assertEquals(JournalExport.CSV_HEADER, csv.toString().split("\n")[0], "CSV keeps its columns");
    }

    @Test
    void anIngressLongerThanTheJournalKeepsIsRefused()
    {
        try (ChronicleJournal journal = new ChronicleJournal(dir.resolve("journal")))
        {
            assertThrows(IllegalArgumentException.class, () -> append(journal, envelope(1), "r".repeat(JournalEntry.MAX_INGRESS + 1)));
            assertEquals(-1, journal.lastIndex(), "nothing was written");
        }
    }

    private static JsonNode readTree(final String line)
    {
        try
        {
            return JSON.readTree(line);
        }
        catch (final java.io.IOException ex)
        {
            throw new AssertionError(ex);
        }
    }
}
