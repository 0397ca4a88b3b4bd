package io.emcomm.router.link;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.PublishAck;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.Router;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.session.Session;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static io.emcomm.protocol.wire.TerminalKind.AIR;
import static io.emcomm.protocol.wire.TerminalKind.COMMAND_POST;
import static io.emcomm.protocol.wire.TerminalKind.GROUND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two routers in this JVM over real TCP on loopback (docs/protocol.md section 14): the province (region 52) and the
 * city (region 5201), whose uplink dials the province. Messages cross the link both ways by the routing rules of the
 * tree, the link survives the province going away while the city journals, and a city configured for another parent
 * does not link.
 */
@Timeout(120)
@ExtendWith(LeakWatch.class)
class FederationLinkTest
{
    private static final long AWAIT_MS = 15_000;

    @TempDir
    Path dir;

    private Router province;
    private Router city;
    private int provincePort;
    private final List<TestTerminal> terminals = new ArrayList<>();

    @AfterEach
    void stop() throws IOException
    {
        for (final TestTerminal t : terminals)
        {
            t.close();
        }
        if (city != null)
        {
            city.close();
        }
        if (province != null)
        {
            province.close();
        }
    }

    private void startProvince()
    {
        province = Router.start(Router.Context.loopback(dir.resolve("province")).config(RouterConfig
            .loopback(dir.resolve("province")).port(provincePort).routerId("province").region("52").build()));
    }

    private void startCity(final String parentId)
    {
        city = Router.start(new Router.Context().config(RouterConfig.loopback(dir.resolve("city")).routerId("city")
            .region("5201").uplink("127.0.0.1:" + provincePort, parentId).uplinkReconnectMaxMs(200).build()));
    }

    /** Province and city, linked. */
    private void linked() throws IOException
    {
        provincePort = freePort();
        startProvince();
        startCity("province");
        await(city::uplinkUp, "the city's uplink comes up");
        await(() -> province.routingTable().peer("city") != null, "the province registers the city's link");
    }

    private TestTerminal login(final Router router, final String id, final TerminalKind kind, final String region)
        throws IOException
    {
        final TestTerminal t = TestTerminal.login(router.port(), id, kind, region);
        terminals.add(t);
        return t;
    }

