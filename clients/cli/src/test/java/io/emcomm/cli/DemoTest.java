package io.emcomm.cli;

import io.emcomm.testing.LeakWatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code emcomm demo} in-process, end to end. Its summary is checked against the journal it leaves behind,
 * read independently with {@code emcomm replay --data}: the demo must not be able to pass by printing the
 * right words.
 */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class DemoTest
{
    /** A live-log line: {@code +0.412s  uav-1/1 -> cp-5201  ROUTINE ...}. */
    private static final Pattern DELIVERY = Pattern.compile("^\\s+\\+\\d+\\.\\d{3}s\\s+(\\S+/\\d+)\\s+->\\s+(\\S+)\\s+(\\S+)\\s.*$");
    private static final Pattern JSON_ID = Pattern.compile("\"id\":\"([^\"]+)\"");
    private static final Pattern JSON_ORIGIN = Pattern.compile("\"origin\":\"([^\"]+)\"");

    @TempDir
    Path dir;

    private record Run(int code, String out, String err)
    {
    }

    private static Run cli(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString().replace("\r", ""), err.toString().replace("\r", ""));
    }

    private static long summary(final String out, final String name)
    {
        final Matcher m = Pattern.compile("(?m)^\\s+" + name + "\\s+=\\s+(\\d+)\\s").matcher(out);
        assertTrue(m.find(), "summary line '" + name + "' in:\n" + out);
        return Long.parseLong(m.group(1));
    }

    @Test
    void demoLosesNothingAndItsSummaryMatchesTheJournal()
    {
        final Path data = dir.resolve("demo-data");
        final Run demo = cli("demo", "--data", data.toString());
        assertEquals(0, demo.code(), demo.out() + demo.err());
        assertEquals("", demo.err());

        final long published = summary(demo.out(), "published");
        final long journaled = summary(demo.out(), "journaled");
        final long delivered = summary(demo.out(), "delivered");
        final long expected = summary(demo.out(), "expected");
        assertEquals(0, summary(demo.out(), "lost"), demo.out());
        assertEquals(0, summary(demo.out(), "unexpected"), demo.out());
        assertEquals(expected, delivered, "every expected delivery, and nothing else, was received");

        // The journal as an independent reader sees it.
        final Run replay = cli("replay", "--data", data.toString(), "--json");
        assertEquals(0, replay.code(), replay.err());
        final List<String> entries = replay.out().lines().toList();
        final Set<String> journaledIds = new HashSet<>();
        long fromTerminals = 0;
        for (final String json : entries)
        {
            journaledIds.add(match(JSON_ID, json));
            fromTerminals += match(JSON_ORIGIN, json).equals("emcomm-1") ? 0 : 1;
        }
        assertEquals(entries.size(), journaledIds.size(), "each message journaled once");
        assertEquals(journaled, entries.size(), "journaled = entries in the journal");
        assertEquals(published, fromTerminals, "published = entries from terminals (the rest are receipts)");
        assertTrue(journaled > published, "the task's receipt is journaled too");

        // Every live-log delivery line names a journaled message; distinct (receiver, message) pairs = delivered.
        final Set<String> deliveries = new HashSet<>();
        final Set<String> precedences = new HashSet<>();
        for (final String line : demo.out().lines().toList())
        {
            final Matcher m = DELIVERY.matcher(line);
            if (m.matches())
            {
                assertTrue(journaledIds.contains(m.group(1)), "delivered message is in the journal: " + line);
                deliveries.add(m.group(2) + " <- " + m.group(1));
                precedences.add(m.group(3));
            }
        }
        assertEquals(delivered, deliveries.size(), demo.out());
        assertEquals(Set.of("FLASH", "IMMEDIATE", "PRIORITY", "ROUTINE"), precedences);

        final Matcher caughtUp = Pattern.compile("veh-2 caught up on (\\d+) messages").matcher(demo.out());
        assertTrue(caughtUp.find(), demo.out());
        assertTrue(Long.parseLong(caughtUp.group(1)) > 0, demo.out());
        assertTrue(demo.out().contains("positions   all 5 field units in 5201, each at its latest report"), demo.out());
        assertTrue(Files.isDirectory(data.resolve("journal")), "--data keeps the journal");
    }

    @Test
    void refusesAFolderThatAlreadyHoldsAJournal() throws Exception
    {
        Files.createDirectories(dir.resolve("journal"));
        Files.writeString(dir.resolve("journal").resolve("20250101.cq4"), "not empty");
        final Run demo = cli("demo", "--data", dir.toString());
        assertEquals(1, demo.code(), demo.out());
        assertEquals("emcomm demo: " + dir + " already holds a journal; give the demo an empty or new folder\n", demo.err());
    }

    private static String match(final Pattern p, final String s)
    {
        final Matcher m = p.matcher(s);
        assertTrue(m.find(), s);
        return m.group(1);
    }
}
