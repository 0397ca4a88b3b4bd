package io.emcomm.router;

import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.PublishAck;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static io.emcomm.protocol.wire.TerminalKind.AIR;
import static io.emcomm.protocol.wire.TerminalKind.COMMAND_POST;
import static io.emcomm.protocol.wire.TerminalKind.GROUND;
import static io.emcomm.protocol.wire.TerminalKind.SPACE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every address form over real TCP against a real journal. A marker message sent to every terminal
 * after the message under test proves the absence of a delivery: each terminal receives the marker,
 * and whatever it received before the marker is exactly what the message under test reached.
 */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class RoutingTest
{
    @TempDir
    Path dir;

    private Router router;
    private final List<TestTerminal> all = new ArrayList<>();
    private TestTerminal province;
    private TestTerminal guiyang;
    private TestTerminal nanming;
    private TestTerminal baiyun;
    private TestTerminal zunyi;
    private TestTerminal uav;
    private TestTerminal beidou;
    private TestTerminal vehicle;
    private TestTerminal villageHandheld;
    private TestTerminal townPost;

    @BeforeEach
    void start() throws Exception
    {
        router = Router.start(Router.Context.loopback(dir));
        province = login("cp-52", COMMAND_POST, "52");
        guiyang = login("cp-5201", COMMAND_POST, "5201");
        nanming = login("cp-520102", COMMAND_POST, "520102");
        baiyun = login("cp-520113", COMMAND_POST, "520113");
        zunyi = login("cp-5203", COMMAND_POST, "5203");
        uav = login("uav-1", AIR, "520102");
        beidou = login("bd-7", SPACE, "520111");
        vehicle = login("veh-3", GROUND, "520113");
        villageHandheld = login("hh-9", GROUND, "520102001001");
        townPost = login("cp-520102001", COMMAND_POST, "520102001");
    }

    private TestTerminal login(final String id, final TerminalKind kind, final String region) throws Exception
    {
        final TestTerminal t = TestTerminal.login(router.port(), id, kind, region);
        all.add(t);
        return t;
    }

    @AfterEach
    void stop() throws Exception
    {
        for (final TestTerminal t : all)
        {
            t.close();
        }
        router.close();
    }

    /** Publishes from {@code from} and returns the ids of the terminals that received it, each once. */
    private Set<String> reach(final TestTerminal from, final String... to) throws Exception
    {
        final PublishAck ack = from.publish(from.text("under test", Precedence.ROUTINE, to).build());
        final Envelope.Builder marker = province.text("marker", Precedence.ROUTINE);
        for (final TestTerminal t : all)
        {
            marker.addTo("terminal:" + t.id());
        }
        province.publish(marker.build());
        final Set<String> reached = new TreeSet<>();
        for (final TestTerminal t : all)
        {
            while (true)
            {
                final Delivery d = t.awaitDelivery();
                if (d.getEnvelope().getText().getText().equals("marker"))
                {
                    break;
                }
                assertEquals(ack.getJournalIndex(), d.getJournalIndex(), "journal index in the delivery");
                assertTrue(reached.add(t.id()), t.id() + " received the message twice");
            }
        }
        return reached;
    }

    @Test
    void unicastReachesOnlyTheNamedTerminal() throws Exception
    {
        assertEquals(Set.of("veh-3"), reach(guiyang, "terminal:veh-3"));
    }

    @Test
    void unicastToAnOfflineTerminalReachesNobodyButIsStillJournaled() throws Exception
    {
        assertEquals(Set.of(), reach(guiyang, "terminal:nobody-here"));
        assertEquals(router.counters().journaled(), 2, "message and marker journaled");
    }

    @Test
    void regionReachesTheWholeSubtree() throws Exception
    {
        assertEquals(Set.of("cp-5201", "cp-520102", "cp-520113", "uav-1", "bd-7", "veh-3", "hh-9", "cp-520102001"),
            reach(province, "region:5201"));
        assertEquals(Set.of("cp-520102", "uav-1", "hh-9", "cp-520102001"), reach(guiyang, "region:520102"));
    }

    @Test
    void provinceRegionReachesEveryoneButTheOrigin() throws Exception
    {
        final Set<String> reached = reach(province, "region:52");
        assertEquals(all.size() - 1, reached.size());
        assertTrue(!reached.contains("cp-52"), "the origin does not receive its own message");
    }

    @Test
    void regionKindFilterSelectsOnlyThoseKinds() throws Exception
    {
        assertEquals(Set.of("uav-1"), reach(province, "region:5201/air"));
        assertEquals(Set.of("uav-1", "bd-7"), reach(province, "region:5201/air+space"));
        assertEquals(Set.of("cp-5201", "cp-520102", "cp-520113", "cp-520102001"), reach(province, "region:5201/command-post"));
    }

    @Test
    void upReachesTheCommandPostsOfEveryEnclosingLevel() throws Exception
    {
        assertEquals(Set.of("cp-520102001", "cp-520102", "cp-5201", "cp-52"), reach(villageHandheld, "up:520102001001"));
        assertEquals(Set.of("cp-520113", "cp-5201", "cp-52"), reach(vehicle, "up:520113"));
    }

    @Test
    void channelSubscriptionsWithWildcards() throws Exception
    {
        assertTrue(zunyi.subscribe("channel:flood.>").getOk());
        assertTrue(nanming.subscribe("channel:flood.*.rescue").getOk());
        assertTrue(uav.subscribe("channel:flood.5201.rescue").getOk());
        assertTrue(beidou.subscribe("channel:fire.*").getOk());
        assertEquals(Set.of("cp-5203", "cp-520102", "uav-1"), reach(guiyang, "channel:flood.5201.rescue"));
        assertEquals(Set.of("cp-5203"), reach(guiyang, "channel:flood.5201"));
        assertEquals(Set.of(), reach(guiyang, "channel:fire.5201.rescue"));
        assertEquals(Set.of("bd-7"), reach(guiyang, "channel:fire.5201"));
    }

    @Test
    void overlappingDestinationsReachEachTerminalOnce() throws Exception
    {
        assertTrue(uav.subscribe("channel:ops").getOk());
        // hh-9 is the origin: inside region:5201 but not addressed explicitly, so it is not a recipient
        assertEquals(Set.of("cp-5201", "cp-520102", "cp-520113", "uav-1", "bd-7", "veh-3", "cp-520102001", "cp-52"),
            reach(villageHandheld, "region:5201", "terminal:uav-1", "channel:ops", "up:520102001001", "region:520102/air"));
    }

    @Test
    void originReceivesItsOwnMessageOnlyWhenItAddressesItself() throws Exception
    {
        assertEquals(Set.of("cp-520102", "uav-1", "hh-9", "cp-520102001"), reach(guiyang, "region:520102", "region:5201/air"));
        assertEquals(Set.of("uav-1"), reach(uav, "region:520102/air", "terminal:uav-1"));
    }

    @Test
    void deliveredEnvelopeBytesAreExactlyWhatWasPublished() throws Exception
    {
        final Envelope sent = guiyang.text("bytes check", Precedence.FLASH, "terminal:veh-3").setWantReceipts(true)
            .setExpiresAtMicros(System.currentTimeMillis() * 1000 + 60_000_000L).build();
        final PublishAck ack = guiyang.publish(sent);
        final Delivery d = vehicle.awaitDelivery();
        assertEquals(ack.getJournalIndex(), d.getJournalIndex());
        assertEquals(sent.toByteString(), d.getEnvelope().toByteString());
        assertEquals(sent, d.getEnvelope());
    }
}
