package io.emcomm.kafka.journal;

import io.emcomm.router.journal.JournalEntry;
import io.emcomm.router.journal.JournalReader;
import io.emcomm.router.journal.JournalRetention;
import io.emcomm.router.journal.RetentionFloor;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Kafka node's mirror is bounded by the router's own retention settings (issue 15 item 6; docs/cluster.md): the
 * router's {@link JournalRetention} over the mirror deletes its oldest roll files by age, holding those a terminal's
 * cursor (a Kafka offset) still needs, and by size, which wins; the mirror's per-cycle index forgets the deleted files,
 * so the first offset and a seek before it land on the first offset still held.
 */
@Timeout(60)
class MirrorRetentionTest
{
    private static final int PER_CYCLE = 50;
    private static final int CYCLES = 4;

    @TempDir
    Path dir;

    /** Fills four roll cycles of 50 records each, offsets 1, 3, 5, ...; returns each cycle's first offset. */
    private static List<Long> fill(final OffsetMirror mirror, final SetTimeProvider time)
    {
        final JournalRecord record = new JournalRecord();
        final List<Long> firsts = new ArrayList<>();
        long offset = 1;
        for (int c = 0; c < CYCLES; c++)
        {
            firsts.add(offset);
            for (int i = 0; i < PER_CYCLE; i++)
            {
                assertTrue(record.wrap(Records.value("veh-1", offset, "n1", offset)));
                mirror.append(offset, record);
                offset += 2;
            }
            time.advanceMillis(1000); // the next cycle
        }
        return firsts;
    }

    @Test
    void theAgeLimitDeletesOldRollFilesButHoldsThoseACursorNeeds()
    {
        final SetTimeProvider time = new SetTimeProvider(Instant.parse("2026-05-01T00:00:00Z"));
        try (OffsetMirror mirror = new OffsetMirror(dir, TestRollCycles.TEST_SECONDLY, time))
        {
            final List<Long> firsts = fill(mirror, time);
            time.advanceMillis(10_000); // every cycle older than the limit
            final long cursor = firsts.get(2) + 4; // a terminal acknowledged into the third cycle
            final JournalRetention retention = new JournalRetention(mirror, () -> new RetentionFloor.Laggard("cp-1", cursor),
                1000, 0);
            assertEquals(2, retention.run(), "the first two cycles go, the third is held for cp-1");
            assertEquals(1, retention.heldFiles());
            assertEquals(2, retention.journalFiles());
            assertEquals(firsts.get(2), mirror.firstOffset());
            assertEquals(Integer.MIN_VALUE, mirror.cycleOf(firsts.get(1)), "before every file held");
            try (JournalReader reader = mirror.newReader())
            {
                final JournalEntry entry = new JournalEntry();
                reader.seekAtOrAfter(firsts.get(0));
                assertTrue(reader.next(entry));
                assertEquals(firsts.get(2), entry.index(), "a cursor cut off resumes from the oldest still held");
                reader.seekAfter(cursor);
                assertTrue(reader.next(entry));
                assertEquals(cursor + 2, entry.index());
            }
        }
    }

    @Test
    void theSizeLimitWinsOverACursorAndKeepsTheNewestFile()
    {
        final SetTimeProvider time = new SetTimeProvider(Instant.parse("2026-05-01T00:00:00Z"));
        try (OffsetMirror mirror = new OffsetMirror(dir, TestRollCycles.TEST_SECONDLY, time))
        {
            final List<Long> firsts = fill(mirror, time);
            final JournalRetention retention = new JournalRetention(mirror, () -> new RetentionFloor.Laggard("cp-1", 0), 0, 1);
            assertEquals(CYCLES - 1, retention.run(), "every file but the one being written");
            assertEquals(CYCLES - 1, retention.overrunFiles(), "each one a terminal still needed");
            assertEquals(firsts.get(CYCLES - 1), mirror.firstOffset());
            assertEquals(firsts.get(CYCLES - 1) + 2 * (PER_CYCLE - 1), mirror.lastOffset(), "the newest kept whole");
        }
    }
}
