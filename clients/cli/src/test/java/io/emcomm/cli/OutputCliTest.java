package io.emcomm.cli;

import io.emcomm.router.config.RouterConfig;
import io.emcomm.cli.CliHarness.Run;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.Router;
import io.emcomm.router.journal.ChronicleJournal;
import io.emcomm.router.journal.JournalEntry;
import io.emcomm.router.journal.JournalReader;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.emcomm.cli.CliHarness.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12 kind 10 on the command line: what is shown is what was sent. Alert headline and instruction in
 * replay and export, dated times, UTF-8 whatever the locale, and damaged journal entries named, never skipped
 * in silence.
 */
@Timeout(120)
@ExtendWith(LeakWatch.class)
class OutputCliTest
{
    private static final String ISO_UTC = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";

    @TempDir
    Path dir;

    @Test
    void alertHeadlineAndInstructionAreShownWithADatedTime() throws Exception
    {
        final long index;
        try (Router router = Router.start(new Router.Context().config(RouterConfig.loopback(dir).build())))
        {
            final Run sent = cli("send", "--router", "127.0.0.1:" + router.port(), "--id", "cp-52", "--kind", "command-post",
                "--region", "52", "--to", "region:5201", "--precedence", "flash", "--alert", "Flood", "--severity", "extreme",
                "--headline", "Nanming river over warning level", "--instruction", "Move to high ground now");
            assertEquals(0, sent.code(), sent.err());
            index = Long.parseLong(sent.out().trim());
            final Run live = cli("replay", "--router", "127.0.0.1:" + router.port());
            assertEquals(0, live.code(), live.err());
            assertTrue(live.out().matches(ISO_UTC + " #" + index + " FLASH cp-52/1 -> region:5201 alert Flood \\(EXTREME\\): "
                + "Nanming river over warning level; instruction: Move to high ground now\n"), live.out());
        }
        final Run json = cli("replay", "--data", dir.toString(), "--json");
        assertEquals(0, json.code(), json.err());
        assertTrue(json.out().contains("\"index\":" + index + ","), json.out());
        assertTrue(json.out().contains("\"event\":\"Flood\",\"severity\":\"extreme\",\"headline\":\"Nanming river over warning level\","
            + "\"instruction\":\"Move to high ground now\"}"), json.out());
        final Run export = cli("journal", "export", "--data", dir.toString(), "--format", "csv");
        assertEquals(0, export.code(), export.err());
        assertTrue(export.out().contains(",alert,Flood (EXTREME): Nanming river over warning level; instruction: Move to high ground now\n"),
            export.out());
    }

