package io.emcomm.router.link;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.emcomm.router.Router;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.testing.LeakWatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.emcomm.router.link.FederationLinkTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two routers started with one router id, both dialling the same parent, over real TCP on loopback: each login
 * replaces the other's link at the parent. Both sides say so at WARN, once, and the children redial only after the
 * longest backoff, so the link does not flap several times a second.
 */
@Timeout(120)
@ExtendWith(LeakWatch.class)
class SharedRouterIdTest
{
    private static final int MAX_BACKOFF_MS = 1_000;

    @TempDir
    Path dir;

    private final List<Router> routers = new ArrayList<>();

    @AfterEach
    void stop()
    {
        for (int i = routers.size() - 1; i >= 0; i--)
        {
            routers.get(i).close();
        }
    }

    private Router city(final String folder, final int parentPort)
    {
        final Router r = Router.start(new Router.Context().config(RouterConfig.loopback(dir.resolve(folder))
            .routerId("city").region("5201").uplink("127.0.0.1:" + parentPort, "province")
            .uplinkReconnectMaxMs(MAX_BACKOFF_MS).build()));
        routers.add(r);
        return r;
    }

    @Test
    void twoChildrenWithOneIdAreWarnedAboutOnceAndRedialSlowly() throws Exception
    {
        final Logger connectorLog = (Logger)LoggerFactory.getLogger(UplinkConnector.class);
        final Logger linksLog = (Logger)LoggerFactory.getLogger(PeerLinks.class);
        final ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        connectorLog.addAppender(log);
        linksLog.addAppender(log);
        try
        {
            final int port = freePort();
            final Router province = Router.start(Router.Context.loopback(dir.resolve("province")).config(RouterConfig
                .loopback(dir.resolve("province")).port(port).routerId("province").region("52").build()));
            routers.add(province);
            city("city-a", port);
            city("city-b", port);

            await(() -> province.counters().sessionsReplaced() >= 4, "the two take the link from each other");
            final List<ILoggingEvent> events = List.copyOf(log.list);
            final List<String> warnings = events.stream().filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
            assertEquals(2, warnings.stream().filter(w -> w.contains(
                "another router with id city linked to the parent at 127.0.0.1:" + port + "; two routers share one id?"))
                .count(), "each child warns once: " + warnings);
            assertEquals(1, warnings.stream().filter(w -> w.contains("two routers share the id city?")).count(),
                "the parent warns once: " + warnings);

            // the parent's link openings: after a replacement, the replaced child waits the longest backoff
            final List<Long> opened = events.stream().filter(e -> e.getLoggerName().equals(PeerLinks.class.getName())
                && e.getFormattedMessage().startsWith("peer link from child")).map(ILoggingEvent::getTimeStamp).toList();
            assertTrue(opened.size() >= 4, opened.toString());
            for (int i = 2; i < opened.size(); i++)
            {
                final long gap = opened.get(i) - opened.get(i - 1);
                assertTrue(gap >= MAX_BACKOFF_MS / 2, "link " + i + " came " + gap + " ms after the one before");
            }
        }
        finally
        {
            connectorLog.detachAppender(log);
            linksLog.detachAppender(log);
        }
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")))
        {
            return s.getLocalPort();
        }
    }
}
