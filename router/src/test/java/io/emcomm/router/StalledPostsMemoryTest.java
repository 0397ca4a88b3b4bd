package io.emcomm.router;

import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.router.crash.ChildRouter;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static io.emcomm.protocol.wire.TerminalKind.COMMAND_POST;
import static io.emcomm.protocol.wire.TerminalKind.GROUND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, kind 6 as reported: three posts stop reading while 60 KB messages addressed to them keep coming, on a
 * router in {@code -Xmx192m} with 128 MB of direct memory and the default budgets (derived from that). The router
 * used to hold every message for the stalled posts in memory until direct memory ran out in the publisher's read
 * (~2,250 publishes), closed the publisher with INTERNAL, and a healthy post got 15 of 30 status messages. The
 * stalled posts must pay instead: they fall back to the journal by bytes, and lose nothing.
 */
@Timeout(300)
class StalledPostsMemoryTest
{
    private static final List<String> SMALL_JVM = List.of("-Xmx192m", "-XX:MaxDirectMemorySize=128m");
    /** 3,000 x 60 KB = 180 MB for each stalled post: more than the router's whole direct memory. */
    private static final int FLOOD = 3_000;
    private static final int STATUS_EVERY = 100;
    private static final int STATUS = FLOOD / STATUS_EVERY;
    private static final int PUBLISHES_IN_FLIGHT = 32;

    @TempDir
    Path dir;

    @Test
    void stalledPostsFallBackByBytesWhileThePublisherAndAHealthyPostCarryOn() throws Exception
    {
        final String big = "x".repeat(60_000);
        try (ChildRouter router = ChildRouter.start(dir, SMALL_JVM))
        {
            final List<TestTerminal> stalled = new ArrayList<>();
            try (TestTerminal healthy = TestTerminal.login(router.port(), "cp-ok", COMMAND_POST, "5202");
                 TestTerminal publisher = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
            {
                for (final String id : List.of("cp-a", "cp-b", "cp-c"))
                {
                    final TestTerminal t = TestTerminal.connectWithReceiveBuffer(router.port(), 4096);
                    t.hello(id, COMMAND_POST, "5201");
                    t.pauseReading();
                    stalled.add(t);
                }
                final Set<Long> floodIndexes = new TreeSet<>();
                int sent = 0;
                int acked = 0;
                for (int i = 0; i < FLOOD; i++)
                {
                    publisher.publishNoWait(publisher.text(big, Precedence.ROUTINE, "terminal:cp-a", "terminal:cp-b", "terminal:cp-c").build());
                    sent++;
                    if (i % STATUS_EVERY == 0)
                    {
                        publisher.publishNoWait(publisher.text("status " + i / STATUS_EVERY, Precedence.ROUTINE, "terminal:cp-ok").build());
                        sent++;
                    }
                    while (sent - acked > PUBLISHES_IN_FLIGHT)
                    {
                        // an ERROR (INTERNAL) or PUBLISH_NACK instead of the ack fails here, naming what came
                        floodIndexes.add(publisher.awaitAck().getJournalIndex());
                        acked++;
                    }
                }
                while (acked < sent)
                {
                    floodIndexes.add(publisher.awaitAck().getJournalIndex());
                    acked++;
                }
                assertEquals(FLOOD + STATUS, floodIndexes.size(), "every publish was journaled and acknowledged");
                publisher.sync();
                assertFalse(publisher.isClosedByPeer(), "the publisher's session is still open");

                final Set<String> statusSeen = new HashSet<>();
                for (int i = 0; i < STATUS; i++)
                {
                    final Delivery d = healthy.awaitAndAck();
                    statusSeen.add(d.getEnvelope().getText().getText());
                }
                assertEquals(STATUS, statusSeen.size(), "the healthy post got every status message: " + statusSeen);
                assertTrue(router.isAlive(), "the router is still running");
                assertFalse(router.printed("OutOfMemoryError") || router.printed("OutOfDirectMemoryError"),
                    "the router never ran out of memory:\n" + router.output());

                // The stalled posts lost nothing: the first one reads again and gets all 3,000 from the journal.
                final TestTerminal first = stalled.get(0);
                first.resumeReading();
                final Set<Long> got = new HashSet<>();
                for (int i = 0; i < FLOOD; i++)
                {
                    final Delivery d = first.awaitAndAck();
                    assertTrue(got.add(d.getJournalIndex()), "no duplicate: " + d.getJournalIndex());
                    assertEquals(big.length(), d.getEnvelope().getText().getText().length());
                }
                assertEquals(FLOOD, got.size(), "the post that stopped reading gets every message once it reads again");
                assertFalse(first.isClosedByPeer());
            }
            finally
            {
                for (final TestTerminal t : stalled)
                {
                    t.close();
                }
            }
        }
    }
}
