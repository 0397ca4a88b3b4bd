package io.emcomm.router.net;

import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.router.Router;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.link.PeerLinkHandler;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static io.emcomm.protocol.wire.TerminalKind.AIR;
import static io.emcomm.protocol.wire.TerminalKind.COMMAND_POST;
import static io.emcomm.protocol.wire.TerminalKind.GROUND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Precedence under overload on a peer link (issue 16): the intake governor pauses connections that publish only
 * ROUTINE, but never a peer link's, whose stream carries FLASH among ROUTINE (the sending router's feed already puts
 * FLASH first and caps what is in flight, so the link cannot flood the parent). While the province's event loops
 * really lag, a ROUTINE-only terminal of the province is paused, and a ROUTINE backlog from the city followed by a
 * FLASH still crosses the link in full. Were the link gated, each of its ROUTINE read batches would wait out the
 * longest pause (10 s here) and the backlog would not cross within the test's time.
 */
@Timeout(120)
@ExtendWith(LeakWatch.class)
class PeerLinkIntakeTest
{
    private static final int ROUTINE = 200;

    @TempDir
    Path dir;

    @Test
    void aPeerLinkIsNeverPausedWhileARoutineOnlyTerminalIs() throws Exception
    {
        final int provincePort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")))
        {
            provincePort = s.getLocalPort();
        }
        try (Router province = Router.start(new Router.Context().config(RouterConfig.loopback(dir.resolve("province"))
                .port(provincePort).routerId("province").region("52").intakeLagMs(1).intakePauseMaxMs(10_000).build()));
             Router city = Router.start(new Router.Context().config(RouterConfig.loopback(dir.resolve("city"))
                 .routerId("city").region("5201").uplink("127.0.0.1:" + provincePort, "province")
                 .uplinkReconnectMaxMs(200).build()));
             TestTerminal cp52 = TestTerminal.login(province.port(), "cp-52", COMMAND_POST, "52");
             TestTerminal routine = TestTerminal.login(province.port(), "veh-r", GROUND, "52");
             TestTerminal uav = TestTerminal.login(city.port(), "uav-1", AIR, "520102"))
        {
            await(() -> province.routingTable().peer("city") != null, "the city's link is up");
            final Channel link = province.routingTable().peer("city").channel();
            assertNotNull(link.pipeline().get(PeerLinkHandler.NAME));
            assertNull(link.pipeline().get(SessionHandler.class), "no session handler, so no intake gate, on a link");
            final IntakeGate routineGate = province.routingTable().terminal("veh-r").channel().pipeline()
                .get(SessionHandler.class).intake();

            final List<ScheduledFuture<?>> overload = new ArrayList<>();
            overload.add(busy(link.eventLoop()));
            final EventLoop routineLoop = province.routingTable().terminal("veh-r").channel().eventLoop();
            if (routineLoop != link.eventLoop())
            {
                overload.add(busy(routineLoop));
            }
            try
            {
                final CompletableFuture<List<Long>> flood = CompletableFuture.supplyAsync(() ->
                {
                    try
                    {
                        return routine.publishMany(ROUTINE, "routine", Precedence.ROUTINE, "channel:nobody");
                    }
                    catch (final Exception ex)
                    {
                        throw new IllegalStateException(ex);
                    }
                });
                await(() -> routineGate.pauses() > 0, "the province is overloaded: its ROUTINE-only terminal pauses");

                uav.publishMany(ROUTINE, "over the link", Precedence.ROUTINE, "terminal:cp-52");
                uav.publish(uav.text("levee breach", Precedence.FLASH, "terminal:cp-52").build());
                int got = 0;
                boolean flash = false;
                while (!flash || got < ROUTINE)
                {
                    final Delivery d = cp52.awaitAndAck();
                    if (d.getEnvelope().getPrecedence() == Precedence.FLASH)
                    {
                        flash = true;
                    }
                    else
                    {
                        got++;
                    }
                }
                assertEquals(ROUTINE, got, "the whole ROUTINE backlog crossed, and the FLASH");
                assertTrue(link.config().isAutoRead(), "the link reads on");
                for (final ScheduledFuture<?> f : overload)
                {
                    f.cancel(false);
                }
                overload.clear();
                assertEquals(ROUTINE, flood.get(60, TimeUnit.SECONDS).size(), "the paused terminal resumes, nothing lost");
            }
            finally
            {
                for (final ScheduledFuture<?> f : overload)
                {
                    f.cancel(false);
                }
            }
        }
    }

    /** Keeps {@code loop} busy 3 ms of every 6, so that its lag probe runs late (as IntakeOverloadTest does). */
    private static ScheduledFuture<?> busy(final EventLoop loop)
    {
        return loop.scheduleAtFixedRate(() ->
        {
            final long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3);
            while (System.nanoTime() - until < 0)
            {
                Thread.onSpinWait();
            }
        }, 0, 6, TimeUnit.MILLISECONDS);
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
}
