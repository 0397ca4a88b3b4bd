package io.emcomm.router;

import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.NackReason;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.PublishNack;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.journal.JournalRetention;
import io.emcomm.testing.AdminHttp;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.emcomm.testing.AdminHttp.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 7: retention deletes whole roll files by age, holds what a lagging durable cursor still needs (and
 * says so in the metrics), lets the laggard catch up completely, then deletes. The journal rolls hourly on a
 * clock the test moves, so six hours pass in milliseconds.
 */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class RetentionTest
{
    private static final long HOUR_MS = 3_600_000L;

    @TempDir
    Path dir;

    private static RouterConfig.Builder config(final Path dir)
    {
        // retention runs only when the test says (runRetention), apart from the pass at start
        return RouterConfig.loopback(dir).rollCycle("FAST_HOURLY").retentionHours(2).retentionIntervalMs(86_400_000);
    }

    @Test
    void ageLimitHoldsWhatALaggingCursorNeedsThenDeletes() throws Exception
    {
        final SetTimeProvider time = new SetTimeProvider(Instant.parse("2026-05-01T00:10:00Z"));
        try (Router router = Router.start(new Router.Context()
                .config(config(dir).build())
                .journalTime(time));
             TestTerminal uav = TestTerminal.login(router.port(), "uav-1", TerminalKind.AIR, "520102"))
        {
            // hours 0 and 1: the county post is online and acknowledges everything
            try (TestTerminal post = TestTerminal.login(router.port(), "cp-520102", TerminalKind.COMMAND_POST, "520102"))
            {
                for (int hour = 0; hour < 2; hour++)
                {
                    for (int i = 0; i < 3; i++)
                    {
                        uav.publish(uav.text("h" + hour + " #" + i, Precedence.ROUTINE, "up:520102").build());
                        post.ack(post.awaitDelivery().getJournalIndex());
                    }
                    time.advanceMillis(HOUR_MS);
                }
                awaitCursor(router, "cp-520102", router.journal().lastIndex());
            }
            // hours 2 to 5: the post is offline; its backlog grows
            final List<String> backlog = new ArrayList<>();
            for (int hour = 2; hour < 6; hour++)
            {
                for (int i = 0; i < 3; i++)
                {
                    uav.publish(uav.text("h" + hour + " #" + i, Precedence.ROUTINE, "up:520102").build());
                    backlog.add("h" + hour + " #" + i);
                }
                time.advanceMillis(HOUR_MS);
            }
            uav.publish(uav.text("h6", Precedence.ROUTINE, "up:520102").build());
            backlog.add("h6");
            assertEquals(7, rollFiles(dir).size(), "one roll file per hour 0..6");

            // now 06:10: hours 0..3 ended two hours ago or more. Hour 0 goes; 1..3 are held for the post's cursor
            // (its last ack is in hour 1). uav-1 never receives anything but is live and caught up: it holds nothing.
            final OperatorServices ops = router.operations();
            assertEquals(1, ops.runRetention());
            final JournalRetention retention = ops.retention();
            assertEquals(3, retention.heldFiles());
            assertEquals(6, rollFiles(dir).size());
            final String scrape = AdminHttp.get(router.adminPort(), "/metrics").body();
            assertEquals(3, sample(scrape, "emcomm_retention_held_files"));
            assertEquals(1, sample(scrape, "emcomm_retention_deleted_files_total"));
            assertEquals(6, sample(scrape, "emcomm_journal_files"));

            // the post comes back: its whole backlog arrives, nothing deleted was needed
            try (TestTerminal post = TestTerminal.login(router.port(), "cp-520102", TerminalKind.COMMAND_POST, "520102"))
            {
                final List<String> got = new ArrayList<>();
                for (int i = 0; i < backlog.size(); i++)
                {
                    final Delivery d = post.awaitDelivery();
                    got.add(d.getEnvelope().getText().getText());
                    post.ack(d.getJournalIndex());
                }
                assertEquals(backlog, got);
                awaitCursor(router, "cp-520102", router.journal().lastIndex());
                assertEquals(3, ops.runRetention(), "caught up: hours 1..3 go");
                assertEquals(0, retention.heldFiles());
                assertEquals(3, rollFiles(dir).size());
                assertTrue(router.journal().firstIndex() > 0);
            }
        }
    }

    @Test
    void sizeLimitWinsOverACursorAndCountsTheOverrun() throws Exception
    {
        final SetTimeProvider time = new SetTimeProvider(Instant.parse("2026-05-01T00:10:00Z"));
        // a 1 MiB limit: every hourly roll file is larger than that on its own
        try (Router router = Router.start(new Router.Context()
                .config(config(dir).retentionHours(0).retentionMb(1).build())
                .journalTime(time));
             TestTerminal uav = TestTerminal.login(router.port(), "uav-1", TerminalKind.AIR, "520102"))
        {
            try (TestTerminal post = TestTerminal.login(router.port(), "cp-520102", TerminalKind.COMMAND_POST, "520102"))
            {
                // logged in once, never acknowledges: its cursor stays before everything
            }
            for (int hour = 0; hour < 3; hour++)
            {
                uav.publish(uav.text("h" + hour, Precedence.ROUTINE, "up:520102").build());
                time.advanceMillis(HOUR_MS);
            }
            assertEquals(3, rollFiles(dir).size());
            assertEquals(2, router.operations().runRetention());
            assertEquals(1, rollFiles(dir).size(), "the file being written is never deleted");
            final String scrape = AdminHttp.get(router.adminPort(), "/metrics").body();
            assertEquals(2, sample(scrape, "emcomm_retention_cursor_overrun_files_total"));
            // the post resumes from the oldest message still held
            try (TestTerminal post = TestTerminal.login(router.port(), "cp-520102", TerminalKind.COMMAND_POST, "520102"))
            {
                assertEquals("h2", post.awaitDelivery().getEnvelope().getText().getText());
            }
        }
    }

    @Test
    void diskGuardNacksBeforeTheDiskIsFull() throws Exception
    {
        // a minimum larger than any disk: the guard refuses from the start
        try (Router router = Router.start(new Router.Context()
                .config(RouterConfig.loopback(dir).diskMinFreeMb(1L << 40).build()));
             TestTerminal uav = TestTerminal.login(router.port(), "uav-1", TerminalKind.AIR, "520102"))
        {
            final PublishNack nack = uav.publishExpectingNack(uav.text("x", Precedence.FLASH, "up:520102").build());
            assertEquals(NackReason.JOURNAL_UNAVAILABLE, nack.getReason());
            assertTrue(nack.getDetail().matches("disk nearly full: \\d+ MiB free, minimum 1099511627776"), nack.getDetail());
            assertEquals(-1, router.journal().lastIndex(), "nothing journaled");
            assertFalse(router.isAccepting());
            final AdminHttp.Response ready = AdminHttp.get(router.adminPort(), "/ready");
            assertEquals(503, ready.status());
            assertTrue(ready.body().contains("disk nearly full"), ready.body());
            assertEquals(1, sample(AdminHttp.get(router.adminPort(), "/metrics").body(),
                "emcomm_nacks_total{reason=\"journal_unavailable\"}"));
        }
    }

    private static List<Path> rollFiles(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.list(dir.resolve("journal")))
        {
            return files.filter(p -> p.toString().endsWith(".cq4")).sorted().toList();
        }
    }

    /** Acks are handled on the session's event loop: wait, bounded, for the durable cursor to reach {@code index}. */
    private static void awaitCursor(final Router router, final String terminal, final long index)
    {
        final long deadline = System.nanoTime() + 5_000_000_000L;
        while (router.cursors().terminal(terminal, -1).cursor() < index)
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError(terminal + " cursor did not reach " + index);
            }
            Thread.onSpinWait();
        }
    }
}
