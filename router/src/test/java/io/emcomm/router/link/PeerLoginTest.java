package io.emcomm.router.link;

import io.emcomm.protocol.wire.Advertise;
import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.DeliveryAck;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.Error;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Text;
import io.emcomm.protocol.wire.Welcome;
import io.emcomm.router.Router;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.emcomm.protocol.wire.TerminalKind.COMMAND_POST;
import static io.emcomm.router.link.FederationLinkTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parent's end of a peer link driven by a raw protocol terminal posing as a child router (docs/protocol.md section
 * 14): the HELLO checks of a peer login, the refusal of a forged origin, the dedupe of a resend after a reconnect, and
 * ADVERTISE kept on disk across a restart. Real router, real TCP.
 */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class PeerLoginTest
{
    @TempDir
    Path dir;

    private Router province;
    private final List<TestTerminal> terminals = new ArrayList<>();
    private long journalIndex;

    @BeforeEach
    void start()
    {
        province = Router.start(new Router.Context().config(RouterConfig.loopback(dir).routerId("province").region("52")
            .build()));
    }

    @AfterEach
    void stop() throws IOException
    {
        for (final TestTerminal t : terminals)
        {
            t.close();
        }
        province.close();
    }

    private TestTerminal connect() throws IOException
    {
        final TestTerminal t = TestTerminal.connect(province.port());
        terminals.add(t);
        return t;
    }

    /** A raw peer logged in as child router {@code id} of {@code region}. */
    private TestTerminal child(final String id, final String region) throws IOException
    {
        final TestTerminal t = connect();
        final Welcome welcome = t.hello(id, TerminalKind.ROUTER, region);
        assertTrue(welcome.getPeerLink(), "WELCOME says peer_link");
        assertEquals("province", welcome.getRouterId());
        return t;
    }

    private Delivery forwarded(final long seq, final String origin, final long originSequence, final String originRegion,
        final String to)
    {
        final Envelope envelope = Envelope.newBuilder().setOrigin(origin).setOriginSequence(originSequence).addTo(to)
            .setPrecedence(Precedence.IMMEDIATE).setCreatedAtMicros(System.currentTimeMillis() * 1000)
            .setText(Text.newBuilder().setText(origin + "#" + originSequence)).build();
        return Delivery.newBuilder().setJournalIndex(++journalIndex).setEnvelope(envelope)
            .setJournaledAtMicros(System.currentTimeMillis() * 1000).setOriginKind(TerminalKind.COMMAND_POST)
            .setOriginRegion(originRegion).setDeliverySeq(seq).build();
    }

    @Test
    void aPeerLoginNeedsARegionStrictlyInsideTheParents() throws Exception
    {
        final TestTerminal none = connect();
        none.send(FrameType.HELLO, io.emcomm.protocol.wire.Hello.newBuilder().setProtocolVersion(1).setTerminalId("x")
            .setKind(TerminalKind.ROUTER).build());
        final Error noRegion = none.expectError();
        assertEquals(ErrorCode.INVALID_REGION, noRegion.getCode());
        assertEquals("router x names no region: a child router must serve one", noRegion.getMessage());

        final TestTerminal outside = connect();
        outside.send(FrameType.HELLO, io.emcomm.protocol.wire.Hello.newBuilder().setProtocolVersion(1)
            .setTerminalId("yunnan").setKind(TerminalKind.ROUTER).setRegionCode("53").build());
        final Error elsewhere = outside.expectError();
        assertEquals(ErrorCode.INVALID_REGION, elsewhere.getCode());
        assertEquals("router yunnan serves region 53, which does not lie inside region 52 of this router (province)",
            elsewhere.getMessage());

        final TestTerminal same = connect();
        same.send(FrameType.HELLO, io.emcomm.protocol.wire.Hello.newBuilder().setProtocolVersion(1)
            .setTerminalId("twin").setKind(TerminalKind.ROUTER).setRegionCode("52").build());
        assertEquals(ErrorCode.INVALID_REGION, same.expectError().getCode(), "the parent's own region is not inside it");
        outside.awaitClosed();
    }

    @Test
    void aForgedOriginFromAChildIsRefusedAcknowledgedAndCounted() throws Exception
    {
        final TestTerminal cp52 = TestTerminal.login(province.port(), "cp-52", COMMAND_POST, "52");
        terminals.add(cp52);
        final TestTerminal county = child("city", "5201");

        // the city claims a provincial origin: outside its subtree
        county.send(FrameType.DELIVERY, forwarded(1, "cp-52-forged", 1, "52", "terminal:cp-52"));
        assertEquals(1, county.expectControl(FrameType.DELIVERY_ACK, DeliveryAck.parser()).getThroughDeliverySeq(),
            "refused, yet acknowledged so the child's cursor moves on");
        assertEquals(1, province.counters().importRefused());

        // a genuine one from inside the subtree passes, and is the first thing cp-52 sees
        county.send(FrameType.DELIVERY, forwarded(2, "cp-5201", 1, "5201", "terminal:cp-52"));
        assertEquals(2, county.expectControl(FrameType.DELIVERY_ACK, DeliveryAck.parser()).getThroughDeliverySeq());
        final Delivery d = cp52.awaitAndAck();
        assertEquals("cp-5201", d.getEnvelope().getOrigin());
        cp52.sync();
        assertFalse(cp52.hasDeliveryQueued(), "the forged message was not delivered");
        assertEquals(1, province.counters().imported());
    }

    @Test
    void aResendAfterAReconnectIsDeliveredOnce() throws Exception
    {
        final TestTerminal cp52 = TestTerminal.login(province.port(), "cp-52", COMMAND_POST, "52");
        terminals.add(cp52);
        final Delivery message = forwarded(1, "cp-5201", 7, "5201", "terminal:cp-52");
        final TestTerminal first = child("city", "5201");
        first.send(FrameType.DELIVERY, message);
        first.expectControl(FrameType.DELIVERY_ACK, DeliveryAck.parser());
        first.close();

        // the child never saw that ack: on its next link it sends the message again, numbered afresh
        final TestTerminal second = child("city", "5201");
        second.send(FrameType.DELIVERY, message);
        assertEquals(1, second.expectControl(FrameType.DELIVERY_ACK, DeliveryAck.parser()).getThroughDeliverySeq());
        second.send(FrameType.DELIVERY, forwarded(2, "cp-5201", 8, "5201", "terminal:cp-52"));
        second.expectControl(FrameType.DELIVERY_ACK, DeliveryAck.parser());

        assertEquals("cp-5201#7", cp52.awaitAndAck().getEnvelope().getText().getText());
        assertEquals("cp-5201#8", cp52.awaitAndAck().getEnvelope().getText().getText());
        cp52.sync();
        assertFalse(cp52.hasDeliveryQueued(), "the resend was not delivered again");
        assertEquals(1, province.counters().importDuplicates());
    }

    @Test
    void anAdvertisementIsKeptAcrossARestartAndSelectsForTheChildWhileItIsAway() throws Exception
    {
        final TestTerminal city = child("city", "5201");
        city.send(FrameType.ADVERTISE, Advertise.newBuilder().setReset(true).addAddTerminals("uav-1")
            .addAddChannels("ops.>").build());
        city.sync();
        await(() -> province.routingTable().peer("city").peerScope().advertisedTerminals().contains("uav-1"),
            "the advertisement applies");
        city.close();
        province.close();
        province = Router.start(new Router.Context().config(RouterConfig.loopback(dir).routerId("province").region("52")
            .build()));

        // while the city is away, a message for its drone waits in the province's journal for the city's link
        final TestTerminal cp52 = TestTerminal.login(province.port(), "cp-52", COMMAND_POST, "52");
        terminals.add(cp52);
        cp52.publish(cp52.text("for the drone", Precedence.FLASH, "terminal:uav-1").build());
        cp52.publish(cp52.text("for the channel", Precedence.ROUTINE, "channel:ops.flood").build());
        final TestTerminal back = child("city", "5201");
        final Set<String> got = Set.of(back.awaitDelivery().getEnvelope().getText().getText(),
            back.awaitDelivery().getEnvelope().getText().getText());
        assertEquals(Set.of("for the drone", "for the channel"), got);
    }

    @Test
    void aTerminalCannotTakeAPeerRoutersId() throws Exception
    {
        child("city", "5201");
        final TestTerminal impostor = connect();
        impostor.send(FrameType.HELLO, io.emcomm.protocol.wire.Hello.newBuilder().setProtocolVersion(1)
            .setTerminalId("city").setKind(COMMAND_POST).setRegionCode("5201").build());
        final Error error = impostor.expectError();
        assertEquals(ErrorCode.INVALID_TERMINAL_ID, error.getCode());
        assertEquals("terminal id 'city' is the id of a peer router of this one (docs/protocol.md section 14)",
            error.getMessage());
        impostor.awaitClosed();
        assertTrue(province.routingTable().peer("city").channel().isActive(), "the link stays");
    }

    @Test
    void framesAPeerDoesNotSendAreRefusedOnTheLink() throws Exception
    {
        final TestTerminal city = child("city", "5201");
        city.send(FrameType.PUBLISH, Envelope.newBuilder().setOrigin("city").setOriginSequence(1).addTo("up:52").build());
        final Error error = city.expectError();
        assertEquals(ErrorCode.UNEXPECTED_FRAME, error.getCode());
        assertFalse(error.getFatal());
        city.sync();
    }
}
