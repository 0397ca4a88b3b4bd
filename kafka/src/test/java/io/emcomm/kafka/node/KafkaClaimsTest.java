package io.emcomm.kafka.node;

import io.emcomm.kafka.JournalTopics;
import io.emcomm.kafka.KafkaTestClusters;
import io.emcomm.kafka.terminals.KafkaCursorStore;
import io.emcomm.kafka.terminals.TerminalSnapshot;
import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.SubscriptionAck;
import io.emcomm.router.Router;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.terminal.TerminalState;
import io.emcomm.testing.AdminHttp;
import io.emcomm.testing.TestTerminal;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Hello;
import io.emcomm.protocol.wire.TerminalKind;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongPredicate;

import static io.emcomm.protocol.wire.TerminalKind.COMMAND_POST;
import static io.emcomm.protocol.wire.TerminalKind.GROUND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every node serves every terminal (issue 15 Deliver 2): two router nodes on one 3-broker in-JVM Kafka cluster, real
 * routers over real TCP, their cursor store the cluster's terminals topic. A terminal that moves nodes mid-stream
 * resumes from its cursor (out-of-order acks included) with no gap and no duplicate past it; a second login on node B
 * closes the session on node A with SESSION_REPLACED; a subscription made on A is honoured in catch-up on B; a stale
 * node's cursor write does not move the terminal back. Each test uses terminal ids of its own.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class KafkaClaimsTest
{
    private static final JournalTopics TOPICS = JournalTopics.withPrefix("claims-test.");

    @TempDir
    static Path data;
    static KafkaClusterTestKit cluster;
    static Router a;
    static Router b;
    static long started;

    @BeforeAll
    static void start() throws Exception
    {
        started = System.nanoTime();
        cluster = KafkaTestClusters.start(3);
        a = node("node-a");
        b = node("node-b");
    }

    private static Router node(final String id)
    {
        final KafkaJournalProvider.Options options = new KafkaJournalProvider.Options(TOPICS, s -> s, Duration.ofSeconds(60));
        final RouterConfig config = RouterConfig.loopback(data.resolve(id)).routerId(id).kafka(cluster.bootstrapServers())
            .build();
        return Router.start(new Router.Context().config(config).journalBackend(new KafkaJournalProvider(options)));
    }

    @AfterAll
    static void stop() throws Exception
    {
        try
        {
            if (a != null)
            {
                a.close();
            }
            if (b != null)
            {
                b.close();
            }
        }
        finally
        {
            if (cluster != null)
            {
                cluster.close();
            }
            System.out.printf("KafkaClaimsTest: %.1f s with the cluster's start and stop%n", (System.nanoTime() - started) / 1e9);
        }
    }

    @Test
    void aTerminalMovingNodesMidStreamResumesFromItsCursorWithNoGapAndNoDuplicate() throws Exception
    {
        final List<Long> sent = new ArrayList<>();
        try (TestTerminal veh = TestTerminal.login(a.port(), "veh-m", GROUND, "520113001"))
        {
            final long fifth;
            try (TestTerminal cp = TestTerminal.login(a.port(), "cp-m", COMMAND_POST, "5201"))
            {
                sent.addAll(veh.publishMany(5, "sitrep", Precedence.ROUTINE, "terminal:cp-m"));
                final List<Long> delivered = new ArrayList<>();
                for (int i = 0; i < 5; i++)
                {
                    delivered.add(cp.awaitDelivery().getJournalIndex());
                }
                assertEquals(sent, delivered);
                cp.ack(sent.get(0));
                cp.ack(sent.get(1));
                fifth = sent.get(4);
                cp.ack(fifth); // ahead of the cursor: the fourth (and third) stay unacknowledged
                cp.sync();
            }
            // the cluster holds the cursor and the ack ahead of it (written within a flush interval, or at session end)
            awaitCursor(store(b), "cp-m", c -> c == sent.get(1));
            sent.addAll(veh.publishMany(2, "while moving", Precedence.ROUTINE, "terminal:cp-m"));
            try (TestTerminal cp = TestTerminal.login(b.port(), "cp-m", COMMAND_POST, "5201"))
            {
                final List<Long> expected = new ArrayList<>(sent.subList(2, sent.size()));
                expected.remove(fifth);
                final List<Long> delivered = new ArrayList<>();
                for (int i = 0; i < expected.size(); i++)
                {
                    delivered.add(cp.awaitAndAck().getJournalIndex());
                }
                assertEquals(expected, delivered, "from the cursor, without the one acknowledged ahead of it");
                cp.sync();
                assertTrue(cp.drainDeliveries().isEmpty(), "nothing past the cursor twice");
            }
        }
    }

    @Test
    void aSecondLoginOnNodeBClosesTheSessionOnNodeAWithSessionReplaced() throws Exception
    {
        try (TestTerminal onA = TestTerminal.login(a.port(), "cp-r", COMMAND_POST, "5201"))
        {
            onA.sync();
            try (TestTerminal onB = TestTerminal.login(b.port(), "cp-r", COMMAND_POST, "5201");
                 TestTerminal veh = TestTerminal.login(a.port(), "veh-r", GROUND, "520113001"))
            {
                final io.emcomm.protocol.wire.Error error = onA.expectError();
                assertEquals(ErrorCode.SESSION_REPLACED, error.getCode(), error.toString());
                assertTrue(error.getMessage().contains("node-b"), error.getMessage());
                onA.awaitClosed();
                assertTrue(a.cluster().takeovers() >= 1, "node A counts the takeover: " + a.cluster());
                final long index = veh.publish(veh.text("for the new session", Precedence.PRIORITY, "terminal:cp-r").build())
                    .getJournalIndex();
                assertEquals(index, onB.awaitAndAck().getJournalIndex(), "the session on node B serves the terminal");
                assertTrue(store(b).owns("cp-r"));
                assertTrue(!store(a).owns("cp-r"), "node A lost the terminal");
            }
        }
    }

    @Test
    void aSubscriptionMadeOnNodeAIsHonouredInCatchUpOnNodeB() throws Exception
    {
        try (TestTerminal cp = TestTerminal.login(a.port(), "cp-s", COMMAND_POST, "5201"))
        {
            final SubscriptionAck ack = cp.subscribe("channel:flood.5201.rescue");
            assertTrue(ack.getOk(), ack.toString());
            // acknowledged only once committed: node B's reader finds it in the terminal's newest epoch
            store(b).caughtUp().get(10, TimeUnit.SECONDS);
            final TerminalSnapshot seen = store(b).snapshot("cp-s");
            assertEquals(List.of("flood.5201.rescue"), seen.subscriptions());
            cp.sync();
        }
        final long index;
        try (TestTerminal veh = TestTerminal.login(a.port(), "veh-s", GROUND, "520113001"))
        {
            index = veh.publish(veh.text("levee breach", Precedence.IMMEDIATE, "channel:flood.5201.rescue").build())
                .getJournalIndex();
        }
        try (TestTerminal cp = TestTerminal.login(b.port(), "cp-s", COMMAND_POST, "5201"))
        {
            final Delivery d = cp.awaitAndAck();
            assertEquals(index, d.getJournalIndex(), "caught up on node B through the subscription made on node A");
            cp.sync();
            assertTrue(cp.drainDeliveries().isEmpty());
        }
    }

    @Test
    void aStaleNodesCursorWriteDoesNotMoveTheTerminalBack() throws Exception
    {
        final List<Long> sent;
        try (TestTerminal veh = TestTerminal.login(a.port(), "veh-z", GROUND, "520113001"))
        {
            try (TestTerminal cp = TestTerminal.login(a.port(), "cp-z", COMMAND_POST, "5201"))
            {
                sent = new ArrayList<>(veh.publishMany(4, "sitrep", Precedence.ROUTINE, "terminal:cp-z"));
                cp.awaitAndAck();
                cp.sync();
            }
            awaitCursor(store(b), "cp-z", c -> c == sent.get(0));
            try (TestTerminal cp = TestTerminal.login(b.port(), "cp-z", COMMAND_POST, "5201"))
            {
                for (int i = 1; i < sent.size(); i++)
                {
                    assertEquals(sent.get(i), cp.awaitAndAck().getJournalIndex());
                }
                cp.sync();
            }
            awaitCursor(store(a), "cp-z", c -> c == sent.get(3));
            // node A writes for the terminal it lost, as a node that has not yet read the newer claim would
            final TerminalState stale = a.cursors().terminal("cp-z", 0);
            final long fencedBefore = store(a).fencedWrites();
            a.cursors().recordCursor(stale, sent.get(1));
            a.cursors().recordAck(stale, sent.get(2));
            store(a).flush(stale).get(10, TimeUnit.SECONDS);
            assertEquals(fencedBefore + 2, store(a).fencedWrites(), "both writes dropped on the stale node");
            store(b).caughtUp().get(10, TimeUnit.SECONDS);
            assertEquals(sent.get(3), store(b).snapshot("cp-z").cursor().cursor(), "the cluster's cursor did not move back");

            final long next = veh.publish(veh.text("after", Precedence.ROUTINE, "terminal:cp-z").build()).getJournalIndex();
            try (TestTerminal cp = TestTerminal.login(a.port(), "cp-z", COMMAND_POST, "5201"))
            {
                assertEquals(next, cp.awaitAndAck().getJournalIndex(), "back on node A, from node B's cursor");
                cp.sync();
                assertTrue(cp.drainDeliveries().isEmpty());
            }
        }
    }

    /**
     * Issue 15 item 6: a terminal that moves from node A to node B is a failover on B (its previous claim was A's) and a
     * takeover on A; B's status and A's both put it on node B, and every node counts the cluster's terminals by node
     * alike. The admin endpoint's JSON and text, as {@code emcomm status} prints them.
     */
    @Test
    void aTerminalMovingFromNodeAToNodeBIsAFailoverOnBAndEveryNodePlacesItOnB() throws Exception
    {
        try (TestTerminal onA = TestTerminal.login(a.port(), "cp-f", COMMAND_POST, "5201"))
        {
            onA.sync();
            assertEquals("node-a", place(a, "cp-f").get("node").asText());
            assertTrue(place(a, "cp-f").get("connectedHere").asBoolean());
            final long failoversOnA = a.cluster().failovers();
            final long failoversOnB = b.cluster().failovers();
            final long takeoversOnA = a.cluster().takeovers();
            store(b).caughtUp().get(10, TimeUnit.SECONDS); // B has read A's claim: its login takes the terminal from A
            try (TestTerminal onB = TestTerminal.login(b.port(), "cp-f", COMMAND_POST, "5201"))
            {
                assertEquals(ErrorCode.SESSION_REPLACED, onA.expectError().getCode());
                // counted when B read its own claim back, which is before its WELCOME
                assertEquals(failoversOnB + 1, b.cluster().failovers(), "a failover on the node that took the terminal");
                assertEquals(failoversOnA, a.cluster().failovers(), "none on the node that lost it");
                assertTrue(a.cluster().takeovers() > takeoversOnA, "a takeover on node A (SESSION_REPLACED came from it)");

                final JsonNode onNodeB = place(b, "cp-f");
                assertEquals("node-b", onNodeB.get("node").asText(), onNodeB.toString());
                assertTrue(onNodeB.get("connectedHere").asBoolean(), onNodeB.toString());
                onA.awaitClosed();
                // node A has read B's claim (it closed its session for it) and forgets the session as it closes
                final JsonNode onNodeA = awaitPlace(a, "cp-f", p -> !p.get("connectedHere").asBoolean());
                assertEquals("node-b", onNodeA.get("node").asText(), "node A places it on node B: " + onNodeA);
                assertFalse(onNodeA.get("connectedHere").asBoolean(), onNodeA.toString());
                assertEquals(onNodeB.get("epoch"), onNodeA.get("epoch"), "the same claim");

                store(b).caughtUp().get(10, TimeUnit.SECONDS);
                final JsonNode clusterB = new ObjectMapper().readTree(AdminHttp.get(b.adminPort(), "/status").body()).get("cluster");
                final JsonNode clusterA = new ObjectMapper().readTree(AdminHttp.get(a.adminPort(), "/status").body()).get("cluster");
                assertEquals(clusterA.get("terminalsByNode"), clusterB.get("terminalsByNode"), "every node counts alike");
                assertEquals(clusterB.get("terminalsHere"), clusterB.get("terminalsByNode").get("node-b"), clusterB.toString());
                assertTrue(clusterB.get("terminalsHere").asLong() >= 1, clusterB.toString());
                assertEquals(failoversOnB + 1, clusterB.get("failovers").asLong(), clusterB.toString());

                final String text = AdminHttp.get(b.adminPort(), "/status?format=text").body();
                assertTrue(text.contains(", failovers " + (failoversOnB + 1) + ", "), text);
                assertTrue(text.contains("\nnode      node-b: " + clusterB.get("terminalsHere").asLong()
                    + " terminal(s) (this node)\n"), text);
                assertTrue(text.contains("\nnode      node-a: "), text);
                assertEquals("terminal cp-f on node node-b (not connected to node-a, the node asked), claim epoch "
                    + onNodeA.get("epoch").asLong() + ", cursor " + onNodeA.get("cursor").asLong() + ", 0 subscription(s)\n",
                    AdminHttp.get(a.adminPort(), "/terminal?id=cp-f&format=text").body());
                final String scrape = AdminHttp.get(b.adminPort(), "/metrics").body();
                assertEquals(failoversOnB + 1, AdminHttp.sample(scrape, "emcomm_cluster_failovers_total"), scrape);
                assertTrue(AdminHttp.sample(scrape, "emcomm_cluster_terminals") >= 1, scrape);
            }
        }
    }

    /**
     * A node of a site's cluster takes no peer links (docs/cluster.md, "Topology"): a child router's HELLO is refused
     * at once with a fatal ERROR naming why, instead of a link whose imports would never be acknowledged.
     */
    @Test
    void aPeerRoutersLoginToAKafkaNodeIsRefusedNamingTheBackend() throws Exception
    {
        try (TestTerminal child = TestTerminal.connect(a.port()))
        {
            child.send(FrameType.HELLO, Hello.newBuilder().setProtocolVersion(1).setTerminalId("county-1")
                .setKind(TerminalKind.ROUTER).setRegionCode("520113").build());
            final io.emcomm.protocol.wire.Error error = child.expectError();
            assertEquals(ErrorCode.INVALID_KIND, error.getCode(), error.toString());
            assertTrue(error.getMessage().contains("emcomm.journal.backend=kafka") && error.getMessage().contains("peer links"),
                error.getMessage());
            child.awaitClosed();
        }
    }

    /** {@code GET /terminal?id=ID} of a node, as JSON. */
    private static JsonNode place(final Router node, final String terminalId) throws Exception
    {
        final var response = AdminHttp.get(node.adminPort(), "/terminal?id=" + terminalId);
        assertEquals(200, response.status(), response.body());
        return new ObjectMapper().readTree(response.body());
    }

    /** {@code GET /terminal?id=ID} of a node once it satisfies {@code wanted}, within 10 s. */
    private static JsonNode awaitPlace(final Router node, final String terminalId,
        final java.util.function.Predicate<JsonNode> wanted) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonNode p = place(node, terminalId);
        while (!wanted.test(p))
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("place of " + terminalId + " not as wanted within 10 s: " + p);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // the session closes on its own event loop
            p = place(node, terminalId);
        }
        return p;
    }

    private static KafkaCursorStore store(final Router node)
    {
        return ((NodeTerminals)node.cursors()).store();
    }

    /** Waits (bounded) until the node's reader has read a cursor of the terminal that satisfies {@code wanted}. */
    private static void awaitCursor(final KafkaCursorStore store, final String terminalId, final LongPredicate wanted)
        throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true)
        {
            store.caughtUp().get(10, TimeUnit.SECONDS);
            final TerminalSnapshot s = store.snapshot(terminalId);
            if (s != null && s.cursor() != null && wanted.test(s.cursor().cursor()))
            {
                return;
            }
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("cursor of " + terminalId + " not as wanted within 10 s: " + s);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // the writer flushes on its own schedule
        }
    }
}
