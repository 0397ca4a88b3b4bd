package io.emcomm.router.journal;

import io.emcomm.router.config.RouterConfig;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.Router;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 7: journal verify (sound, a damaged envelope, a damaged excerpt header) and export (JSON lines, CSV). */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class JournalToolsTest
{
    private static final int MESSAGES = 20;
    private static final int DAMAGED = 7;

    @TempDir
    Path dir;

    /** Journals MESSAGES texts "MARKER-00".. through a real router; returns their indexes in order. */
    private List<Long> journal(final Path data) throws Exception
    {
        final List<Long> indexes = new ArrayList<>();
        try (Router router = Router.start(new Router.Context()
                .config(RouterConfig.loopback(data).rollCycle("FAST_HOURLY").build()));
             TestTerminal t = TestTerminal.login(router.port(), "uav-1", TerminalKind.AIR, "520102"))
        {
            for (int i = 0; i < MESSAGES; i++)
            {
                indexes.add(t.publish(t.text(String.format("MARKER-%02d, \"quoted\"", i), Precedence.PRIORITY, "region:5201").build())
                    .getJournalIndex());
            }
        }
        return indexes;
    }

    @Test
    void soundJournalVerifiesAndExports() throws Exception
    {
        final List<Long> indexes = journal(dir);
        final JournalVerifier.Report report = JournalVerifier.verify(dir.resolve("journal"));
        assertTrue(report.ok(), String.valueOf(report.problem()));
        assertEquals(MESSAGES, report.entries());
        assertEquals(1, report.files());
        assertEquals(indexes.get(0), report.firstIndex());
        assertEquals(indexes.get(MESSAGES - 1), report.lastIndex());

        final StringWriter jsonl = new StringWriter();
        assertEquals(MESSAGES, JournalExport.export(dir.resolve("journal"), JournalExport.Format.JSONL, jsonl));
        final String[] lines = jsonl.toString().split("\n");
        assertEquals(MESSAGES, lines.length);
        assertTrue(lines[3].startsWith("{\"index\":" + indexes.get(3) + ",\"journaled_at\":\"20"), lines[3]);
        assertTrue(lines[3].contains("\"origin\":\"uav-1\",\"origin_sequence\":4,\"origin_kind\":\"air\",\"origin_region\":\"520102\","
            + "\"precedence\":\"priority\",\"to\":[\"region:5201\"]"), lines[3]);
        assertTrue(lines[3].contains("\"body\":\"text\",\"summary\":\"MARKER-03, \\\"quoted\\\"\""), lines[3]);

        final StringWriter csv = new StringWriter();
        assertEquals(MESSAGES, JournalExport.export(dir.resolve("journal"), JournalExport.Format.CSV, csv));
        final String[] rows = csv.toString().split("\n");
        assertEquals(MESSAGES + 1, rows.length);
        assertEquals(JournalExport.CSV_HEADER, rows[0]);
        assertTrue(rows[1].startsWith(indexes.get(0) + ",20"), rows[1]);
        assertTrue(rows[1].contains(",uav-1,1,air,520102,priority,region:5201,"), rows[1]);
        assertTrue(rows[1].endsWith(",text,\"MARKER-00, \"\"quoted\"\"\""), rows[1]);
    }

    @Test
    void damagedEnvelopeIsReportedWithItsIndexAndFile() throws Exception
    {
        final List<Long> indexes = journal(dir);
        final Path copy = copyJournal();
        final Path file = onlyRollFile(copy);
        // the byte before the text is its length: make it run past the end of the message
        final long at = find(file, String.format("MARKER-%02d", DAMAGED).getBytes(StandardCharsets.US_ASCII));
        overwrite(file, at - 1, new byte[] {0x7F});

        final JournalVerifier.Report report = JournalVerifier.verify(copy);
        assertFalse(report.ok());
        assertEquals(indexes.get(DAMAGED), report.problem().index());
        assertEquals(file, report.problem().file());
        assertTrue(report.problem().what().contains("envelope"), report.problem().what());
        assertEquals(DAMAGED, report.entries(), "entries before the damage were checked");
        assertTrue(JournalVerifier.verify(dir.resolve("journal")).ok(), "the original is untouched");
    }

    @Test
    void damagedExcerptHeaderIsReportedAsUnreadable() throws Exception
    {
        final List<Long> indexes = journal(dir);
        final long journaledAt;
        try (ChronicleJournal j = new ChronicleJournal(dir.resolve("journal")); JournalReader r = j.newReader())
        {
            final JournalEntry e = new JournalEntry();
            r.seekAtOrAfter(indexes.get(DAMAGED));
            assertTrue(r.next(e));
            journaledAt = e.journaledAtMicros();
        }
        final Path copy = copyJournal();
        final Path file = onlyRollFile(copy);
        final byte[] le = new byte[8];
        for (int i = 0; i < 8; i++)
        {
            le[i] = (byte)(journaledAt >>> (8 * i));
        }
        // the 4-byte excerpt header sits right before the entry's first field: mark it "not complete"
        final long header = find(file, le) - 4;
        overwrite(file, header + 3, new byte[] {(byte)0x80});

        final JournalVerifier.Report report = JournalVerifier.verify(copy);
        assertFalse(report.ok());
        assertNotNull(report.problem());
        assertEquals(indexes.get(DAMAGED), report.problem().index(), report.problem().toString());
        assertEquals(file, report.problem().file());
        assertTrue(report.problem().what().contains("cannot be read"), report.problem().what());
    }

    @Test
    void missingJournalIsAProblem()
    {
        final JournalVerifier.Report report = JournalVerifier.verify(dir.resolve("nothing-here"));
        assertFalse(report.ok());
        assertEquals(-1, report.problem().index());
    }

    private Path copyJournal() throws IOException
    {
        final Path copy = dir.resolve("copy");
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(dir.resolve("journal")))
        {
            for (final Path p : files.toList())
            {
                Files.copy(p, copy.resolve(p.getFileName()));
            }
        }
        return copy;
    }

    private static Path onlyRollFile(final Path journal) throws IOException
    {
        try (Stream<Path> files = Files.list(journal))
        {
            final List<Path> rolls = files.filter(p -> p.toString().endsWith(".cq4")).toList();
            assertEquals(1, rolls.size(), rolls.toString());
            return rolls.get(0);
        }
    }

    private static long find(final Path file, final byte[] pattern) throws IOException
    {
        final byte[] bytes = Files.readAllBytes(file);
        outer:
        for (int i = 0; i <= bytes.length - pattern.length; i++)
        {
            for (int j = 0; j < pattern.length; j++)
            {
                if (bytes[i + j] != pattern[j])
                {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("pattern not found in " + file);
    }

    private static void overwrite(final Path file, final long position, final byte[] bytes) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(position);
            raf.write(bytes);
        }
    }
}
