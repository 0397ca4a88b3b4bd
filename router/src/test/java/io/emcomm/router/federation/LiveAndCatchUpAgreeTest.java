package io.emcomm.router.federation;

import io.emcomm.protocol.address.ChannelPattern;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.address.PeerScope;
import io.emcomm.router.journal.JournalEntry;
import io.emcomm.router.sequence.ImportOutcome;
import io.emcomm.router.session.Session;
import io.emcomm.testing.LeakWatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.emcomm.router.federation.FederationFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live route ({@code LocalRoutingTable.resolve} with peer links, the ingress excluded) and catch-up (a link's or a
 * terminal's feed reading the journal: {@code RouteMatcher} with {@code PeerScope}, the ingress skipped) select
 * exactly the same messages for every session, over every address form from every kind of source: a local terminal,
 * each link (parent and children) and the router itself. Phase one: every session is live as the messages are routed;
 * phase two: every session logs in again with nothing acknowledged and reads the same from the journal. Then the
 * selections are checked against the design's rules for a few cases by hand, so that agreeing on nothing cannot pass.
 */
@ExtendWith(LeakWatch.class)
final class LiveAndCatchUpAgreeTest
{
    private static final List<String> DESTINATIONS = List.of("terminal:hh-9", "terminal:veh-3", "terminal:cp-52",
        "terminal:uav-7", "terminal:cp-5201", "channel:flood.5201.rescue", "channel:ops", "region:52", "region:5201",
        "region:520102", "region:520102001001", "region:520113/air", "region:5203", "region:5201/command-post", "up:520102001",
        "up:520102", "up:5201", "up:52", "up:520113", "up:520301001");

    @TempDir
    Path dir;

    private FederationFixture fx;

    @AfterEach
    void close()
    {
        fx.close();
    }

    @Test
    void everySessionGetsFromTheJournalExactlyWhatItGotLive() throws Exception
    {
        fx = new FederationFixture(dir);
        fx.sequencer.routerRegion("5201");
        final Set<String> servedHere = Set.of("cp-5201", "uav-7", "hh-9", "veh-3");
        final PeerScope provinceScope = PeerScope.parent("province-r", "5201", servedHere::contains);
        final PeerScope countyScope = PeerScope.child("county-r", "520102");
        countyScope.advertise(Set.of("hh-9"), List.of(ChannelPattern.parse("flood.>")));
        final PeerScope baiyunScope = PeerScope.child("baiyun-r", "520113");
        baiyunScope.advertise(Set.of("veh-3"), List.of(ChannelPattern.parse("ops")));

        final Map<String, Session> live = new LinkedHashMap<>();
        live.put("province-r", fx.link(provinceScope));
        live.put("county-r", fx.link(countyScope));
        live.put("baiyun-r", fx.link(baiyunScope));
        live.put("cp-5201", fx.login("cp-5201", TerminalKind.COMMAND_POST, "5201"));
        live.put("uav-7", fx.login("uav-7", TerminalKind.AIR, "520102"));
        fx.subscribe(live.get("cp-5201"), "flood.*.rescue");

        final Map<Long, String> sourceOf = new HashMap<>();
        long sequence = 0;
        for (final String to : DESTINATIONS)
        {
            sequence++;
            sourceOf.put(fx.publish(live.get("uav-7"), text("uav-7", sequence, to).build()).index(), "uav-7 " + to);
            sourceOf.put(imported(live.get("county-r"), text("hh-9", sequence, to).build(), TerminalKind.GROUND, "520102001001"),
                "county-r " + to);
            sourceOf.put(imported(live.get("baiyun-r"), text("veh-3", sequence, to).build(), TerminalKind.GROUND, "520113"),
                "baiyun-r " + to);
            sourceOf.put(imported(live.get("province-r"), text("cp-52", sequence, to).build(), TerminalKind.COMMAND_POST, "52"),
                "province-r " + to);
            sourceOf.put(fx.sequencer.publishInternal(fx.origins.state(FederationFixture.ROUTER_ID),
                Envelope.newBuilder().addTo(to).setText(io.emcomm.protocol.wire.Text.newBuilder().setText("router"))), "router " + to);
        }
        final Map<String, Set<Long>> liveGot = new LinkedHashMap<>();
        for (final Map.Entry<String, Session> e : live.entrySet())
        {
            liveGot.put(e.getKey(), new TreeSet<>(fx.indexes(e.getValue())));
            assertEquals(fx.indexes(e.getValue()).size(), liveGot.get(e.getKey()).size(), e.getKey() + " got a message twice");
        }

        // phase two: the same ids again, nothing acknowledged: everything comes from the journal
        final Map<String, Session> again = new LinkedHashMap<>();
        again.put("province-r", fx.link(provinceScope));
        again.put("county-r", fx.link(countyScope));
        again.put("baiyun-r", fx.link(baiyunScope));
        again.put("cp-5201", fx.login("cp-5201", TerminalKind.COMMAND_POST, "5201"));
        again.put("uav-7", fx.login("uav-7", TerminalKind.AIR, "520102"));
        for (final Map.Entry<String, Session> e : again.entrySet())
        {
            final List<Long> caughtUp = fx.indexes(e.getValue());
            assertEquals(names(liveGot.get(e.getKey()), sourceOf), names(new TreeSet<>(caughtUp), sourceOf),
                "live and catch-up disagree for " + e.getKey());
            assertEquals(caughtUp.size(), new TreeSet<>(caughtUp).size(), e.getKey() + " caught up a message twice");
        }

        // never back over the link a message came from, on either path
        for (final String peer : List.of("province-r", "county-r", "baiyun-r"))
        {
            for (final long index : liveGot.get(peer))
            {
                final JournalEntry entry = fx.entry(index);
                assertFalse(entry.ingressEquals(peer), peer + " got back " + sourceOf.get(index));
            }
            assertFalse(liveGot.get(peer).isEmpty(), peer + " got something");
        }

        // the rules by hand, for a few selections
        final Set<String> province = names(liveGot.get("province-r"), sourceOf);
        assertTrue(province.containsAll(List.of("uav-7 region:52", "county-r region:52", "uav-7 terminal:cp-52",
            "county-r up:520102001", "router channel:ops", "baiyun-r region:5203")), province.toString());
        assertFalse(province.contains("uav-7 region:5201"), "all of 5201 is served here");
        assertFalse(province.contains("uav-7 terminal:hh-9"), "hh-9 is served here (below)");
        assertFalse(province.contains("province-r region:52"), "not back up");
        final Set<String> county = names(liveGot.get("county-r"), sourceOf);
        assertTrue(county.containsAll(List.of("uav-7 terminal:hh-9", "province-r region:52", "uav-7 region:520102001001",
            "baiyun-r up:520102", "router channel:flood.5201.rescue", "uav-7 region:5201/command-post")), county.toString());
        assertFalse(county.contains("uav-7 up:5201"), "the chain from the city stays above the county");
        assertFalse(county.contains("uav-7 channel:ops"), "not advertised by the county");
        assertFalse(county.contains("uav-7 region:520113/air"));
        final Set<String> uav = names(liveGot.get("uav-7"), sourceOf);
        assertTrue(uav.containsAll(List.of("county-r region:520102", "province-r region:5201", "uav-7 terminal:uav-7")),
            uav.toString());
        assertFalse(uav.contains("uav-7 region:52"), "its own message, not addressed to itself");
    }

    private long imported(final Session peer, final Envelope e, final TerminalKind kind, final String region)
    {
        final ImportOutcome out = fx.importFrom(peer, e, kind, region);
        assertEquals(ImportOutcome.Kind.IMPORTED, out.kind(), e.getOrigin() + " " + e.getToList() + ": " + out);
        return out.index();
    }

    private static Set<String> names(final Set<Long> indexes, final Map<Long, String> sourceOf)
    {
        final Set<String> names = new TreeSet<>();
        for (final long index : indexes)
        {
            names.add(sourceOf.get(index));
        }
        return names;
    }

    @SuppressWarnings("unused")
    private static List<String> list(final Set<String> s)
    {
        return new ArrayList<>(s);
    }
}