    @Test
    void aTerminalAtTheChildGetsTerminalRegionAndChannelMessagesFromTheParent() throws Exception
    {
        linked();
        final TestTerminal uav = login(city, "uav-1", AIR, "520102");
        assertTrue(uav.subscribe("channel:ops.>").getOk());
        final Session link = province.routingTable().peer("city");
        await(() -> link.peerScope().advertisedTerminals().contains("uav-1")
            && link.peerScope().advertisedChannels().stream().anyMatch(p -> p.pattern().equals("ops.>")),
            "the city advertises uav-1 and its subscription");
        final TestTerminal cp52 = login(province, "cp-52", COMMAND_POST, "52");

        cp52.publish(cp52.text("to the drone", Precedence.PRIORITY, "terminal:uav-1").build());
        cp52.publish(cp52.text("to the city's region", Precedence.ROUTINE, "region:5201").build());
        cp52.publish(cp52.text("on the channel", Precedence.ROUTINE, "channel:ops.flood").build());

        final List<String> texts = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            final Delivery d = uav.awaitAndAck();
            assertEquals("cp-52", d.getEnvelope().getOrigin());
            texts.add(d.getEnvelope().getText().getText());
        }
        assertEquals(List.of("to the drone", "to the city's region", "on the channel"), texts);
        uav.sync();
        assertFalse(uav.hasDeliveryQueued(), "each once");
    }

    @Test
    void aMessageFromAChildTerminalReachesTheParentsCommandPost() throws Exception
    {
        linked();
        final TestTerminal cp52 = login(province, "cp-52", COMMAND_POST, "52");
        final TestTerminal uav = login(city, "uav-1", AIR, "520102");

        uav.publish(uav.text("to the province post", Precedence.IMMEDIATE, "terminal:cp-52").build());
        uav.publish(uav.text("up the chain", Precedence.FLASH, "up:5201").build());

        final Set<String> got = new HashSet<>();
        for (int i = 0; i < 2; i++)
        {
            final Delivery d = cp52.awaitAndAck();
            assertEquals("uav-1", d.getEnvelope().getOrigin());
            got.add(d.getEnvelope().getText().getText());
        }
        assertEquals(Set.of("to the province post", "up the chain"), got);
        cp52.sync();
        assertFalse(cp52.hasDeliveryQueued(), "each once");
    }

    @Test
    void whatTheChildJournalsWhileTheLinkIsCutCrossesOnceFlashFirst() throws Exception
    {
        linked();
        final TestTerminal first = login(province, "cp-52", COMMAND_POST, "52");
        first.close(); // cp-52 has a cursor at the province from now on
        province.close();
        await(() -> !city.uplinkUp(), "the city sees its uplink down");
        final Links.LinkState down = city.links().link("province");
        assertEquals(Links.Direction.UPLINK, down.direction());
        assertFalse(down.connected(), "the registry says the uplink is down, and since when");

        final TestTerminal uav = login(city, "uav-1", AIR, "520102");
        final int routine = 40;
        uav.publishMany(routine, "backlog", Precedence.ROUTINE, "terminal:cp-52");
        uav.publish(uav.text("levee breach", Precedence.FLASH, "terminal:cp-52").build());

        startProvince();
        final TestTerminal cp52 = login(province, "cp-52", COMMAND_POST, "52");
        await(city::uplinkUp, "the uplink comes back");

        final Delivery flash = cp52.awaitAndAck();
        assertEquals(Precedence.FLASH, flash.getEnvelope().getPrecedence(), "the FLASH crosses first");
        final Set<Long> sequences = new HashSet<>();
        sequences.add(flash.getEnvelope().getOriginSequence());
        for (int i = 0; i < routine; i++)
        {
            final Delivery d = cp52.awaitAndAck();
            assertEquals(Precedence.ROUTINE, d.getEnvelope().getPrecedence());
            assertTrue(sequences.add(d.getEnvelope().getOriginSequence()), "once: " + d.getEnvelope().getOriginSequence());
        }
        cp52.sync();
        assertFalse(cp52.hasDeliveryQueued(), "nothing twice");
        assertEquals(routine + 1, province.counters().imported(), "imported once each");
        assertTrue(city.links().link("province").connected());
        assertEquals(List.of(new Links.LinkState("city", Links.Direction.DOWNLINK, "5201", true,
            province.links().link("city").since())), province.links().links());
    }

    @Test
    void aPublishAckCallsATerminalUnknownOnlyWhenNoChildAdvertisesItAndThereIsNoUplink() throws Exception
    {
        linked();
        login(city, "veh-9", GROUND, "520102");
        final Session link = province.routingTable().peer("city");
        await(() -> link.peerScope().advertisedTerminals().contains("veh-9"), "the city advertises veh-9");
        final TestTerminal cp52 = login(province, "cp-52", COMMAND_POST, "52");
        final PublishAck atTop = cp52.publish(cp52.text("where are you", Precedence.PRIORITY, "terminal:veh-9",
            "terminal:veh-99").build());
        assertEquals(List.of("terminal:veh-99"), atTop.getUnknownTerminalsList(),
            "veh-9 is under the city; nobody anywhere serves veh-99");

        final TestTerminal uav = login(city, "uav-1", AIR, "520102");
        final PublishAck below = uav.publish(uav.text("to the province", Precedence.PRIORITY, "terminal:cp-52",
            "terminal:veh-99").build());
        assertEquals(List.of(), below.getUnknownTerminalsList(), "a router with an uplink cannot know every terminal above it");
    }

    @Test
    void aParentWithAnotherRouterIdIsNotLinkedAndSaidOnce() throws Exception
    {
        final Logger logger = (Logger)LoggerFactory.getLogger(UplinkConnector.class);
        final ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try
        {
            provincePort = freePort();
            startProvince();
            startCity("guizhou");
            // the province welcomes each attempt; the city closes every time: three attempts make redials certain
            await(() -> province.counters().sessionsOpened() >= 3, "the city dials again");
            assertFalse(city.uplinkUp());
            final List<String> warnings = log.list.stream().filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("'province', not 'guizhou'"), warnings.get(0));
        }
        finally
        {
            logger.detachAppender(log);
        }
    }

    @Test
    void theParentWarnsOnceAboutAChildItRefusesAgainAndAgain() throws Exception
    {
        final Logger linksLog = (Logger)LoggerFactory.getLogger(PeerLinks.class);
        final Logger helloLog = (Logger)LoggerFactory.getLogger("io.emcomm.router.net.HelloHandler");
        final ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        linksLog.addAppender(log);
        helloLog.addAppender(log);
        try
        {
            provincePort = freePort();
            startProvince();
            // region 53 does not lie inside the province's 52: INVALID_REGION at every dial
            city = Router.start(new Router.Context().config(RouterConfig.loopback(dir.resolve("city")).routerId("city")
                .region("53").uplink("127.0.0.1:" + provincePort, "province").uplinkReconnectMaxMs(200).build()));
            await(() -> province.counters().protocolErrors() >= 3, "the city dials again and again");
            final List<ILoggingEvent> events = List.copyOf(log.list);
            final List<String> warnings = events.stream().filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("child router city") && warnings.get(0).contains("INVALID_REGION"),
                warnings.get(0));
            assertEquals(List.of(), events.stream().filter(e -> e.getLevel() == Level.INFO
                && e.getFormattedMessage().contains("INVALID_REGION")).map(ILoggingEvent::getFormattedMessage).toList(),
                "the repeats are not logged at INFO");
        }
        finally
        {
            linksLog.detachAppender(log);
            helloLog.detachAppender(log);
        }
    }

    @Test
    void anUplinkPointingAtThisRouterItselfIsSaidSo() throws Exception
    {
        final Logger logger = (Logger)LoggerFactory.getLogger(UplinkConnector.class);
        final ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try
        {
            provincePort = freePort();
            // the city's uplink names its own port (and another router id)
            city = Router.start(new Router.Context().config(RouterConfig.loopback(dir.resolve("city")).routerId("self-2")
                .port(provincePort).region("5201").uplink("127.0.0.1:" + provincePort, "province")
                .uplinkReconnectMaxMs(200).build()));
            final String expected = "emcomm.uplink 127.0.0.1:" + provincePort + " is this router itself";
            await(() -> List.copyOf(log.list).stream().anyMatch(e -> e.getLevel() == Level.WARN
                && e.getFormattedMessage().startsWith(expected)), "the router says its uplink is itself: "
                + log.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
            assertFalse(city.uplinkUp());
        }
        finally
        {
            logger.detachAppender(log);
        }
    }

    @Test
    void aChildRefusedForAnotherParentIdLeavesNothingBehindAtTheParent() throws Exception
    {
        provincePort = freePort();
        startProvince();
        startCity("guizhou");
        await(() -> province.counters().sessionsOpened() >= 2, "the city dials, is welcomed and closes");
        city.close();
        city = null;
        await(() -> province.routingTable().peer("city") == null && province.links().links().isEmpty(),
            "no link entry is left for a child that never completed its link: " + province.links().links());
        assertFalse(province.cursors().contains("city"), "no cursor is left for it");

        province.close();
        startProvince();
        assertFalse(province.cursors().contains("city"), "nor after a restart");
        assertTrue(province.links().links().isEmpty());
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")))
        {
            return s.getLocalPort();
        }
    }

    /** Polls {@code condition} until it holds, for at most {@link #AWAIT_MS}. */
    static void await(final BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AWAIT_MS);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("not within " + AWAIT_MS + " ms: " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }
}
