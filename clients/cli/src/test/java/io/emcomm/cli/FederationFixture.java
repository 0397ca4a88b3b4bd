package io.emcomm.cli;

import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.testing.TcpRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static io.emcomm.cli.ListeningTerminal.from;
import static io.emcomm.cli.ListeningTerminal.textStartingWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What issue 16's acceptance tests share: three routers (province 52, city 5201, county 520102 on a {@code vsat} uplink
 * through a {@link io.emcomm.testing.TcpRelay}) in child processes started through {@code emcomm router}, one
 * federation per test class (starting three JVMs is most of the cost), and terminals logged in to each over TCP. Each
 * test logs in terminals of its own, named after the test ({@link #t}), and counts only messages from its own origins,
 * so what an earlier test left crossing cannot make a later one pass or fail. {@link #heal()} brings back whatever a
 * failed test left down (a killed router, a cut link).
 *
 * <p>Every wait is for an outcome (a delivery, an ack, a redial the relay saw) with a deadline; nothing sleeps for
 * synchronisation. The routers' output is kept in {@code target/federation-process/<start>/*.log}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
abstract class FederationFixture
{
    static final Duration CROSS = Duration.ofSeconds(30);
    /** After a kill -9: the city restarts, both its links are redialled with backoff, the backlog crosses. */
    static final Duration RECOVER = Duration.ofSeconds(60);
    static final String VILLAGE_REGION = "520102001001";
    private static final AtomicInteger TESTS = new AtomicInteger();

    RouterTree tree;
    private final List<AutoCloseable> terminals = new ArrayList<>();
    /** This test's suffix for terminal ids: t1, t2, ... */
    String t;

    @BeforeAll
    void startFederation() throws IOException
    {
        final Path dir = Path.of("target", "federation-process", getClass().getSimpleName() + "-" + System.currentTimeMillis());
        Files.createDirectories(dir);
        tree = RouterTree.start(dir.toAbsolutePath(), "vsat");
    }

    @AfterAll
    void stopFederation()
    {
        if (tree != null)
        {
            tree.close();
        }
    }

    @AfterEach
    void heal() throws Exception
    {
        for (final AutoCloseable c : terminals)
        {
            c.close();
        }
        terminals.clear();
        tree.heal();
    }



    /** The command posts of the three levels and a village terminal under the county, named after the test. */
    final class Posts
    {
        final ListeningTerminal province;
        /** Not final: its connection dies with the city router, and it logs in again when the city is back. */
        ListeningTerminal city;
        /** Not final: these die with the county router and log in again when it is back. */
        ListeningTerminal county;
        ListeningTerminal village;

        Posts() throws IOException
        {
            province = login(tree.province(), "cp-52-" + t, TerminalKind.COMMAND_POST, "52");
            city = login(tree.city(), "cp-5201-" + t, TerminalKind.COMMAND_POST, "5201");
            county = login(tree.county(), "cp-520102-" + t, TerminalKind.COMMAND_POST, "520102");
            village = login(tree.county(), "vil-" + t, TerminalKind.GROUND, VILLAGE_REGION);
        }

        /**
         * Both links carry this test's traffic: a probe up the chain from the village reaches the city and province
         * posts, one down from the province reaches the county post and the village.
         */
        void linked() throws IOException, InterruptedException
        {
            village.publish(village.text("probe up", Precedence.ROUTINE, "up:" + VILLAGE_REGION).build());
            province.publish(province.text("probe down", Precedence.ROUTINE, "region:520102").build());
            city.await(textStartingWith("probe up"), 1, CROSS);
            province.await(textStartingWith("probe up"), 1, CROSS);
            county.await(textStartingWith("probe down"), 1, CROSS);
            village.await(textStartingWith("probe down"), 1, CROSS);
        }

        /**
         * End markers sent after the test's traffic through the same links, awaited: a copy of anything earlier
         * that was going to arrive twice had the time of a further round across the tree to show up.
         */
        void endMarkersArrived() throws IOException, InterruptedException
        {
            village.publish(village.text("end up", Precedence.ROUTINE, "up:" + VILLAGE_REGION).build());
            province.publish(province.text("end down", Precedence.ROUTINE, "region:520102").build());
            city.await(textStartingWith("end up"), 1, CROSS);
            province.await(textStartingWith("end up"), 1, CROSS);
            county.await(textStartingWith("end down"), 1, CROSS);
            village.await(textStartingWith("end down"), 1, CROSS);
        }
    }

    /** Logs in this test's posts and waits until both links carry their traffic. */
    Posts posts() throws IOException, InterruptedException
    {
        t = "t" + TESTS.incrementAndGet();
        final Posts p = new Posts();
        p.linked();
        return p;
    }

    ListeningTerminal login(final ChildCliRouter router, final String id, final TerminalKind kind, final String region)
        throws IOException
    {
        final ListeningTerminal term = ListeningTerminal.login(router.port(), id, kind, region);
        terminals.add(term);
        return term;
    }

    static List<Envelope> texts(final ListeningTerminal from, final int count, final String prefix,
        final Precedence precedence, final String... to)
    {
        final List<Envelope> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            out.add(from.text(prefix + " " + i, precedence, to).build());
        }
        return out;
    }

    /** Every message {@code which} accepts arrived at {@code at} exactly once, and there are {@code count} of them. */
    static void assertOnce(final ListeningTerminal at, final Predicate<Delivery> which, final int count)
    {
        final Map<String, Integer> times = at.timesReceived(which);
        assertEquals(count, times.size(), at.id() + " got " + times.size() + " distinct messages, expected " + count);
        final List<String> twice = times.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        assertTrue(twice.isEmpty(), at.id() + " got these more than once: " + twice);
    }



    /** Returns once the wall clock has passed {@code micros}: the condition an expiry test waits for is time itself. */
    static void awaitWallClockPast(final long micros) throws InterruptedException
    {
        long leftMs;
        while ((leftMs = micros / 1000 - System.currentTimeMillis()) > 0)
        {
            Thread.sleep(leftMs);
        }
    }

    static void awaitFileMentions(final Path file, final String text) throws InterruptedException
    {
        final long deadline = System.nanoTime() + CROSS.toNanos();
        String last = "(no file)";
        while (System.nanoTime() < deadline)
        {
            try
            {
                last = Files.readString(file, StandardCharsets.UTF_8);
                if (last.contains("\"" + text + "\""))
                {
                    return;
                }
            }
            catch (final IOException ex)
            {
                last = "(" + ex + ")";
            }
            synchronized (file)
            {
                file.wait(50); // polling a file another process rewrites: no event to wait on
            }
        }
        throw new AssertionError(file + " never listed " + text + "; last read: " + last);
    }
}
