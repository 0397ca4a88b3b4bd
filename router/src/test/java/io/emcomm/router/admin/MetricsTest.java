package io.emcomm.router.admin;

import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.NackReason;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.PublishNack;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.Router;
import io.emcomm.testing.AdminHttp;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.emcomm.testing.AdminHttp.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 7: scrape /metrics of a running router and find the counters moving; health, ready and status. */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class MetricsTest
{
    @TempDir
    Path dir;

    @Test
    void countersMoveWithTraffic() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal post = TestTerminal.login(router.port(), "cp-5201", TerminalKind.COMMAND_POST, "5201");
             TestTerminal uav = TestTerminal.login(router.port(), "uav-1", TerminalKind.AIR, "520102"))
        {
            final int admin = router.adminPort();
            assertTrue(admin > 0, "admin endpoint bound");
            final String before = AdminHttp.get(admin, "/metrics").body();
            assertEquals(0, sample(before, "emcomm_messages_in_total{precedence=\"flash\"}"));
            assertEquals(1, sample(before, "emcomm_sessions{kind=\"air\"}"));
            assertEquals(1, sample(before, "emcomm_sessions{kind=\"command_post\"}"));

            for (int i = 0; i < 3; i++)
            {
                uav.publish(uav.text("routine " + i, Precedence.ROUTINE, "up:520102").build());
            }
            uav.publish(uav.text("flash", Precedence.FLASH, "up:520102").build());
            final Envelope bad = Envelope.newBuilder().setOrigin("uav-1").setOriginSequence(0).addTo("up:520102").build();
            final PublishNack nack = uav.publishExpectingNack(bad);
            assertEquals(NackReason.BAD_SEQUENCE, nack.getReason());
            for (int i = 0; i < 4; i++)
            {
                post.awaitDelivery(); // the post reads but does not acknowledge: its backlog is 4 unacked
            }

            final String after = AdminHttp.get(admin, "/metrics").body();
            assertEquals(3, sample(after, "emcomm_messages_in_total{precedence=\"routine\"}"));
            assertEquals(1, sample(after, "emcomm_messages_in_total{precedence=\"flash\"}"));
            assertEquals(3, sample(after, "emcomm_messages_out_total{precedence=\"routine\"}"));
            assertEquals(1, sample(after, "emcomm_messages_out_total{precedence=\"flash\"}"));
            assertEquals(5, sample(after, "emcomm_messages_published_total"));
            assertEquals(1, sample(after, "emcomm_nacks_total{reason=\"bad_sequence\"}"));
            assertEquals(0, sample(after, "emcomm_nacks_total{reason=\"journal_unavailable\"}"));
            assertEquals(4, sample(after, "emcomm_fanout_messages_total"));
            assertEquals(4, sample(after, "emcomm_fanout_copies_total"));
            // the first append of every 16 is timed (GuardedJournal): 4 appends, 1 sample
            assertEquals(1, sample(after, "emcomm_journal_append_seconds_count"));
            assertTrue(sample(after, "emcomm_journal_append_seconds_sum") > 0);
            assertEquals(1, sample(after, "emcomm_journal_append_seconds_bucket{le=\"1.0\"}"));
            assertEquals(4, sample(after, "emcomm_backlog_messages{terminal=\"cp-5201\"}"));
            assertEquals(0, sample(after, "emcomm_backlog_messages{terminal=\"uav-1\"}"));
            assertEquals(1, sample(after, "emcomm_ready"));
            assertTrue(sample(after, "emcomm_disk_free_bytes") > 0);

            assertEquals(200, AdminHttp.get(admin, "/health").status());
            assertEquals(200, AdminHttp.get(admin, "/ready").status());
            assertEquals(404, AdminHttp.get(admin, "/nothing").status());
            final String status = AdminHttp.get(admin, "/status").body();
            assertTrue(status.contains("\"router_id\":\"emcomm-1\""), status);
            assertTrue(status.contains("\"total\":2"), status);
            assertTrue(status.contains("{\"terminal\":\"cp-5201\",\"kind\":\"command_post\",\"queued\":0,\"unacked\":4}"), status);
        }
    }

    @Test
    void backlogGaugeGoesWithTheSession() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir)))
        {
            try (TestTerminal t = TestTerminal.login(router.port(), "veh-3", TerminalKind.GROUND, "520113"))
            {
                assertEquals(0, sample(AdminHttp.get(router.adminPort(), "/metrics").body(), "emcomm_backlog_messages{terminal=\"veh-3\"}"));
            }
            final String scrape = awaitScrapeWithout(router.adminPort(), "terminal=\"veh-3\"");
            assertTrue(!scrape.contains("terminal=\"veh-3\""));
            assertEquals(0, sample(scrape, "emcomm_sessions{kind=\"ground\"}"));
        }
    }

    /** The session is unregistered on its event loop after the socket closes: poll the endpoint, bounded. */
    private static String awaitScrapeWithout(final int port, final String text) throws Exception
    {
        final long deadline = System.nanoTime() + 5_000_000_000L;
        while (true)
        {
            final String scrape = AdminHttp.get(port, "/metrics").body();
            if (!scrape.contains(text) || System.nanoTime() > deadline)
            {
                return scrape;
            }
            Thread.onSpinWait();
        }
    }
}
