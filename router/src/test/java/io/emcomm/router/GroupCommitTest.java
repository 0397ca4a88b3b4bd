package io.emcomm.router;

import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Heartbeat;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.PublishAck;
import io.emcomm.router.config.JournalSync;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.journal.JournalSyncer;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static io.emcomm.protocol.wire.TerminalKind.COMMAND_POST;
import static io.emcomm.protocol.wire.TerminalKind.GROUND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Group commit with {@code emcomm.journal.sync=batch} (issue 14), over real TCP against a real Chronicle journal:
 * while the journal's syncer is held, the event loop keeps reading (other connections of the same loop are answered
 * and their publishes journaled) but no PUBLISH_ACK and no delivery of a held message leaves; when the sync is
 * released, one force covers every connection's pending batch, and only then do the acks and deliveries go out.
 * One I/O thread, so every connection shares the loop.
 */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class GroupCommitTest
{
    @TempDir
    Path dir;

    @Test
    void nothingLeavesBeforeTheSyncThatCoversItAndOneSyncServesEveryConnectionOfTheLoop() throws Exception
    {
        final RouterConfig config = RouterConfig.loopback(dir.resolve("data")).journalSync(JournalSync.BATCH).ioThreads(1).build();
        try (Router router = Router.start(Router.Context.loopback(dir.resolve("data")).config(config));
             TestTerminal listener = TestTerminal.login(router.port(), "cp-5201", COMMAND_POST, "5201");
             TestTerminal van = TestTerminal.login(router.port(), "van-1", GROUND, "520102");
             TestTerminal truck = TestTerminal.login(router.port(), "truck-2", GROUND, "520102"))
        {
            final JournalSyncer syncer = router.journal().syncer();
            assertNotNull(syncer, "sync=batch on Chronicle commits through the syncer");
            listener.subscribe("channel:flood.5201");
            syncer.awaitDurable(syncer.requestedIndex()); // nothing in flight from the logins
            syncer.hold();
            final long forcesBefore = syncer.forces();

            final long before = router.journal().lastIndex();
            van.publishNoWait(van.text("water rising", Precedence.ROUTINE, "channel:flood.5201").build());
            final CompletableFuture<PublishAck> vanAck = CompletableFuture.supplyAsync(van::awaitAck);
            awaitCondition(() -> router.journal().lastIndex() > before && syncer.requestedIndex() >= router.journal().lastIndex(),
                "van-1's publish is journaled and its batch has asked for a sync");
            final long vanIndex = router.journal().lastIndex();

            // the loop reads on: another connection is answered while van-1's sync is held
            for (int i = 0; i < 3; i++)
            {
                truck.send(FrameType.HEARTBEAT, Heartbeat.newBuilder().setSentAtMicros(1).build());
                truck.expectControl(FrameType.HEARTBEAT, Heartbeat.parser());
                listener.send(FrameType.HEARTBEAT, Heartbeat.newBuilder().setSentAtMicros(1).build());
                listener.expectControl(FrameType.HEARTBEAT, Heartbeat.parser());
            }
            assertFalse(vanAck.isDone(), "van-1's ack left before the sync of index " + vanIndex);
            assertFalse(listener.hasDeliveryQueued(), "the message was delivered before its sync");

            // and its publishes are read and journaled too, waiting for the same sync
            truck.publishNoWait(truck.text("road closed", Precedence.ROUTINE, "channel:flood.5201").build());
            final CompletableFuture<PublishAck> truckAck = CompletableFuture.supplyAsync(truck::awaitAck);
            awaitCondition(() -> router.journal().lastIndex() > vanIndex && syncer.requestedIndex() >= router.journal().lastIndex(),
                "truck-2's publish is journaled and its batch has asked for a sync");
            assertTrue(syncer.durableIndex() < vanIndex, "nothing was synced while held");
            assertEquals(forcesBefore, syncer.forces());
            assertFalse(vanAck.isDone());
            assertFalse(truckAck.isDone());

            syncer.release();
            final PublishAck first = vanAck.get(10, TimeUnit.SECONDS);
            final PublishAck second = truckAck.get(10, TimeUnit.SECONDS);
            assertEquals(vanIndex, first.getJournalIndex());
            assertTrue(syncer.durableIndex() >= second.getJournalIndex(), "acked only once durable");
            assertEquals(forcesBefore + 1, syncer.forces(), "one sync covered both connections' batches");
            final Delivery d1 = listener.awaitDelivery();
            final Delivery d2 = listener.awaitDelivery();
            assertEquals("water rising", d1.getEnvelope().getText().getText());
            assertEquals("road closed", d2.getEnvelope().getText().getText());
        }
    }

    @Test
    void acksOfOneConnectionKeepTheirOrderAcrossHeldBatches() throws Exception
    {
        final RouterConfig config = RouterConfig.loopback(dir.resolve("data")).journalSync(JournalSync.BATCH).ioThreads(1).build();
        try (Router router = Router.start(Router.Context.loopback(dir.resolve("data")).config(config));
             TestTerminal van = TestTerminal.login(router.port(), "van-1", GROUND, "520102"))
        {
            final java.util.List<Long> indexes = van.publishMany(500, "level", Precedence.ROUTINE, "channel:flood.5201");
            for (int i = 1; i < indexes.size(); i++)
            {
                assertTrue(indexes.get(i) > indexes.get(i - 1), "ack " + i + " out of order: " + indexes);
            }
            assertTrue(router.journal().syncer().durableIndex() >= indexes.get(indexes.size() - 1));
        }
    }

    private static void awaitCondition(final BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TestTerminal.TIMEOUT_MS);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("not within " + TestTerminal.TIMEOUT_MS + " ms: " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
