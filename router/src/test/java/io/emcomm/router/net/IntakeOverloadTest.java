package io.emcomm.router.net;

import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.router.Router;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static io.emcomm.protocol.wire.TerminalKind.COMMAND_POST;
import static io.emcomm.protocol.wire.TerminalKind.GROUND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Precedence under overload (delivery.md, "When the router is overloaded"), over TCP against the real router:
 * while its event loops lag, a ROUTINE flood to a slow command post is paused and resumed (TCP back-pressure),
 * and FLASH from other connections, and from a connection that mixes FLASH with ROUTINE, is still read,
 * journaled, acknowledged and delivered ahead of the ROUTINE waiting for the same post; every ROUTINE is still
 * acknowledged and delivered once, nothing lost.
 *
 * <p>The overload is made real, not simulated in the governor: a task keeps one of the router's event loops busy
 * (3 ms of every 6), so its probe runs late, as when the router's CPU is the bottleneck.
 */
@Timeout(120)
@ExtendWith(LeakWatch.class)
class IntakeOverloadTest
{
    private static final int ROUTINE = 3000;
    private static final int FLASH = 20;
    private static final int MIXED = 20;
    private static final int IN_FLIGHT = 16;
    private static final String CHANNEL = "channel:orders";

    @TempDir
    Path dir;

    @Test
    void underARoutineFloodFlashIsReadAndDeliveredAheadAndRoutinePausesWithoutLoss() throws Exception
    {
        try (Router router = Router.start(new Router.Context().config(RouterConfig.loopback(dir)
                .intakeLagMs(1).intakePauseMaxMs(50).inFlightLimit(IN_FLIGHT).build()));
             TestTerminal post = TestTerminal.connectWithReceiveBuffer(router.port(), 4096);
             TestTerminal routine = TestTerminal.login(router.port(), "veh-r", GROUND, "520102");
             TestTerminal flash = TestTerminal.login(router.port(), "veh-f", GROUND, "520102");
             TestTerminal mixed = TestTerminal.login(router.port(), "veh-m", GROUND, "520102"))
        {
            post.hello("cp-5201", COMMAND_POST, "5201");
            post.subscribe(CHANNEL);
            post.pauseReading(); // a slow post: the flood overruns it
            final IntakeGate routineGate = gate(router, "veh-r");
            final IntakeGate flashGate = gate(router, "veh-f");
            final IntakeGate mixedGate = gate(router, "veh-m");

            // FLASH traffic on the router: what ROUTINE yields to (with none for 10 s, nothing is paused)
            final long firstFlash = flash.publish(flash.text("flash before the flood", Precedence.FLASH, CHANNEL).build())
                .getJournalIndex();
            final Overload overload = new Overload(router.routingTable().terminal("cp-5201").channel().eventLoop());
            final List<io.emcomm.protocol.wire.Envelope> flood = new ArrayList<>();
            for (int i = 0; i < ROUTINE; i++)
            {
                flood.add(routine.text("routine " + i + " " + "r".repeat(200), Precedence.ROUTINE, CHANNEL).build());
            }
            final CompletableFuture<List<Long>> routineAcked = CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    for (final var envelope : flood)
                    {
                        routine.publishNoWait(envelope); // blocks while the router does not read: back-pressure
                    }
                    final List<Long> indexes = new ArrayList<>();
                    for (int i = 0; i < ROUTINE; i++)
                    {
                        indexes.add(routine.awaitAck().getJournalIndex());
                    }
                    return indexes;
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
            });
            await(() -> routineGate.pauses() > 0, "the ROUTINE publisher is paused while the router is overloaded");

            final Set<Long> flashIndexes = new LinkedHashSet<>();
            flashIndexes.add(firstFlash);
            for (int i = 0; i < FLASH; i++)
            {
                flashIndexes.add(flash.publish(flash.text("flash " + i, Precedence.FLASH, CHANNEL).build()).getJournalIndex());
            }
            final Set<Long> mixedRoutine = new HashSet<>();
            for (int i = 0; i < MIXED; i++)
            {
                flashIndexes.add(mixed.publish(mixed.text("mixed flash " + i, Precedence.FLASH, CHANNEL).build()).getJournalIndex());
                mixedRoutine.add(mixed.publish(mixed.text("mixed routine " + i, Precedence.ROUTINE, CHANNEL).build()).getJournalIndex());
            }
            final int routinePausesMeanwhile = routineGate.pauses();
            overload.stop();

            final List<Long> routineIndexes = routineAcked.get(60, TimeUnit.SECONDS);
            assertEquals(ROUTINE, new HashSet<>(routineIndexes).size(), "every ROUTINE publish acknowledged once");
            assertEquals(0, flashGate.pauses(), "a FLASH publisher is never paused");
            assertEquals(0, mixedGate.pauses(), "a connection mixing FLASH and ROUTINE is never paused");
            assertTrue(routinePausesMeanwhile > 0);
            await(() -> !routineGate.isPaused() && routineGate.resumes() == routineGate.pauses(),
                "every pause of the ROUTINE publisher ended once the loops drained");

            post.resumeReading();
            final List<Delivery> received = new ArrayList<>();
            final int expected = ROUTINE + 1 + FLASH + 2 * MIXED;
            for (int i = 0; i < expected; i++)
            {
                received.add(post.awaitAndAck());
            }
            final Set<Long> delivered = new HashSet<>();
            int lastFlashPosition = -1;
            for (int i = 0; i < received.size(); i++)
            {
                final long index = received.get(i).getJournalIndex();
                assertTrue(delivered.add(index), "no duplicate: " + index);
                if (flashIndexes.contains(index))
                {
                    lastFlashPosition = i;
                }
            }
            final Set<Long> routineExpected = new HashSet<>(routineIndexes);
            routineExpected.addAll(mixedRoutine);
            assertTrue(delivered.containsAll(flashIndexes), "every FLASH delivered");
            assertTrue(delivered.containsAll(routineExpected), "every ROUTINE delivered, nothing lost");
            // Only the ROUTINE already written under the in-flight limit can be ahead of a FLASH: everything else
            // the post had waiting (thousands) comes after the last FLASH.
            assertTrue(lastFlashPosition < IN_FLIGHT + 1 + FLASH + MIXED, "FLASH ahead of the queued ROUTINE: the last "
                + "FLASH was delivery #" + lastFlashPosition + " of " + expected);
            assertEquals(0, router.counters().nacked(), "nothing refused");
        }
    }

    private static IntakeGate gate(final Router router, final String terminalId)
    {
        return router.routingTable().terminal(terminalId).channel().pipeline().get(SessionHandler.class).intake();
    }

    private static void await(final BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                fail("timed out waiting until " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** Keeps an event loop busy 3 ms of every 6, as a saturated CPU would: its lag probe runs late. */
    private static final class Overload
    {
        private final io.netty.util.concurrent.ScheduledFuture<?> task;

        Overload(final EventLoop loop)
        {
            task = loop.scheduleAtFixedRate(() ->
            {
                final long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3);
                while (System.nanoTime() - until < 0)
                {
                    Thread.onSpinWait();
                }
            }, 0, 6, TimeUnit.MILLISECONDS);
        }

        void stop()
        {
            task.cancel(false);
        }
    }
}
