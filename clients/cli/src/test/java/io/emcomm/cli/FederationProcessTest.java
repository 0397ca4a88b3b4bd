package io.emcomm.cli;

import com.google.protobuf.CodedOutputStream;
import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.DeliveryAck;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Hello;
import io.emcomm.protocol.wire.PositionReport;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.PublishAck;
import io.emcomm.protocol.wire.Receipt;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Text;
import io.emcomm.protocol.wire.Welcome;
import io.emcomm.testing.TcpRelay;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static io.emcomm.cli.ListeningTerminal.from;
import static io.emcomm.cli.ListeningTerminal.textStartingWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16's acceptance tests: three routers (province 52, city 5201, county 520102 on a {@code vsat} uplink through
 * a {@link TcpRelay}) in child processes started through {@code emcomm router}, terminals logged in to each over
 * TCP. One federation serves the whole class (starting three JVMs is most of the cost); each test logs in terminals
 * of its own, named after the test, and counts only messages from its own origins, so what an earlier test left
 * crossing cannot make a later one pass or fail. {@link #heal()} brings back whatever a failed test left down.
 *
 * <p>Every wait is for an outcome (a delivery, an ack, a redial the relay saw) with a deadline; nothing sleeps.
 * The routers' output is kept in {@code target/federation-process/*.log}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class FederationProcessTest
{
    private static final Duration CROSS = Duration.ofSeconds(30);
    /** After a kill -9: the city restarts, both its links are redialled with backoff, the backlog crosses. */
    private static final Duration RECOVER = Duration.ofSeconds(60);
    private static final String VILLAGE_REGION = "520102001001";
    private static final AtomicInteger TESTS = new AtomicInteger();

    private RouterTree tree;
    private final List<AutoCloseable> terminals = new ArrayList<>();
    /** This test's suffix for terminal ids: t1, t2, ... */
    private String t;

    @BeforeAll
    void startFederation() throws IOException
    {
        final Path dir = Path.of("target", "federation-process", String.valueOf(System.currentTimeMillis()));
        Files.createDirectories(dir);
        tree = RouterTree.start(dir.toAbsolutePath(), "vsat");
    }

    @AfterAll
    void stopFederation()
    {
        if (tree != null)
        {
            tree.close();
        }
    }

    @AfterEach
    void heal() throws Exception
    {
        for (final AutoCloseable c : terminals)
        {
            c.close();
        }
        terminals.clear();
        tree.heal();
    }

    // ------------------------------------------------------------------------------------------------ the tests

    @Test
    void trafficBothWaysWhileTheCountyLinkIsCutIsDeliveredOnceAfterItIsRestored() throws Exception
    {
        final Posts p = posts();
        tree.countyLink().cut();
        assertEquals(0, tree.countyLink().openConnections());

        // the county works on its own: a village reports up the chain, its own county post hears it at once
        final List<PublishAck> up = p.village.publishAll(texts(p.village, 20, "up while cut", Precedence.ROUTINE,
            "up:" + VILLAGE_REGION));
        final List<PublishAck> down = p.province.publishAll(texts(p.province, 20, "down while cut", Precedence.ROUTINE,
            "region:520102"));
        p.county.await(textStartingWith("up while cut"), 20, CROSS);
        assertEquals(List.of(), p.city.received(textStartingWith("up while cut")), "nothing crosses a cut link");
        assertEquals(List.of(), p.county.received(textStartingWith("down while cut")), "nothing crosses a cut link");
        assertEquals(20, up.size());
        assertEquals(20, down.size());

        tree.countyLink().restore();
        p.city.await(textStartingWith("up while cut"), 20, CROSS);
        p.province.await(textStartingWith("up while cut"), 20, CROSS);
        p.county.await(textStartingWith("down while cut"), 20, CROSS);
        p.village.await(textStartingWith("down while cut"), 20, CROSS);
        p.endMarkersArrived();

        for (final ListeningTerminal r : List.of(p.county, p.city, p.province))
        {
            assertOnce(r, textStartingWith("up while cut"), 20);
        }
        for (final ListeningTerminal r : List.of(p.county, p.village))
        {
            assertOnce(r, textStartingWith("down while cut"), 20);
        }
    }

    @Test
    void aStalledLinkIsDroppedAfterTheIdleTimeoutRedialledAndLosesNothing() throws Exception
    {
        final Posts p = posts();
        final TcpRelay link = tree.countyLink();
        final int dialsBefore = link.accepted();
        link.stall();

        p.village.publishAll(texts(p.village, 10, "up while stalled", Precedence.PRIORITY, "up:" + VILLAGE_REGION));
        p.province.publishAll(texts(p.province, 10, "down while stalled", Precedence.PRIORITY, "region:520102"));

        // a peer that went silent is noticed by the county's own timers: it gives up the link and dials again
        assertTrue(link.await(() -> link.accepted() > dialsBefore, Duration.ofMillis(RouterTree.IDLE_TIMEOUT_MS * 5L)),
            "the county did not redial within 5 idle timeouts of a silent link (" + link.accepted() + " dials)" + tree.tails());
        link.restore();

        p.city.await(textStartingWith("up while stalled"), 10, CROSS);
        p.province.await(textStartingWith("up while stalled"), 10, CROSS);
        p.county.await(textStartingWith("down while stalled"), 10, CROSS);
        p.endMarkersArrived();
        assertOnce(p.city, textStartingWith("up while stalled"), 10);
        assertOnce(p.province, textStartingWith("up while stalled"), 10);
        assertOnce(p.county, textStartingWith("down while stalled"), 10);
        assertOnce(p.village, textStartingWith("down while stalled"), 10);
    }

    @Test
    void aFlashSentAfterAnHourOfRoutineBacklogCrossesFirstBothWaysWhenTheLinkReturns() throws Exception
    {
        final Posts p = posts();
        tree.countyLink().cut();
        final int backlog = 400;
        // an hour's worth of routine reports each way (created over the last hour), then one FLASH each way, all while
        // the county is cut off; on a vsat link (8 kB/s) the backlog takes seconds to drain, the FLASH must not wait
        p.city.publishAll(hourOfRoutine(p.city, backlog, "backlog down", "region:520102"));
        p.city.publish(p.city.text("FLASH dam breach", Precedence.FLASH, "region:520102").build());
        p.village.publishAll(hourOfRoutine(p.village, backlog, "backlog up", "up:" + VILLAGE_REGION));
        p.village.publish(p.village.text("FLASH bridge down", Precedence.FLASH, "up:" + VILLAGE_REGION).build());

        tree.countyLink().restore();
        assertFlashFirst(p.county, "FLASH dam breach", "backlog down", backlog);
        assertFlashFirst(p.city, "FLASH bridge down", "backlog up", backlog);
        p.county.await(textStartingWith("backlog down"), backlog, Duration.ofSeconds(60));
        p.city.await(textStartingWith("backlog up"), backlog, Duration.ofSeconds(60));
        assertOnce(p.county, textStartingWith("backlog down"), backlog);
        assertOnce(p.county, textStartingWith("FLASH dam breach"), 1);
        assertOnce(p.city, textStartingWith("backlog up"), backlog);
        assertOnce(p.city, textStartingWith("FLASH bridge down"), 1);
    }

    /** {@code count} ROUTINE texts created over the last hour, oldest first. */
    private static List<Envelope> hourOfRoutine(final ListeningTerminal from, final int count, final String prefix,
        final String to)
    {
        final long hourAgo = System.currentTimeMillis() * 1000 - 3_600_000_000L;
        final List<Envelope> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            out.add(from.text(prefix + " " + i + " " + "x".repeat(60), Precedence.ROUTINE, to)
                .setCreatedAtMicros(hourAgo + i * (3_600_000_000L / count)).build());
        }
        return out;
    }

    /** The FLASH reached {@code at} behind at most a handful of the backlog that waited with it. */
    private static void assertFlashFirst(final ListeningTerminal at, final String flash, final String backlogPrefix,
        final int backlog) throws InterruptedException
    {
        final Delivery first = at.await(textStartingWith(flash), 1, CROSS).get(0);
        final List<Delivery> arrived = at.received(textStartingWith(flash).or(textStartingWith(backlogPrefix)));
        final int before = arrived.indexOf(first);
        assertTrue(before >= 0 && before <= 8, at.id() + ": the FLASH crossed behind " + before + " of " + backlog
            + " routine messages waiting on a vsat link");
    }

    @Test
    void aRegionWideMessageFromAVillageReachesTerminalsUnderAllThreeRoutersOnceEach() throws Exception
    {
        final Posts p = posts();
        try (ListeningTerminal cityVehicle = login(tree.city(), "veh-5201-" + t, TerminalKind.GROUND, "520103");
             ListeningTerminal uav = login(tree.county(), "uav-520102-" + t, TerminalKind.AIR, "520102");
             ListeningTerminal otherCounty = login(tree.city(), "cp-520111-" + t, TerminalKind.COMMAND_POST, "520111"))
        {
            final PublishAck ack = p.village.publish(p.village.text("province-wide: Nanming River gauge 3.2 m",
                Precedence.IMMEDIATE, "region:52").build());
            assertTrue(ack.getJournalIndex() > 0);
            final Predicate<Delivery> it = textStartingWith("province-wide");
            for (final ListeningTerminal r : List.of(p.province, p.city, cityVehicle, otherCounty, p.county, uav))
            {
                r.await(it, 1, CROSS);
            }
            p.endMarkersArrived();
            for (final ListeningTerminal r : List.of(p.province, p.city, cityVehicle, otherCounty, p.county, uav))
            {
                assertOnce(r, it, 1);
            }
        }
    }

    @Test
    void aDeliveryReceiptCrossesBackFromTheCountyToTheProvince() throws Exception
    {
        final Posts p = posts();
        final Envelope order = p.province.text("FLASH evacuate the village now", Precedence.FLASH, "region:" + VILLAGE_REGION)
            .setWantReceipts(true).build();
        final PublishAck ack = p.province.publish(order);
        p.village.await(textStartingWith("FLASH evacuate"), 1, CROSS);

        final Predicate<Delivery> receipt = d -> d.getEnvelope().hasReceipt()
            && d.getEnvelope().getReceipt().getMessageOrigin().equals(p.province.id())
            && d.getEnvelope().getReceipt().getMessageOriginSequence() == order.getOriginSequence();
        final Delivery r = p.province.await(receipt, 1, CROSS).get(0);
        final Receipt body = r.getEnvelope().getReceipt();
        assertEquals(Receipt.Status.DELIVERED, body.getStatus(), body.toString());
        assertEquals(p.village.id(), body.getTerminalId(), "the receipt names the village terminal");
        assertEquals(RouterTree.COUNTY_ID, r.getEnvelope().getOrigin(), "made where the village is connected");
        assertTrue(ack.getJournalIndex() > 0);
        p.endMarkersArrived();
        assertEquals(1, p.province.received(receipt).size(), "one receipt");
    }

    @Test
    void aTerminalAddressReachesATerminalTwoLevelsDownOnceTheCountyHasAdvertisedIt() throws Exception
    {
        final Posts p = posts();
        // the province learns who is below it from the city's advertisement, kept in DATA/links/<peer>.json
        final Path advertised = tree.province().data().resolve("links").resolve(RouterTree.CITY_ID + ".json");
        awaitFileMentions(advertised, p.village.id());
        p.province.publish(p.province.text("for the village only", Precedence.IMMEDIATE, "terminal:" + p.village.id()).build());
        p.village.await(textStartingWith("for the village only"), 1, CROSS);
        p.endMarkersArrived();
        assertOnce(p.village, textStartingWith("for the village only"), 1);
        assertEquals(List.of(), p.county.received(textStartingWith("for the village only")), "only the addressee");
    }

    @Test
    void aVehicleThatMovesFromTheCountyToTheCityRouterGetsItsMessagesWhereItIsNow() throws Exception
    {
        final Posts p = posts();
        final String id = "veh-moving-" + t;
        try (ListeningTerminal atCounty = login(tree.county(), id, TerminalKind.GROUND, "520102"))
        {
            // known below the province through the county's advertisement, passed up by the city
            awaitFileMentions(tree.province().data().resolve("links").resolve(RouterTree.CITY_ID + ".json"), id);
            p.province.publish(p.province.text("to the vehicle in Nanming", Precedence.IMMEDIATE, "terminal:" + id).build());
            atCounty.await(textStartingWith("to the vehicle in Nanming"), 1, CROSS);
        }
        // it drives into Guiyang and logs in to the city router with the same id
        try (ListeningTerminal atCity = login(tree.city(), id, TerminalKind.GROUND, "520103"))
        {
            p.province.publish(p.province.text("to the vehicle in Guiyang", Precedence.IMMEDIATE, "terminal:" + id).build());
            atCity.await(textStartingWith("to the vehicle in Guiyang"), 1, CROSS);
            assertEquals(List.of(), atCity.received(textStartingWith("to the vehicle in Nanming")),
                "what it took at the county is not delivered again at the city");
        }
    }

    @Test
    void aCitySelectsForItsCutOffCountyByTheAdvertisementItKeptAcrossAKillMinusNine() throws Exception
    {
        final Posts p = posts();
        awaitFileMentions(tree.province().data().resolve("links").resolve(RouterTree.CITY_ID + ".json"), p.village.id());
        tree.countyLink().cut();
        tree.killAndRestartCity(); // with the county away, the city knows the village only from its own disk
        p.city = login(tree.city(), p.city.id(), TerminalKind.COMMAND_POST, "5201");
        p.province.publish(p.province.text("for the village, kept while Nanming is away", Precedence.IMMEDIATE,
            "terminal:" + p.village.id(), "terminal:" + p.city.id()).build());
        // the city post has it, so the city routed it while the county was still away: by the kept advertisement
        p.city.await(textStartingWith("for the village, kept"), 1, RECOVER);
        tree.countyLink().restore();
        p.village.await(textStartingWith("for the village, kept"), 1, RECOVER);
        p.endMarkersArrived();
        assertOnce(p.village, textStartingWith("for the village, kept"), 1);
    }

    @Test
    void killMinusNineOfTheCityMidStreamLosesNothingAcknowledgedAndDuplicatesNothing() throws Exception
    {
        final Posts p = posts();
        final int half = 40;
        p.village.publishAll(texts(p.village, half, "stream up A", Precedence.ROUTINE, "terminal:" + p.province.id()));
        p.province.publishAll(texts(p.province, half, "stream down A", Precedence.ROUTINE, "region:" + VILLAGE_REGION));
        // mid-stream: the first messages have crossed both hops, the rest are on their way
        p.province.await(textStartingWith("stream up A"), 3, CROSS);
        p.village.await(textStartingWith("stream down A"), 3, CROSS);
        tree.city().kill();

        // both ends keep publishing while the middle router is dead; each publish is acknowledged by its own router
        p.village.publishAll(texts(p.village, half, "stream up B", Precedence.ROUTINE, "terminal:" + p.province.id()));
        p.province.publishAll(texts(p.province, half, "stream down B", Precedence.ROUTINE, "region:" + VILLAGE_REGION));
        tree.restartCity();
        p.city = login(tree.city(), p.city.id(), TerminalKind.COMMAND_POST, "5201"); // its session died with the router

        p.province.await(textStartingWith("stream up "), 2 * half, RECOVER);
        p.village.await(textStartingWith("stream down "), 2 * half, RECOVER);
        p.endMarkersArrived();
        assertOnce(p.province, textStartingWith("stream up "), 2 * half);
        assertOnce(p.village, textStartingWith("stream down "), 2 * half);
    }

    @Test
    void killMinusNineOfTheCountyMidStreamLosesNothingItAcknowledgedAndTheProvinceGetsEachOnce() throws Exception
    {
        final Posts p = posts();
        final int half = 40;
        p.village.publishAll(texts(p.village, half, "county stream A", Precedence.ROUTINE, "terminal:" + p.province.id()));
        p.province.await(textStartingWith("county stream A"), 3, CROSS);
        tree.killAndRestartCounty(); // what it acknowledged and had not yet forwarded waits in its journal
        p.county = login(tree.county(), p.county.id(), TerminalKind.COMMAND_POST, "520102");
        p.village = login(tree.county(), p.village.id(), TerminalKind.GROUND, VILLAGE_REGION); // numbering goes on from WELCOME
        p.village.publishAll(texts(p.village, half, "county stream B", Precedence.ROUTINE, "terminal:" + p.province.id()));

        p.province.await(textStartingWith("county stream "), 2 * half, RECOVER);
        p.endMarkersArrived();
        assertOnce(p.province, textStartingWith("county stream "), 2 * half);
    }

    @Test
    void anUnacknowledgedFlashToAVillageComesBackToTheProvinceAsANonDeliveryReceipt() throws Exception
    {
        final Posts p = posts();
        final String deafRegion = "520102001002";
        try (TestTerminal deaf = TestTerminal.login(tree.county().port(), "vil-deaf-" + t, TerminalKind.GROUND, deafRegion))
        {
            deaf.startHeartbeats(RouterTree.HEARTBEAT_MS); // alive, but never acknowledges
            final Envelope order = p.province.text("FLASH evacuate the lower village", Precedence.FLASH, "region:" + deafRegion)
                .build();
            p.province.publish(order);
            assertEquals(order.getOriginSequence(), deaf.awaitDelivery().getEnvelope().getOriginSequence(), "it arrives");

            final Predicate<Delivery> notDelivered = d -> d.getEnvelope().hasReceipt()
                && d.getEnvelope().getReceipt().getStatus() == Receipt.Status.NOT_DELIVERED
                && d.getEnvelope().getReceipt().getMessageOrigin().equals(p.province.id())
                && d.getEnvelope().getReceipt().getMessageOriginSequence() == order.getOriginSequence();
            final Delivery r = p.province.await(notDelivered, 1, CROSS).get(0);
            assertEquals(deaf.id(), r.getEnvelope().getReceipt().getTerminalId(), "the receipt names the village terminal");
            assertEquals(RouterTree.COUNTY_ID, r.getEnvelope().getOrigin(), "made where the village is connected");
        }
    }

    @Test
    void aMessageThatExpiresWhileTheLinkIsCutDoesNotCross() throws Exception
    {
        final Posts p = posts();
        tree.countyLink().cut();
        final long expiresAtMicros = System.currentTimeMillis() * 1000 + 1_000_000;
        p.city.publish(p.city.text("expires in a second", Precedence.PRIORITY, "region:520102")
            .setExpiresAtMicros(expiresAtMicros).build());
        awaitWallClockPast(expiresAtMicros + 100_000);
        p.city.publish(p.city.text("still current", Precedence.ROUTINE, "region:520102").build());
        tree.countyLink().restore();
        // journal order is delivery order for one precedence and later for a lower one: had the expired message
        // crossed, it would be here before the current one (it is PRIORITY, the current one ROUTINE)
        p.county.await(textStartingWith("still current"), 1, CROSS);
        p.village.await(textStartingWith("still current"), 1, CROSS);
        p.endMarkersArrived();
        assertEquals(List.of(), p.county.received(textStartingWith("expires in")), "expired before the link returned");
        assertEquals(List.of(), p.village.received(textStartingWith("expires in")), "expired before the link returned");
    }

    @Test
    void onABusyVsatLinkOnlyTheLatestPositionOfASourceCrossesAndNothingElseIsDropped() throws Exception
    {
        final Posts p = posts();
        try (ListeningTerminal uav = login(tree.county(), "uav-" + t, TerminalKind.AIR, "520102"))
        {
            final String channel = "channel:positions.520102.air." + t;
            p.city.raw().subscribe(channel);
            // keep the county's vsat link busy for a few seconds: 60 kB of routine reports up the chain (32 kB burst, 8 kB/s)
            final int reports = 60;
            p.village.publishAll(texts(p.village, reports, "long report " + "x".repeat(1_000), Precedence.ROUTINE,
                "up:" + VILLAGE_REGION));
            // five positions of one UAV while they wait: on a shaped link only the newest waiting one goes on
            final List<Envelope> positions = new ArrayList<>();
            for (int i = 0; i < 5; i++)
            {
                positions.add(Envelope.newBuilder().setOrigin(uav.id()).setOriginSequence(uav.raw().nextSequence())
                    .setPrecedence(Precedence.ROUTINE).setCreatedAtMicros(System.currentTimeMillis() * 1000).addTo(channel)
                    .setPosition(PositionReport.newBuilder().setLat(26.57 + i * 0.001).setLon(106.71).setAltitudeM(850))
                    .build());
            }
            uav.publishAll(positions);
            final long newest = positions.get(positions.size() - 1).getOriginSequence();
            p.city.await(d -> d.getEnvelope().getOrigin().equals(uav.id()) && d.getEnvelope().getOriginSequence() == newest,
                1, CROSS);
            p.city.await(textStartingWith("long report"), reports, CROSS);
            p.endMarkersArrived();
            final int crossed = p.city.received(from(uav.id())).size();
            assertTrue(crossed < positions.size(), "older positions superseded on the busy link: " + crossed + " of "
                + positions.size() + " crossed");
            assertOnce(p.city, textStartingWith("long report"), reports);
        }
    }

    @Test
    void aCountyPeerCannotPublishAsAProvinceCommandPost() throws Exception
    {
        final Posts p = posts();
        try (ListeningTerminal security = login(tree.city(), "sec-5201-" + t, TerminalKind.COMMAND_POST, "5201");
             TestTerminal rogue = TestTerminal.connect(tree.city().port()))
        {
            security.raw().subscribe("channel:security.events");
            final String rogueId = "rogue-520102-" + t;
            rogue.adopt(rogueId);
            rogue.send(FrameType.HELLO, Hello.newBuilder().setProtocolVersion(Frames.PROTOCOL_VERSION).setTerminalId(rogueId)
                .setKindValue(ROUTER_KIND).setRegionCode("520102").setClientName("rogue county").build());
            final TestTerminal.Frame welcome = rogue.nextControl();
            assertEquals(FrameType.WELCOME_VALUE, welcome.type(), "a county peer is welcomed at the city: " + welcome.frameType());
            assertEquals(RouterTree.CITY_ID, TestTerminal.parse(welcome, Welcome.parser()).getRouterId());
            rogue.startHeartbeats(RouterTree.HEARTBEAT_MS);
            rogue.sendRaw(TestTerminal.frameBytes(ADVERTISE_FRAME, new byte[] {0x08, 0x01})); // an empty advertisement, reset

            // an order claiming to come from the province command post, entered at the province (origin_region 52)
            final Envelope forged = Envelope.newBuilder().setOrigin(p.province.id()).setOriginSequence(900_001)
                .setPrecedence(Precedence.FLASH).setCreatedAtMicros(System.currentTimeMillis() * 1000).addTo("region:52")
                .setText(Text.newBuilder().setText("forged: stand down all rescue teams")).build();
            rogue.sendRaw(TestTerminal.frameBytes(FrameType.DELIVERY_VALUE,
                peerDelivery(1, forged, TerminalKind.COMMAND_POST_VALUE, "52", 1)));
            awaitPeerAck(rogue, 1, 1);
            // the same peer's honest message from its own subtree, sent after: it arrives, so the forgery had its chance
            final Envelope honest = Envelope.newBuilder().setOrigin("vil-rogue-" + t).setOriginSequence(1)
                .setPrecedence(Precedence.FLASH).setCreatedAtMicros(System.currentTimeMillis() * 1000).addTo("region:52")
                .setText(Text.newBuilder().setText("honest: village reports in")).build();
            rogue.sendRaw(TestTerminal.frameBytes(FrameType.DELIVERY_VALUE,
                peerDelivery(2, honest, TerminalKind.GROUND_VALUE, "520102001", 2)));
            awaitPeerAck(rogue, 2, 2);

            p.city.await(textStartingWith("honest: village"), 1, CROSS);
            p.province.await(textStartingWith("honest: village"), 1, CROSS);
            assertEquals(List.of(), p.city.received(textStartingWith("forged")), "the forgery is not delivered at the city");
            assertEquals(List.of(), p.province.received(textStartingWith("forged")), "nor at the province");
            final Delivery event = security.await(d -> d.getEnvelope().getText().getText().contains(rogueId)
                || d.getEnvelope().getText().getText().contains(p.province.id()), 1, CROSS).get(0);
            assertEquals(RouterTree.CITY_ID, event.getEnvelope().getOrigin(), "the city reports the refusal");
        }
    }

    // --------------------------------------------------------------------------------------------- the fixture

    /** Kind ROUTER (issue 16): a router's peer link logs in with it. */
    private static final int ROUTER_KIND = 5;
    /** FrameType.ADVERTISE (issue 16), child to parent. */
    private static final int ADVERTISE_FRAME = 18;

    /** The command posts of the three levels and a village terminal under the county, named after the test. */
    private final class Posts
    {
        final ListeningTerminal province;
        /** Not final: its connection dies with the city router, and it logs in again when the city is back. */
        ListeningTerminal city;
        /** Not final: these die with the county router and log in again when it is back. */
        ListeningTerminal county;
        ListeningTerminal village;

        Posts() throws IOException
        {
            province = login(tree.province(), "cp-52-" + t, TerminalKind.COMMAND_POST, "52");
            city = login(tree.city(), "cp-5201-" + t, TerminalKind.COMMAND_POST, "5201");
            county = login(tree.county(), "cp-520102-" + t, TerminalKind.COMMAND_POST, "520102");
            village = login(tree.county(), "vil-" + t, TerminalKind.GROUND, VILLAGE_REGION);
        }

        /**
         * Both links carry this test's traffic: a probe up the chain from the village reaches the city and province
         * posts, one down from the province reaches the county post and the village.
         */
        void linked() throws IOException, InterruptedException
        {
            village.publish(village.text("probe up", Precedence.ROUTINE, "up:" + VILLAGE_REGION).build());
            province.publish(province.text("probe down", Precedence.ROUTINE, "region:520102").build());
            city.await(textStartingWith("probe up"), 1, CROSS);
            province.await(textStartingWith("probe up"), 1, CROSS);
            county.await(textStartingWith("probe down"), 1, CROSS);
            village.await(textStartingWith("probe down"), 1, CROSS);
        }

        /**
         * End markers sent after the test's traffic through the same links, awaited: a copy of anything earlier
         * that was going to arrive twice had the time of a further round across the tree to show up.
         */
        void endMarkersArrived() throws IOException, InterruptedException
        {
            village.publish(village.text("end up", Precedence.ROUTINE, "up:" + VILLAGE_REGION).build());
            province.publish(province.text("end down", Precedence.ROUTINE, "region:520102").build());
            city.await(textStartingWith("end up"), 1, CROSS);
            province.await(textStartingWith("end up"), 1, CROSS);
            county.await(textStartingWith("end down"), 1, CROSS);
            village.await(textStartingWith("end down"), 1, CROSS);
        }
    }

    /** Logs in this test's posts and waits until both links carry their traffic. */
    private Posts posts() throws IOException, InterruptedException
    {
        t = "t" + TESTS.incrementAndGet();
        final Posts p = new Posts();
        p.linked();
        return p;
    }

    private ListeningTerminal login(final ChildCliRouter router, final String id, final TerminalKind kind, final String region)
        throws IOException
    {
        final ListeningTerminal term = ListeningTerminal.login(router.port(), id, kind, region);
        terminals.add(term);
        return term;
    }

    private static List<Envelope> texts(final ListeningTerminal from, final int count, final String prefix,
        final Precedence precedence, final String... to)
    {
        final List<Envelope> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            out.add(from.text(prefix + " " + i, precedence, to).build());
        }
        return out;
    }

    /** Every message {@code which} accepts arrived at {@code at} exactly once, and there are {@code count} of them. */
    private static void assertOnce(final ListeningTerminal at, final Predicate<Delivery> which, final int count)
    {
        final Map<String, Integer> times = at.timesReceived(which);
        assertEquals(count, times.size(), at.id() + " got " + times.size() + " distinct messages, expected " + count);
        final List<String> twice = times.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        assertTrue(twice.isEmpty(), at.id() + " got these more than once: " + twice);
    }

    /** A DELIVERY as a peer link carries it (issue 16): fields 6 and 7 (origin kind and region) before delivery_seq. */
    private static byte[] peerDelivery(final long index, final Envelope envelope, final int originKind, final String originRegion,
        final long deliverySeq) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeUInt64(1, index);
        out.writeMessage(2, envelope);
        out.writeInt64(3, System.currentTimeMillis() * 1000);
        out.writeEnum(6, originKind);
        out.writeString(7, originRegion);
        out.writeUInt64(5, deliverySeq);
        out.flush();
        return bytes.toByteArray();
    }

    /** Waits for the parent's DELIVERY_ACK of the peer's delivery {@code index} (by index or cumulatively). */
    private static void awaitPeerAck(final TestTerminal peer, final long index, final long deliverySeq)
    {
        while (true)
        {
            final TestTerminal.Frame f = peer.nextControl(); // fails after TestTerminal.TIMEOUT_MS
            if (f.type() == FrameType.ERROR_VALUE)
            {
                throw new AssertionError("the parent answered the peer's delivery with an error: "
                    + TestTerminal.parse(f, io.emcomm.protocol.wire.Error.parser()));
            }
            if (f.type() == FrameType.DELIVERY_ACK_VALUE)
            {
                final DeliveryAck ack = TestTerminal.parse(f, DeliveryAck.parser());
                if (ack.getJournalIndex() == index || ack.getThroughDeliverySeq() >= deliverySeq)
                {
                    return;
                }
            }
        }
    }

    /** Returns once the wall clock has passed {@code micros}: the condition an expiry test waits for is time itself. */
    private static void awaitWallClockPast(final long micros) throws InterruptedException
    {
        long leftMs;
        while ((leftMs = micros / 1000 - System.currentTimeMillis()) > 0)
        {
            Thread.sleep(leftMs);
        }
    }

    private static void awaitFileMentions(final Path file, final String text) throws InterruptedException
    {
        final long deadline = System.nanoTime() + CROSS.toNanos();
        String last = "(no file)";
        while (System.nanoTime() < deadline)
        {
            try
            {
                last = Files.readString(file, StandardCharsets.UTF_8);
                if (last.contains("\"" + text + "\""))
                {
                    return;
                }
            }
            catch (final IOException ex)
            {
                last = "(" + ex + ")";
            }
            synchronized (file)
            {
                file.wait(50); // polling a file another process rewrites: no event to wait on
            }
        }
        throw new AssertionError(file + " never listed " + text + "; last read: " + last);
    }
}
