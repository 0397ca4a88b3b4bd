package io.emcomm.cli;

import io.emcomm.kafka.ClusterSettings;
import io.emcomm.kafka.JournalTopics;
import io.emcomm.kafka.LocalKafkaCluster;
import io.emcomm.kafka.journal.JournalRecord;
import io.emcomm.protocol.wire.Envelope;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code emcomm demo --cluster} end to end, for real: three broker processes, three router node processes, a SIGKILL.
 * Its summary is checked, and so is the journal it leaves behind, read independently: the brokers are started again
 * on the demo's folder and a plain consumer reads the journal topic, which must hold every message the live log shows
 * delivered exactly once (no publish of the killed node's terminals was in flight when it died, so none was retried).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ClusterDemoTest
{
    /** A live-log line: {@code +0.412s  uav-1/1 -> cp-5201  ROUTINE ...}. */
    private static final Pattern DELIVERY = Pattern.compile("^\\s+\\+\\d+\\.\\d{3}s\\s+(\\S+/\\d+)\\s+->\\s+(\\S+)\\s+(\\S+)\\s.*$");
    private static final Pattern KILLED = Pattern.compile("(?m)^4\\. SIGKILL node-2 \\(pid (\\d+)\\): (.+) lose their router$");
    /** A move in the live log: {@code +1.654s  cp-5201  fails over: node-2 -> node-1 (0.29 s after the SIGKILL)}. */
    private static final Pattern MOVED = Pattern.compile("^\\s+\\+\\d+\\.\\d{3}s\\s+(\\S+)\\s+fails over: node-2 -> (node-[13]) \\(");

    @TempDir
    Path dir;

    @Test
    void aNodeIsKilledItsTerminalsFailOverAndNothingIsLost() throws Exception
    {
        final Path data = dir.resolve("site");
        final CliHarness.Run demo = CliHarness.cli("demo", "--cluster", "--data", data.toString());
        final String out = demo.out();
        assertEquals(0, demo.code(), out + demo.err());
        assertEquals(0, summary(out, "lost"), out);
        assertEquals(0, summary(out, "unexpected"), out);
        final long delivered = summary(out, "delivered");
        assertEquals(summary(out, "expected"), delivered, out);
        assertTrue(out.contains("  journal     " + summary(out, "published") + " of " + summary(out, "published")
            + " acknowledged indexes hold their message, once"), out);
        assertTrue(out.contains("  order       every origin's messages are in the journal in sequence order"), out);

        // node-2 was killed for real: the process is gone (the node that runs at the end is a new one)
        final Matcher killed = KILLED.matcher(out);
        assertTrue(killed.find(), out);
        final long pid = Long.parseLong(killed.group(1));
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "node-2's first process is gone");
        final List<String> onNode2 = List.of(killed.group(2).split(", "));
        assertEquals(List.of("cp-5201", "cp-520113", "veh-1"), onNode2);

        // each of its terminals moved to another node by itself (the client's router list) and was delivered to there
        final List<String> lines = out.lines().toList();
        final int killLine = lines.indexOf(killed.group(0));
        final Map<String, String> movedTo = new LinkedHashMap<>();
        final Map<String, Integer> afterKill = new HashMap<>();
        final Map<String, Long> afterFailover = new HashMap<>();
        for (final String line : lines.subList(killLine, lines.size()))
        {
            final Matcher moved = MOVED.matcher(line);
            if (moved.find())
            {
                movedTo.put(moved.group(1), moved.group(2));
            }
            final Matcher d = DELIVERY.matcher(line);
            if (d.matches() && onNode2.contains(d.group(2)))
            {
                afterKill.merge(d.group(2), 1, Integer::sum);
                afterFailover.merge(d.group(2), line.endsWith("(after failover)") ? 1L : 0L, Long::sum);
            }
        }
        assertEquals(Set.copyOf(onNode2), movedTo.keySet(), "each of node-2's terminals moved (in the order they got there)\n" + out);
        assertNotEquals(1, movedTo.values().stream().distinct().count(), "the dead node's terminals spread over both others");
        for (final String t : onNode2)
        {
            assertTrue(afterFailover.getOrDefault(t, 0L) > 0, t + " got, on its new node, messages sent after the kill:\n" + out);
        }
        final Matcher after = Pattern.compile("(?m)^  after it    (\\d+) messages sent to node-2's terminals after the SIGKILL")
            .matcher(out);
        assertTrue(after.find(), out);
        assertEquals(afterFailover.values().stream().mapToLong(Long::longValue).sum(), Long.parseLong(after.group(1)), out);
        assertTrue(out.contains("node-2 restarted and listening again"), out);
        assertTrue(out.contains("data kept in " + data.toAbsolutePath()), out);

        // the journal as an independent reader sees it: every delivered message, once
        final Map<String, Integer> journaled = journal(data.resolve("kafka"));
        for (final String line : lines)
        {
            final Matcher d = DELIVERY.matcher(line);
            if (d.matches() && !d.group(1).startsWith("node-"))
            {
                assertEquals(1, journaled.getOrDefault(d.group(1), 0), "in the journal topic once: " + line);
            }
        }
        assertEquals(summary(out, "journaled"), journaled.size(), out);
        assertTrue(Files.isRegularFile(data.resolve("node-2.log")));
    }

    @Test
    void refusesAFolderThatHoldsACluster() throws Exception
    {
        Files.createDirectories(dir.resolve("kafka"));
        Files.writeString(dir.resolve("kafka").resolve("cluster.properties"), "not empty");
        final CliHarness.Run demo = CliHarness.cli("demo", "--cluster", "--data", dir.toString());
        assertEquals(1, demo.code(), demo.out());
        assertEquals("emcomm demo: " + dir.toAbsolutePath() + " already holds a cluster; give the demo an empty or new folder\n",
            demo.err());
        assertEquals("", demo.out(), "nothing was started");
    }

    @Test
    void federationAndClusterTogetherIsAUsageError()
    {
        final CliHarness.Run demo = CliHarness.cli("demo", "--cluster", "--federation");
        assertEquals(Main.EXIT_USAGE, demo.code(), demo.out());
        assertTrue(demo.err().startsWith("emcomm demo: --federation and --cluster are two different demos: give one\n"), demo.err());
    }

    /** Message id to how many records of the journal topic hold it, read with the brokers started again. */
    private static Map<String, Integer> journal(final Path kafkaDir) throws Exception
    {
        final Map<String, Integer> ids = new HashMap<>();
        try (LocalKafkaCluster kafka = LocalKafkaCluster.start(ClusterSettings.of(kafkaDir, 3));
            KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class)))
        {
            final TopicPartition p = new TopicPartition(JournalTopics.defaults().journal(), 0);
            consumer.assign(List.of(p));
            consumer.seekToBeginning(List.of(p));
            final long end = consumer.endOffsets(List.of(p), Duration.ofSeconds(60)).get(p);
            final JournalRecord record = new JournalRecord();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (consumer.position(p, Duration.ofSeconds(60)) < end && System.nanoTime() < deadline)
            {
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500)))
                {
                    if (r.offset() > 0 && record.wrap(r.value()))
                    {
                        final Envelope e = Envelope.parseFrom(ByteBuffer.wrap(record.array(), record.envelopeOffset(),
                            record.envelopeLength()));
                        ids.merge(e.getOrigin() + "/" + e.getOriginSequence(), 1, Integer::sum);
                    }
                }
            }
            assertEquals(end, consumer.position(p, Duration.ofSeconds(60)), "read the journal topic to its end");
        }
        return ids;
    }

    private static long summary(final String out, final String name)
    {
        final Matcher m = Pattern.compile("(?m)^\\s+" + name + "\\s+=\\s+(\\d+)\\s").matcher(out);
        assertTrue(m.find(), "summary line '" + name + "' in:\n" + out);
        return Long.parseLong(m.group(1));
    }
}
