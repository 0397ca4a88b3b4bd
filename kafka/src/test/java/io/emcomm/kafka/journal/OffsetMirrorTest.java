package io.emcomm.kafka.journal;

import io.emcomm.protocol.wire.Precedence;
import io.emcomm.router.journal.JournalEntry;
import io.emcomm.router.journal.JournalReader;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node's mirror read as the router's JournalReader with the Kafka offset as the index (issue 15 Deliver 1):
 * every offset sought, mirrored or in a gap, across roll cycles, before and after a reopen.
 */
@Timeout(60)
class OffsetMirrorTest
{
    @TempDir
    Path dir;

    /** Offsets with gaps of 1 to 3 (duplicates and malformed records are applied but not mirrored). */
    private static List<Long> offsets(final int n)
    {
        final List<Long> offsets = new ArrayList<>();
        long o = 2;
        for (int i = 0; i < n; i++)
        {
            offsets.add(o);
            o += 1 + (i % 3);
        }
        return offsets;
    }

    private static byte[] value(final long offset)
    {
        return Records.value("veh-" + (offset % 5), offset + 1, "n1", offset);
    }

    @Test
    void everyOffsetIsFoundAcrossRollCyclesAndAfterReopen()
    {
        final SetTimeProvider time = new SetTimeProvider(Instant.parse("2026-05-01T00:00:00Z"));
        final List<Long> offsets = offsets(700);
        final JournalRecord record = new JournalRecord();
        try (OffsetMirror mirror = new OffsetMirror(dir, TestRollCycles.TEST_SECONDLY, time))
        {
            assertEquals(-1, mirror.lastOffset());
            assertEquals(-1, mirror.firstOffset());
            try (JournalReader empty = mirror.newReader())
            {
                empty.seekAtOrAfter(5);
                assertFalse(empty.next(new JournalEntry()));
                assertFalse(empty.seekAfter(5));
            }
            for (int i = 0; i < offsets.size(); i++)
            {
                if (i % 97 == 96)
                {
                    time.advanceMillis(1000); // a new roll cycle every 97 excerpts: 8 files
                }
                final long o = offsets.get(i);
                assertTrue(record.wrap(value(o)));
                mirror.append(o, record);
            }
            assertTrue(mirror.queue().listCyclesBetween(mirror.queue().firstCycle(), mirror.queue().lastCycle()).size() >= 7);
            assertEquals(offsets.get(offsets.size() - 1), mirror.lastOffset());
            assertEquals(2, mirror.firstOffset());
            assertEveryOffsetFound(mirror, offsets);
            final long last = mirror.lastOffset();
            assertThrows(IllegalArgumentException.class, () -> mirror.append(last, record), "offsets only increase");
        }
        try (OffsetMirror reopened = new OffsetMirror(dir, TestRollCycles.TEST_SECONDLY, time))
        {
            assertEquals(offsets.get(offsets.size() - 1), reopened.lastOffset());
            assertEveryOffsetFound(reopened, offsets);
            time.advanceMillis(1000);
            final long next = reopened.lastOffset() + 4;
            assertTrue(record.wrap(value(next)));
            reopened.append(next, record);
            offsets.add(next);
            assertEveryOffsetFound(reopened, offsets);
        }
    }

    private static void assertEveryOffsetFound(final OffsetMirror mirror, final List<Long> offsets)
    {
        final long last = offsets.get(offsets.size() - 1);
        final JournalEntry entry = new JournalEntry();
        try (JournalReader reader = mirror.newReader())
        {
            int i = 0; // offsets[i] is the first mirrored offset >= target
            for (long target = -1; target <= last + 2; target++)
            {
                while (i < offsets.size() && offsets.get(i) < target)
                {
                    i++;
                }
                reader.seekAtOrAfter(target);
                if (i < offsets.size())
                {
                    assertTrue(reader.next(entry), "an entry at or after " + target);
                    assertEntry(entry, offsets.get(i));
                }
                else
                {
                    assertFalse(reader.next(entry), "nothing at or after " + target);
                }

                final int after = i < offsets.size() && offsets.get(i) == target ? i + 1 : i;
                assertEquals(target <= last, reader.seekAfter(target), "seekAfter(" + target + ")");
                if (after < offsets.size())
                {
                    assertTrue(reader.next(entry), "an entry after " + target);
                    assertEntry(entry, offsets.get(after));
                    if (after + 1 < offsets.size())
                    {
                        assertTrue(reader.next(entry), "reading on in order");
                        assertEquals(offsets.get(after + 1), entry.index());
                    }
                }
                else
                {
                    assertFalse(reader.next(entry), "nothing after " + target);
                }
            }
            reader.toStart();
            for (final long o : offsets)
            {
                assertTrue(reader.next(entry));
                assertEquals(o, entry.index());
            }
            assertFalse(reader.next(entry));
        }
    }

    private static void assertEntry(final JournalEntry entry, final long offset)
    {
        assertEquals(offset, entry.index());
        assertEquals(42L, entry.journaledAtMicros());
        assertEquals(3, entry.originKind());
        assertEquals("R1.A", entry.originRegion());
        final byte[] envelope = Records.envelope("veh-" + (offset % 5), offset + 1, Precedence.ROUTINE, 8);
        assertArrayEquals(envelope, Arrays.copyOf(entry.envelope(), entry.envelopeLength()));
    }
}
