package io.emcomm.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code emcomm demo --federation} in-process, end to end. Its summary is checked against the three journals it
 * leaves behind, read independently with {@code emcomm replay --data}: each message the live log shows delivered is
 * journaled at the receiver's router exactly once, and the county's cut-off traffic crossed once the link returned.
 */
@Timeout(120)
class FederationDemoTest
{
    /** A live-log line: {@code +0.412s  uav-1/1 -> cp-5201  ROUTINE ...}. */
    private static final Pattern DELIVERY = Pattern.compile("^\\s+\\+\\d+\\.\\d{3}s\\s+(\\S+/\\d+)\\s+->\\s+(\\S+)\\s+(\\S+)\\s.*$");
    private static final Pattern JSON_ID = Pattern.compile("\"id\":\"([^\"]+)\"");
    /** Where each terminal of the scenario logs in. */
    private static final Map<String, String> HOME = Map.of("cp-52", "prov", "cp-5201", "city", "veh-5201", "city",
        "cp-520102", "county", "uav-1", "county", "vil-1", "county");

    @TempDir
    Path dir;

    @Test
    void theCountyIsCutOffAndRejoinsAndNothingIsLostOrJournaledTwice()
    {
        final Path data = dir.resolve("fed");
        final CliHarness.Run demo = CliHarness.cli("demo", "--federation", "--data", data.toString());
        assertEquals(0, demo.code(), demo.out() + demo.err());
        assertEquals("", demo.err());
        assertEquals(0, summary(demo.out(), "lost"), demo.out());
        assertEquals(0, summary(demo.out(), "unexpected"), demo.out());
        final long delivered = summary(demo.out(), "delivered");
        assertEquals(summary(demo.out(), "expected"), delivered, demo.out());
        assertTrue(demo.out().contains("FLASH       crossed first both ways when the link returned"), demo.out());
        final Matcher waited = Pattern.compile("(\\d+) messages waited to cross up, (\\d+) down").matcher(demo.out());
        assertTrue(waited.find(), demo.out());
        assertTrue(Long.parseLong(waited.group(1)) > 0 && Long.parseLong(waited.group(2)) > 0, "traffic both ways during the cut");

        // each router's journal as an independent reader sees it: every message once
        final Map<String, Set<String>> journaled = new HashMap<>();
        for (final String level : List.of("prov", "city", "county"))
        {
            final CliHarness.Run replay = CliHarness.cli("replay", "--data", data.resolve(level).toString(), "--json");
            assertEquals(0, replay.code(), replay.err());
            final List<String> lines = replay.out().lines().toList();
            final Set<String> ids = new HashSet<>();
            lines.forEach(l -> ids.add(match(JSON_ID, l)));
            assertEquals(lines.size(), ids.size(), level + ": each message journaled once");
            journaled.put(level, ids);
            assertTrue(Files.isDirectory(data.resolve(level).resolve("journal")));
        }

        // every delivery in the live log is journaled at the router of its receiver; distinct pairs = delivered
        final Set<String> deliveries = new HashSet<>();
        final Set<String> precedences = new HashSet<>();
        for (final String line : demo.out().lines().toList())
        {
            final Matcher m = DELIVERY.matcher(line);
            if (m.matches())
            {
                final String level = HOME.get(m.group(2));
                assertTrue(journaled.get(level).contains(m.group(1)), "delivered message is in the journal at " + level + ": " + line);
                deliveries.add(m.group(2) + " <- " + m.group(1));
                precedences.add(m.group(3));
            }
        }
        assertEquals(delivered, deliveries.size(), demo.out());
        assertEquals(Set.of("FLASH", "IMMEDIATE", "PRIORITY", "ROUTINE"), precedences);
        // what the county published during the cut reached the province's journal: it crossed two links
        assertTrue(journaled.get("prov").stream().anyMatch(id -> id.startsWith("vil-1/")), "the village's reports reached the province");
    }

    @Test
    void refusesAFolderWhereARouterAlreadyHasAJournal() throws Exception
    {
        Files.createDirectories(dir.resolve("city").resolve("journal"));
        Files.writeString(dir.resolve("city").resolve("journal").resolve("20250101.cq4"), "not empty");
        final CliHarness.Run demo = CliHarness.cli("demo", "--federation", "--data", dir.toString());
        assertEquals(1, demo.code(), demo.out());
        assertEquals("emcomm demo: " + dir + " already holds a journal; give the demo an empty or new folder\n", demo.err());
        assertEquals("", demo.out(), "no router was started");
    }

    private static long summary(final String out, final String name)
    {
        final Matcher m = Pattern.compile("(?m)^\\s+" + name + "\\s+=\\s+(\\d+)\\s").matcher(out);
        assertTrue(m.find(), "summary line '" + name + "' in:\n" + out);
        return Long.parseLong(m.group(1));
    }

    private static String match(final Pattern p, final String s)
    {
        final Matcher m = p.matcher(s);
        assertTrue(m.find(), s);
        return m.group(1);
    }
}
