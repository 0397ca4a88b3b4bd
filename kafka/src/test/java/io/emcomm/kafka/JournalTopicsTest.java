package io.emcomm.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The journal and terminals topics on an in-JVM 3-node KRaft cluster (issue 15): created with the settings
 * docs/cluster.md gives, idempotently and concurrently; each setting that breaks a guarantee refused with one line
 * naming the topic, the setting and what it must be, and the operator's topic left as it was. One cluster for
 * the class; each test has topics of its own prefix.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JournalTopicsTest
{
    private static final Duration WAIT = Duration.ofSeconds(30);

    static KafkaClusterTestKit kit;
    static Admin admin;

    @BeforeAll
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    static void start() throws Exception
    {
        kit = KafkaTestClusters.start(3);
        admin = kit.admin();
    }

    @AfterAll
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    static void stop() throws Exception
    {
        if (admin != null)
        {
            admin.close();
        }
        if (kit != null)
        {
            kit.close();
        }
        assertEquals(List.of(), KafkaTestClusters.exitCalls(), "no broker tried to end the JVM");
    }

    @Test
    void missingTopicsAreCreatedWithTheSettingsThatKeepTheGuaranteesAndAcceptedAfterwards() throws Exception
    {
        final JournalTopics topics = JournalTopics.withPrefix("created.");
        assertEquals(List.of("created.journal", "created.terminals"), topics.ensure(admin, WAIT));
        assertEquals(List.of(), topics.ensure(admin, WAIT), "idempotent: the second call creates nothing");
        topics.check(admin, WAIT);

        final var journal = admin.describeTopics(List.of(topics.journal())).allTopicNames().get().get(topics.journal());
        assertEquals(1, journal.partitions().size());
        assertEquals(3, journal.partitions().get(0).replicas().size());
        final Map<String, String> j = settings(topics.journal());
        assertEquals("delete", j.get("cleanup.policy"));
        assertEquals("2", j.get("min.insync.replicas"));
        assertEquals("false", j.get("unclean.leader.election.enable"));
        assertEquals(Long.toString(JournalTopics.DEFAULT_RETENTION_BYTES), j.get("retention.bytes"));
        assertEquals("-1", j.get("retention.ms"));
        final Map<String, String> t = settings(topics.terminals());
        assertEquals("compact", t.get("cleanup.policy"));
        assertEquals("2", t.get("min.insync.replicas"));
        assertEquals("false", t.get("unclean.leader.election.enable"));
    }

    @Test
    void nodesCreatingTheTopicsAtOnceBothSucceedAndEachTopicIsCreatedOnce() throws Exception
    {
        final JournalTopics topics = JournalTopics.withPrefix("race.");
        final CompletableFuture<List<String>> a = CompletableFuture.supplyAsync(() -> topics.ensure(admin, WAIT));
        final CompletableFuture<List<String>> b = CompletableFuture.supplyAsync(() -> topics.ensure(admin, WAIT));
        final List<String> created = new ArrayList<>(a.get(60, TimeUnit.SECONDS));
        created.addAll(b.get(60, TimeUnit.SECONDS));
        created.sort(null);
        assertEquals(List.of("race.journal", "race.terminals"), created);
    }

    @Test
    void aJournalOfMoreThanOnePartitionIsRefused() throws Exception
    {
        createJournal("parts.", 2, 3, Map.of());
        assertRefused("parts.", "topic parts.journal has 2 partitions; it must have 1 (one partition is the journal's one total order: "
            + "its offset is the journal index)");
    }

    @Test
    void aCompactedJournalIsRefused() throws Exception
    {
        createJournal("compact.", 1, 3, Map.of("cleanup.policy", "compact"));
        assertRefused("compact.", "topic compact.journal has cleanup.policy=compact; it must be delete (compaction would drop "
            + "journal records and leave gaps in the journal index)");
    }

    @Test
    void uncleanLeaderElectionIsRefused() throws Exception
    {
        createJournal("unclean.", 1, 3, Map.of("unclean.leader.election.enable", "true"));
        assertRefused("unclean.", "topic unclean.journal has unclean.leader.election.enable=true; it must be false (an "
            + "out-of-sync replica made leader drops records already acknowledged)");
    }

    @Test
    void oneInSyncReplicaOnThreeBrokersIsRefused() throws Exception
    {
        createJournal("isr.", 1, 3, Map.of("min.insync.replicas", "1"));
        assertRefused("isr.", "topic isr.journal has min.insync.replicas=1; it must be at least 2 on a cluster of 3 brokers "
            + "(acks=all would acknowledge a record only one broker holds)");
    }

    @Test
    void aJournalOnOneBrokerOfThreeIsRefused() throws Exception
    {
        createJournal("rf.", 1, 1, Map.of());
        assertRefused("rf.", "topic rf.journal has replication factor 1; it must be at least 3 on a cluster of 3 brokers (a broker "
            + "lost would lose the records only it holds)");
    }

    @Test
    void aTerminalsTopicThatIsNotCompactedIsRefused() throws Exception
    {
        admin.createTopics(List.of(new NewTopic("deleted.terminals", 1, (short) 3).configs(Map.of("cleanup.policy", "delete"))))
            .all().get(30, TimeUnit.SECONDS);
        final TopicRefused refused = assertRefused("deleted.",
            "topic deleted.terminals has cleanup.policy=delete; it must be compact (terminal state would be deleted after retention.ms)");
        assertEquals(1, refused.problems().size(), "the journal topic created beside it is fine");
        assertEquals("delete", settings("deleted.terminals").get("cleanup.policy"), "the operator's topic is left as it was");

        admin.createTopics(List.of(new NewTopic("both.terminals", 1, (short) 3).configs(Map.of("cleanup.policy", "compact,delete"))))
            .all().get(30, TimeUnit.SECONDS);
        assertRefused("both.", "topic both.terminals has cleanup.policy=compact,delete; it must be compact (terminal state would be "
            + "deleted after retention.ms)");
    }

    @Test
    void checkRefusesMissingTopicsAndListsEveryProblem() throws Exception
    {
        final TopicRefused missing = assertThrows(TopicRefused.class, () -> JournalTopics.withPrefix("absent.").check(admin, WAIT));
        assertEquals("topic absent.journal does not exist; it is created when missing by emcomm kafka and by a router's start "
            + "(and 1 more)", missing.getMessage());
        assertEquals(2, missing.problems().size());

        createJournal("many.", 2, 3, Map.of("cleanup.policy", "compact", "min.insync.replicas", "1"));
        final TopicRefused many = assertThrows(TopicRefused.class, () -> JournalTopics.withPrefix("many.").ensure(admin, WAIT));
        assertEquals(3, many.problems().size(), many.problems().toString());
        assertTrue(many.getMessage().endsWith("(and 2 more)"), many.getMessage());
    }

    private static void createJournal(final String prefix, final int partitions, final int replicas, final Map<String, String> config)
        throws Exception
    {
        admin.createTopics(List.of(new NewTopic(prefix + "journal", partitions, (short) replicas).configs(config)))
            .all().get(30, TimeUnit.SECONDS);
    }

    private static TopicRefused assertRefused(final String prefix, final String message)
    {
        final TopicRefused refused = assertThrows(TopicRefused.class, () -> JournalTopics.withPrefix(prefix).ensure(admin, WAIT));
        assertEquals(message, refused.getMessage());
        assertEquals(message, assertThrows(TopicRefused.class, () -> JournalTopics.withPrefix(prefix).check(admin, WAIT)).getMessage());
        return refused;
    }

    private static Map<String, String> settings(final String topic) throws Exception
    {
        final ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        final Map<String, String> m = new java.util.HashMap<>();
        for (final ConfigEntry e : admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r).entries())
        {
            m.put(e.name(), e.value());
        }
        return m;
    }
}
