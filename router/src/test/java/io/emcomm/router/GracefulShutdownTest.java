package io.emcomm.router;

import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.protocol.wire.Error;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.PublishAck;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Welcome;
import io.emcomm.router.journal.JournalEntry;
import io.emcomm.router.journal.JournalReader;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 7: a router closed (as on SIGTERM) while publishers stream without waiting for acks. Every publish a
 * client saw acknowledged is in the journal after a restart, at the index its ack named; every session got
 * GOING_AWAY (SHUTTING_DOWN) as its last frame; the port stops accepting.
 */
@Timeout(90)
@ExtendWith(LeakWatch.class)
class GracefulShutdownTest
{
    private static final int PUBLISHERS = 3;
    private static final int ACKS_BEFORE_CLOSE = 300;
    /** Publishes each client keeps outstanding, as a real client's window does. */
    private static final int WINDOW = 128;
    /** Writers and readers block: each gets its own thread (the common pool may have only one). */
    private static final java.util.concurrent.Executor THREAD_PER_TASK = task ->
    {
        final Thread t = new Thread(task, "streamer");
        t.setDaemon(true);
        t.start();
    };

    @TempDir
    Path dir;

    /** One streaming publisher: a writer that never waits and a reader that collects acks until GOING_AWAY. */
    private static final class Streamer
    {
        final TestTerminal terminal;
        final AtomicLong sent = new AtomicLong();
        final Map<Long, Long> acked = new HashMap<>();
        final CountDownLatch warm = new CountDownLatch(1);
        final Semaphore window = new Semaphore(WINDOW);
        volatile Error goingAway;
        CompletableFuture<Void> writer;
        CompletableFuture<Void> reader;

        Streamer(final TestTerminal terminal)
        {
            this.terminal = terminal;
        }

        void start()
        {
            writer = CompletableFuture.runAsync(() ->
            {
                try
                {
                    while (goingAway == null)
                    {
                        if (!window.tryAcquire(10, TimeUnit.MILLISECONDS))
                        {
                            continue;
                        }
                        terminal.publishNoWait(terminal.text("report " + sent.get(), Precedence.ROUTINE, "up:520102").build());
                        sent.incrementAndGet();
                    }
                }
                catch (final IOException expected)
                {
                    // the router closed the connection under the writer
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }, THREAD_PER_TASK);
            reader = CompletableFuture.runAsync(() ->
            {
                while (true)
                {
                    final TestTerminal.Frame f = terminal.nextControl();
                    if (f.type() == FrameType.PUBLISH_ACK_VALUE)
                    {
                        final PublishAck ack = TestTerminal.parse(f, PublishAck.parser());
                        acked.put(ack.getOriginSequence(), ack.getJournalIndex());
                        window.release();
                        if (acked.size() == ACKS_BEFORE_CLOSE)
                        {
                            warm.countDown();
                        }
                    }
                    else if (f.type() == FrameType.GOING_AWAY_VALUE)
                    {
                        goingAway = TestTerminal.parse(f, Error.parser());
                        return;
                    }
                    else
                    {
                        throw new AssertionError("unexpected " + f.frameType());
                    }
                }
            }, THREAD_PER_TASK);
        }
    }

    @Test
    void everyAckedPublishSurvivesACloseInFlight() throws Exception
    {
        final Streamer[] streamers = new Streamer[PUBLISHERS];
        final int port;
        try (Router router = Router.start(Router.Context.loopback(dir)))
        {
            port = router.port();
            for (int i = 0; i < PUBLISHERS; i++)
            {
                streamers[i] = new Streamer(TestTerminal.login(router.port(), "uav-" + i, TerminalKind.AIR, "520102"));
            }
            for (final Streamer s : streamers)
            {
                s.start();
            }
            for (final Streamer s : streamers)
            {
                assertTrue(s.warm.await(30, TimeUnit.SECONDS), "publisher warmed up");
            }
            router.close(); // while the writers are still writing
            assertFalse(router.isAccepting());
        }
        long acked = 0;
        long sent = 0;
        for (final Streamer s : streamers)
        {
            s.reader.get(10, TimeUnit.SECONDS);
            s.writer.get(10, TimeUnit.SECONDS);
            assertEquals(ErrorCode.SHUTTING_DOWN, s.goingAway.getCode());
            assertTrue(s.goingAway.getFatal());
            s.terminal.awaitClosed();
            s.terminal.close();
            acked += s.acked.size();
            sent += s.sent.get();
        }
        assertTrue(sent > acked, "publishes were in flight at close: sent " + sent + ", acked " + acked);
        assertThrows(ConnectException.class, () -> TestTerminal.connect(port), "port closed");

        try (Router again = Router.start(Router.Context.loopback(dir)))
        {
            final Map<String, Map<Long, Long>> journaled = new HashMap<>();
            final EnvelopeHeader header = new EnvelopeHeader();
            final JournalEntry entry = new JournalEntry();
            try (JournalReader reader = again.journal().newReader())
            {
                reader.toStart();
                while (reader.next(entry))
                {
                    assertTrue(header.wrap(Unpooled.wrappedBuffer(entry.envelope(), 0, entry.envelopeLength()), 0, entry.envelopeLength()));
                    journaled.computeIfAbsent(header.origin(), k -> new HashMap<>()).put(header.originSequence(), entry.index());
                }
            }
            for (int i = 0; i < PUBLISHERS; i++)
            {
                final Map<Long, Long> inJournal = journaled.getOrDefault("uav-" + i, Map.of());
                for (final Map.Entry<Long, Long> ack : streamers[i].acked.entrySet())
                {
                    assertEquals(ack.getValue(), inJournal.get(ack.getKey()), "uav-" + i + " seq " + ack.getKey() + " acked but not journaled");
                }
                try (TestTerminal t = TestTerminal.connect(again.port()))
                {
                    final Welcome w = t.hello("uav-" + i, TerminalKind.AIR, "520102");
                    final long highestAcked = streamers[i].acked.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
                    assertTrue(w.getLastOriginSequence() >= highestAcked, "WELCOME continues after the last acked sequence");
                }
            }
        }
    }
}
