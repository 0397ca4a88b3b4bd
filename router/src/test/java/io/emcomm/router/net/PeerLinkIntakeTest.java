package io.emcomm.router.net;

import io.emcomm.router.Router;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.link.PeerLinkHandler;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import io.netty.channel.Channel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static io.emcomm.protocol.wire.TerminalKind.GROUND;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Precedence under overload on a peer link (issue 16): the intake governor pauses the reading of connections that
 * publish only ROUTINE; a peer link is never one of them. Its stream carries FLASH among ROUTINE, and pausing it would
 * hold the FLASH behind the pause; the sending router's feed already puts FLASH first and caps the ROUTINE in flight
 * until the parent acknowledges, so the link cannot flood the parent. The gate is opened by the terminal's
 * {@link SessionHandler} only; a link's connection runs a {@link PeerLinkHandler} in its place, at both ends.
 */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class PeerLinkIntakeTest
{
    @TempDir
    Path dir;

    @Test
    void aPeerLinkHasNoIntakeGateWhereATerminalHasOne() throws Exception
    {
        final int provincePort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")))
        {
            provincePort = s.getLocalPort();
        }
        try (Router province = Router.start(new Router.Context().config(RouterConfig.loopback(dir.resolve("province"))
                .port(provincePort).routerId("province").region("52").intakeLagMs(1).build()));
             Router city = Router.start(new Router.Context().config(RouterConfig.loopback(dir.resolve("city"))
                 .routerId("city").region("5201").uplink("127.0.0.1:" + provincePort, "province").intakeLagMs(1)
                 .uplinkReconnectMaxMs(200).build()));
             TestTerminal veh = TestTerminal.login(province.port(), "veh-r", GROUND, "52"))
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (province.routingTable().peer("city") == null || !city.uplinkUp())
            {
                assertTrue(System.nanoTime() < deadline, "the link comes up");
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
            }
            assertNotNull(province.routingTable().terminal("veh-r").channel().pipeline().get(SessionHandler.class)
                .intake(), "a terminal has its gate");
            for (final Channel link : new Channel[] {province.routingTable().peer("city").channel(),
                city.routingTable().peer("province").channel()})
            {
                assertNotNull(link.pipeline().get(PeerLinkHandler.NAME), link.toString());
                assertNull(link.pipeline().get(SessionHandler.class), "no session handler, so no intake gate: " + link);
                assertTrue(link.config().isAutoRead(), link.toString());
            }
        }
    }
}
