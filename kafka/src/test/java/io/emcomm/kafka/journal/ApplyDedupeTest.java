package io.emcomm.kafka.journal;

import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.router.journal.DedupeWindows;
import io.emcomm.router.journal.JournalEntry;
import io.emcomm.router.journal.JournalReader;
import io.emcomm.router.journal.JournalRecovery;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Dedupe at apply time (issue 15, Tests: "unit tests with Kafka's MockConsumer for dedupe at apply time"): nodes
 * that read the same log, however their fetches split it and whether one restarts midway from its mirror, decide
 * every record the same; the first occurrence wins and a duplicate (a retry through another node) gets the first
 * one's offset; malformed records are skipped and counted without stopping the loop.
 */
class ApplyDedupeTest
{
    private static final String TOPIC = "test.journal";
    private static final long MALFORMED = Long.MIN_VALUE;

    @TempDir
    Path dir;

    /** The shared log: retries through the other node, a malformed value, a stale and an unusable sequence. */
    private static List<byte[]> log()
    {
        final List<byte[]> log = new ArrayList<>();
        log.add(Records.value("veh-1", 1, "n1", 1));   // 0 first
        log.add(Records.value("veh-1", 2, "n1", 2));   // 1 first
        log.add(new byte[] {9, 9, 9});                 // 2 malformed
        log.add(Records.value("veh-1", 1, "n2", 1));   // 3 retry of 0 through n2
        log.add(Records.value("veh-2", 1, "n2", 2));   // 4 first (another origin, same sequence)
        log.add(Records.value("veh-1", 2, "n2", 3));   // 5 retry of 1
        log.add(Records.value("veh-1", 5000, "n1", 3)); // 6 first
        log.add(Records.value("veh-1", 5, "n2", 4));   // 7 stale: 4096 or more behind 5000
        log.add(Records.value(Envelope.newBuilder().setOriginSequence(3).addTo("terminal:x").build().toByteArray(), "n1", 4)); // 8 no origin
        log.add(Records.value("veh-2", 1, "n1", 5));   // 9 retry of 4 through n1
        log.add(Records.value("veh-1", 4999, "n1", 6)); // 10 first: inside the window, below the highest
        return log;
    }

    private static final Map<Long, Long> EXPECTED = Map.ofEntries(Map.entry(0L, ApplyDedupe.FIRST), Map.entry(1L, ApplyDedupe.FIRST),
        Map.entry(2L, MALFORMED), Map.entry(3L, 0L), Map.entry(4L, ApplyDedupe.FIRST), Map.entry(5L, 1L),
        Map.entry(6L, ApplyDedupe.FIRST), Map.entry(7L, ApplyDedupe.STALE), Map.entry(8L, ApplyDedupe.UNUSABLE),
        Map.entry(9L, 4L), Map.entry(10L, ApplyDedupe.FIRST));

    /** A node's apply side: its windows, its decisions by offset, its mirror. */
    private static final class Node implements ApplyHandler
    {
        final ApplyDedupe dedupe;
        final Map<Long, Long> decisions = new TreeMap<>();
        final OffsetMirror mirror;

        Node(final DedupeWindows windows, final OffsetMirror mirror)
        {
            this.dedupe = new ApplyDedupe(windows);
            this.mirror = mirror;
        }

        @Override
        public void apply(final long offset, final JournalRecord record)
        {
            final long d = dedupe.decide(offset, record);
            decisions.put(offset, d);
            if (d == ApplyDedupe.FIRST)
            {
                mirror.append(offset, record);
            }
        }

        @Override
        public void malformed(final long offset, final String problem)
        {
            decisions.put(offset, MALFORMED);
        }
    }

    private static MockConsumer<byte[], byte[]> consumerOf(final List<byte[]> log, final int from, final int maxPollRecords)
    {
        final MockConsumer<byte[], byte[]> c = new MockConsumer<>("none");
        c.setMaxPollRecords(maxPollRecords);
        c.schedulePollTask(() ->
        {
            for (int i = from; i < log.size(); i++)
            {
                c.addRecord(new ConsumerRecord<>(TOPIC, 0, i, null, log.get(i)));
            }
        });
        return c;
    }

    /** Polls until the applier has applied everything up to {@code last}; bounded. */
    private static void applyThrough(final JournalApplier applier, final long last)
    {
        for (int i = 0; i < 100 && applier.appliedOffset() < last; i++)
        {
            applier.applyAvailable(Duration.ZERO);
        }
        assertEquals(last, applier.appliedOffset());
    }

    @Test
    void twoNodesDecideTheSameFirstOccurrenceWinsAndAReplicaRestartedFromItsMirrorAgrees()
    {
        final List<byte[]> log = log();
        final long last = log.size() - 1;

        // node A: fetches of up to 500 records
        final Node a = new Node(new DedupeWindows(), new OffsetMirror(dir.resolve("a")));
        final JournalApplier applierA = new JournalApplier(consumerOf(log, 0, 500), TOPIC, 0, a, () -> 0);
        applyThrough(applierA, last);
        applierA.close();
        assertEquals(new TreeMap<>(EXPECTED), a.decisions);
        assertEquals(1, applierA.malformed());
        assertEquals(0, applierA.lag());

        // node B: one record per fetch, stopped after offset 4, restarted with windows rebuilt from its own mirror
        final Node b1 = new Node(new DedupeWindows(), new OffsetMirror(dir.resolve("b")));
        final JournalApplier applierB1 = new JournalApplier(consumerOf(log, 0, 1), TOPIC, 0, b1, () -> 0);
        applyThrough(applierB1, 4);
        applierB1.close();
        b1.mirror.close();

        final OffsetMirror mirrorB = new OffsetMirror(dir.resolve("b"));
        final DedupeWindows rebuilt = new DedupeWindows();
        final JournalRecovery.EntryHandler recovery = rebuilt.recovery();
        final EnvelopeHeader header = new EnvelopeHeader();
        final JournalEntry entry = new JournalEntry();
        try (JournalReader reader = mirrorB.newReader())
        {
            while (reader.next(entry))
            {
                header.wrap(entry.envelope(), 0, entry.envelopeLength());
                recovery.onEntry(header, entry);
            }
        }
        final Node b2 = new Node(rebuilt, mirrorB);
        final long resume = mirrorB.lastOffset() + 1;
        assertEquals(5, resume, "offsets 0, 1 and 4 mirrored; 2 (malformed) and 3 (duplicate) not");
        final JournalApplier applierB2 = new JournalApplier(consumerOf(log, 4, 1), TOPIC, 4 + 1, b2, () -> 0);
        applyThrough(applierB2, last);
        applierB2.close();
        final Map<Long, Long> b = new TreeMap<>(b1.decisions);
        b.putAll(b2.decisions);
        assertEquals(a.decisions, b, "the same log, decided alike");

        // both mirrors hold exactly the first occurrences, at their offsets
        assertEquals(List.of(0L, 1L, 4L, 6L, 10L), offsets(a.mirror));
        assertEquals(offsets(a.mirror), offsets(mirrorB));
        a.mirror.close();
        mirrorB.close();
    }

    private static List<Long> offsets(final OffsetMirror mirror)
    {
        final List<Long> offsets = new ArrayList<>();
        final JournalEntry entry = new JournalEntry();
        try (JournalReader reader = mirror.newReader())
        {
            while (reader.next(entry))
            {
                offsets.add(entry.index());
            }
        }
        return offsets;
    }
}
