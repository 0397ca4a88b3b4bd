package io.emcomm.cli;

import com.google.protobuf.CodedOutputStream;
import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.DeliveryAck;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Hello;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.PublishAck;
import io.emcomm.protocol.wire.Receipt;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Text;
import io.emcomm.protocol.wire.Welcome;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

import static io.emcomm.cli.ListeningTerminal.from;
import static io.emcomm.cli.ListeningTerminal.textStartingWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16, one federation as if one router: a village's {@code region:52} reaches every level once, a
 * {@code terminal:} address two levels down once advertised, a vehicle that moves between routers, receipts
 * (DELIVERED and NOT_DELIVERED) crossing back to the province, and the authority of a peer (a county cannot speak for
 * a provincial command post). See {@link FederationFixture}.
 */
class FederationRoutingTest extends FederationFixture
{
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
    void aChildThatExpectsAnotherParentSaysWhichIdsDifferAndDoesNotLink() throws Exception
    {
        final Path data = tree.city().data().resolveSibling("huaxi-" + System.nanoTime());
        try (ChildCliRouter huaxi = ChildCliRouter.start("huaxi", data, List.of("-Demcomm.io.threads=1"),
            "--router-id", "county-520111", "--region", "520111", "--uplink", "127.0.0.1:" + tree.city().port(),
            "--uplink-router-id", "city-5203"))
        {
            // one line naming both ids (the operator fixes the setting); it does not link and keeps redialling
            final String line = huaxi.awaitLine(l -> l.contains("city-5203") && l.contains(RouterTree.CITY_ID)
                && !l.startsWith("---- start"), "a line naming both parent ids", CROSS);
            assertTrue(line.contains("WARN"), line);
            final String said = huaxi.tail();
            assertTrue(!said.contains("(city-5203) is up"), "no link to the wrong parent: " + said);
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

    /** Kind ROUTER (issue 16): a router's peer link logs in with it. */
    private static final int ROUTER_KIND = 5;
    /** FrameType.ADVERTISE (issue 16), child to parent. */
    private static final int ADVERTISE_FRAME = 18;

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
}