    /**
     * Output only: under LANG=C Java also decodes the command line's arguments as ASCII, which no program can
     * undo; the {@code emcomm} launcher runs Java under C.UTF-8 when the locale is not UTF-8.
     */
    @Test
    void chineseTextPrintsAsUtf8UnderTheCLocale() throws Exception
    {
        try (Router router = Router.start(new Router.Context().config(RouterConfig.loopback(dir).build()));
             TestTerminal uav = TestTerminal.login(router.port(), "uav-1", TerminalKind.AIR, "520102"))
        {
            uav.publish(uav.text("南明河水位超过警戒线", Precedence.FLASH, "region:5201").build());
        }
        final Process replay = java(List.of("replay", "--data", dir.toString()));
        final String out = new String(replay.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        final String err = new String(replay.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(replay.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, replay.exitValue(), err);
        assertTrue(out.contains("text: 南明河水位超过警戒线\n"), out);

    }

    /** {@link Main} in a JVM of its own under LANG=C, as a user with no UTF-8 locale would run it. */
    private static Process java(final List<String> args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (!arg.startsWith("-agentlib:jdwp") && !arg.startsWith("-Dfile.encoding") && !arg.contains("stdout.encoding")
                && !arg.contains("stderr.encoding"))
            {
                command.add(arg);
            }
        }
        command.add("-Dio.netty.leakDetection.level=disabled");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(args);
        final ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("LANG", "C");
        builder.environment().put("LC_ALL", "C");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        return builder.redirectInput(ProcessBuilder.Redirect.PIPE).start();
    }

    @Test
    void damagedEntriesAreNamedSkippedAndFailTheRun() throws Exception
    {
        final List<Long> indexes = new ArrayList<>();
        final Path source = dir.resolve("source");
        try (Router router = Router.start(new Router.Context().config(RouterConfig.loopback(source).build()));
             TestTerminal uav = TestTerminal.login(router.port(), "uav-1", TerminalKind.AIR, "520102"))
        {
            for (int i = 0; i < 5; i++)
            {
                indexes.add(uav.publish(uav.text("report " + i, Precedence.PRIORITY, "up:520102").build()).getJournalIndex());
            }
        }
        // the byte before the text is its length: make it run past the end of the envelope
        final Path damaged = copy(source, "damaged");
        overwrite(damaged, find(damaged, "report 2".getBytes(StandardCharsets.US_ASCII)) - 1, (byte)0x7F);

        final Run replay = cli("replay", "--data", damaged.toString());
        assertEquals(1, replay.code(), replay.err());
        assertEquals(4, replay.outLines().size(), replay.out());
        assertTrue(replay.out().contains("text: report 3") && replay.out().contains("text: report 4"), "carries on past it");
        assertTrue(replay.err().startsWith("emcomm replay: damaged journal entry " + indexes.get(2) + ": the envelope does not parse"),
            replay.err());
        assertTrue(replay.err().endsWith("replayed 4 messages (last index " + indexes.get(4)
            + "); 1 damaged entry skipped (run 'emcomm journal verify')\n"), replay.err());

        // the same journal served by a router: the entry is skipped there too, and the replay says it is not whole
        try (Router router = Router.start(new Router.Context().config(RouterConfig.loopback(damaged).build())))
        {
            final Run remote = cli("replay", "--router", "127.0.0.1:" + router.port());
            assertEquals(1, remote.code(), remote.err());
            assertEquals(4, remote.outLines().size(), remote.out());
            assertTrue(remote.out().contains("text: report 3") && remote.out().contains("text: report 4"), "carries on past it");
            assertTrue(remote.err().contains("emcomm replay: the router skipped 1 damaged journal entry (its log names each index)"),
                remote.err());
        }

        final Run export = cli("journal", "export", "--data", damaged.toString());
        assertEquals(1, export.code(), export.err());
        assertEquals(4, export.outLines().size(), export.out());
        assertTrue(export.outLines().get(3).startsWith("{\"index\":" + indexes.get(4) + ","), export.out());
        assertTrue(export.err().startsWith("emcomm journal export: damaged journal entry " + indexes.get(2)
            + ": the envelope does not parse"), export.err());
        assertTrue(export.err().endsWith("exported 4 entries; 1 damaged entry skipped (run 'emcomm journal verify')\n"), export.err());

        // an excerpt Chronicle cannot read (marked incomplete): named, and what follows is reported missing
        final long journaledAt = journaledAt(source, indexes.get(3));
        final Path unreadable = copy(source, "unreadable");
        final byte[] le = new byte[8];
        for (int i = 0; i < 8; i++)
        {
            le[i] = (byte)(journaledAt >>> (8 * i));
        }
        overwrite(unreadable, find(unreadable, le) - 4 + 3, (byte)0x80);
        final Run cut = cli("journal", "export", "--data", unreadable.toString(), "--format", "csv");
        assertEquals(1, cut.code(), cut.err());
        assertEquals(1 + 3, cut.outLines().size(), cut.out());
        assertTrue(cut.err().startsWith("emcomm journal export: damaged journal entry " + indexes.get(3) + ": the excerpt after index "
            + indexes.get(2) + " cannot be read"), cut.err());
        final Run cutReplay = cli("replay", "--data", unreadable.toString());
        assertEquals(1, cutReplay.code(), cutReplay.err());
        assertEquals(3, cutReplay.outLines().size(), cutReplay.out());
        assertTrue(cutReplay.err().contains("damaged journal entry " + indexes.get(3) + ":"), cutReplay.err());

        final Run sound = cli("replay", "--data", source.toString());
        assertEquals(0, sound.code(), sound.err());
        assertEquals(5, sound.outLines().size(), sound.out());
    }

    private static long journaledAt(final Path data, final long index)
    {
        try (ChronicleJournal j = new ChronicleJournal(data.resolve("journal")); JournalReader r = j.newReader())
        {
            final JournalEntry e = new JournalEntry();
            r.seekAtOrAfter(index);
            assertTrue(r.next(e));
            return e.journaledAtMicros();
        }
    }

    private Path copy(final Path data, final String name) throws IOException
    {
        final Path copy = dir.resolve(name);
        Files.createDirectories(copy.resolve("journal"));
        try (Stream<Path> files = Files.list(data.resolve("journal")))
        {
            for (final Path p : files.toList())
            {
                Files.copy(p, copy.resolve("journal").resolve(p.getFileName()));
            }
        }
        return copy;
    }

    private static Path rollFile(final Path data) throws IOException
    {
        try (Stream<Path> files = Files.list(data.resolve("journal")))
        {
            return files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
    }

    private static long find(final Path data, final byte[] pattern) throws IOException
    {
        final byte[] bytes = Files.readAllBytes(rollFile(data));
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
        throw new AssertionError("pattern not found");
    }

    private static void overwrite(final Path data, final long position, final byte value) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(rollFile(data).toFile(), "rw"))
        {
            raf.seek(position);
            raf.write(value);
        }
    }
}
