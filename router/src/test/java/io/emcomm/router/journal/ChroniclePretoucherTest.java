package io.emcomm.router.journal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.Text;
import io.emcomm.testing.LeakWatch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ChroniclePretoucher}: it keeps the pages ahead of the appender touched, follows a cycle roll, never
 * changes what readers see nor grows the file beyond the chunk Chronicle maps for that region, stops with its
 * owner, and ends quietly when the queue is closed under it.
 */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class ChroniclePretoucherTest
{
    private static final long AHEAD = 256 << 10;
    private static final byte[] BODY = Envelope.newBuilder().setOrigin("uav-1").setOriginSequence(1).addTo("up:520102")
        .setText(Text.newBuilder().setText("a pretouched envelope")).build().toByteArray();
    private static final long PERIOD = TimeUnit.MILLISECONDS.toNanos(1);

    @TempDir
    Path dir;

    @AfterEach
    void noPretoucherThreadOutlivesItsTest()
    {
        await(() -> pretouchThreads().isEmpty(), "pretoucher threads still running: " + pretouchThreads());
    }

    @Test
    void touchesAheadOfTheWritePositionWithoutChangingWhatIsRead()
    {
        try (ChronicleJournal journal = new ChronicleJournal(dir, RollCycles.FAST_DAILY, new SetTimeProvider(Instant.parse("2026-05-01T10:00:00Z")), AHEAD))
        {
            final ChroniclePretoucher pretoucher = journal.pretoucher();
            assertNotNull(pretoucher);
            append(journal, 100);
            final long write = writePosition(journal);
            await(() -> pretoucher.touchedTo() >= ((write + AHEAD) & -4096L), "touched to " + pretoucher.touchedTo()
                + ", write position " + write);
            // the touched pages are zero-for-zero writes: readers see exactly the 100 entries, and appends go on
            append(journal, 100);
            assertEquals(200, readAll(journal));
            assertTrue(pretoucher.isAlive());
        }
        try (ChronicleJournal reopened = new ChronicleJournal(dir, RollCycles.FAST_DAILY, new SetTimeProvider(Instant.parse("2026-05-01T10:00:01Z")), AHEAD))
        {
            assertEquals(200, readAll(reopened));
            final long next = append(reopened, 1);
            assertEquals(reopened.lastIndex(), next);
            assertEquals(201, readAll(reopened));
            final JournalVerifier.Report report = JournalVerifier.verify(dir);
            assertEquals(null, report.problem());
            assertEquals(201, report.entries());
        }
    }

    @Test
    void followsTheAppenderIntoTheNextCycle()
    {
        final SetTimeProvider time = new SetTimeProvider(Instant.parse("2026-05-01T10:00:00Z"));
        try (ChronicleJournal journal = new ChronicleJournal(dir, TestRollCycles.TEST_SECONDLY, time, AHEAD))
        {
            final ChroniclePretoucher pretoucher = journal.pretoucher();
            append(journal, 10);
            final int first = ((SingleChronicleQueue)journal.queue()).lastCycle();
            await(() -> pretoucher.cycle() == first && pretoucher.touchedTo() > AHEAD / 2, "first cycle touched");

            time.advanceMillis(2_000);
            append(journal, 10);
            final int second = ((SingleChronicleQueue)journal.queue()).lastCycle();
            assertTrue(second > first, "the journal rolled");
            final long write = writePosition(journal);
            await(() -> pretoucher.cycle() == second && pretoucher.touchedTo() >= ((write + AHEAD) & -4096L),
                "cycle " + pretoucher.cycle() + " touched to " + pretoucher.touchedTo() + ", expected cycle " + second);
            assertEquals(20, readAll(journal));
        }
        assertEquals(2, cycleFiles().size(), () -> "a cycle file made ahead of its time: " + cycleFiles());
    }

    @Test
    void growsTheFileOnlyAsChronicleItselfWould()
    {
        final long ahead = 96L << 20; // past the first 64 MiB chunk: the pretoucher maps the next one through Chronicle
        try (ChronicleJournal journal = new ChronicleJournal(dir, RollCycles.FAST_DAILY, new SetTimeProvider(Instant.parse("2026-05-01T10:00:00Z")), ahead))
        {
            final ChroniclePretoucher pretoucher = journal.pretoucher();
            append(journal, 10);
            final long write = writePosition(journal);
            await(() -> pretoucher.touchedTo() >= ((write + ahead) & -4096L), "touched to " + pretoucher.touchedTo());
            final File file = cycleFiles().iterator().next();
            final long chunk = 64L << 20;
            final long needed = (write + ahead + chunk - 1) / chunk * chunk; // chunks that hold the touched region
            assertTrue(file.length() <= needed + chunk, () -> "file " + file.length() + " for a touched region ending at "
                + (write + ahead));
            append(journal, 10);
            assertEquals(20, readAll(journal));
        }
    }

    @Test
    void stopsWhenTheJournalAndTheCursorStoreClose()
    {
        final ChronicleJournal journal = new ChronicleJournal(dir.resolve("journal"));
        final io.emcomm.router.terminal.ChronicleCursorStore cursors =
            new io.emcomm.router.terminal.ChronicleCursorStore(dir.resolve("cursors"));
        assertTrue(journal.pretoucher().isAlive());
        assertEquals(2, pretouchThreads().size(), () -> "threads: " + pretouchThreads());
        cursors.close();
        journal.close();
        assertFalse(journal.pretoucher().isAlive());
        assertTrue(pretouchThreads().isEmpty(), () -> "still running: " + pretouchThreads());
    }

    @Test
    void endsQuietlyWhenTheQueueIsClosedUnderIt()
    {
        final SingleChronicleQueue queue = SingleChronicleQueueBuilder.single(dir.toFile()).rollCycle(RollCycles.FAST_DAILY).build();
        final ChroniclePretoucher pretoucher = new ChroniclePretoucher("emcomm-test-pretouch", queue, AHEAD, PERIOD);
        final Logger logger = (Logger)LoggerFactory.getLogger(ChroniclePretoucher.class);
        final ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try (var appender = queue.createAppender())
        {
            appender.writeText("one");
        }
        pretoucher.start();
        await(() -> pretoucher.cycle() != Integer.MIN_VALUE && pretoucher.touchedTo() > 0, "touching");
        queue.close();
        await(() -> !pretoucher.isAlive(), "the pretoucher ended after its queue closed");
        pretoucher.close(); // and closing it afterwards is harmless
        logger.detachAppender(events);
        assertTrue(events.list.stream().noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN)),
            () -> "warned: " + events.list);
    }

    @Test
    void aReadOnlyJournalHasNoPretoucher()
    {
        try (ChronicleJournal writer = new ChronicleJournal(dir))
        {
            append(writer, 1);
        }
        try (ChronicleJournal reader = ChronicleJournal.readOnly(dir))
        {
            assertEquals(null, reader.pretoucher());
            assertEquals(1, readAll(reader));
        }
    }

    private static long append(final ChronicleJournal journal, final int n)
    {
        final byte[] body = BODY;
        final ByteBuf buf = Unpooled.wrappedBuffer(body);
        long index = -1;
        for (int i = 0; i < n; i++)
        {
            index = journal.append(buf, 0, body.length, 1_000_000L + i, 1, "520102");
            assertTrue(index >= 0);
        }
        return index;
    }

    private static int readAll(final ChronicleJournal journal)
    {
        int n = 0;
        final JournalEntry entry = new JournalEntry();
        try (JournalReader reader = journal.newReader())
        {
            while (reader.next(entry))
            {
                assertArrayEquals(BODY,
                    java.util.Arrays.copyOf(entry.envelope, entry.envelopeLength));
                n++;
            }
        }
        return n;
    }

    private static long writePosition(final ChronicleJournal journal)
    {
        final SingleChronicleQueue queue = (SingleChronicleQueue)journal.queue();
        final SingleChronicleQueueStore store = queue.storeForCycle(queue.lastCycle(), queue.epoch(), false, null);
        try
        {
            return store.writePosition();
        }
        finally
        {
            queue.closeStore(store);
        }
    }

    private Set<File> cycleFiles()
    {
        final File[] files = dir.toFile().listFiles((d, name) -> name.endsWith(".cq4"));
        return files == null ? Set.of() : Set.of(files);
    }

    private static Set<String> pretouchThreads()
    {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
            .filter(n -> n.endsWith("-pretouch")).collect(Collectors.toSet());
    }

    private static void await(final BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out: " + what);
            }
            Thread.onSpinWait();
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
