package io.emcomm.router.address;

import io.emcomm.protocol.address.ChannelPattern;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.envelope.EnvelopeHeader;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules of {@link PeerScope} (FEDERATION-DESIGN.md, "Routing across the tree"; docs/federation.md), one test per
 * rule, both directions, on the tree of the issue: province 52, city 5201, county 520102 (Nanming), a sibling county
 * 520113 (Baiyun), another city 5203 (Zunyi).
 */
final class PeerScopeTest
{
    private static boolean reaches(final PeerScope scope, final String address) throws Exception
    {
        return scope.reaches(Destination.parse(address));
    }

    private static PeerScope county()
    {
        return PeerScope.child("county-r", "520102");
    }

    @Test
    void downRegionCrossesWhenTheAddressedRegionAndTheChildsOverlapEitherWay() throws Exception
    {
        final PeerScope child = county();
        assertTrue(reaches(child, "region:52"), "the province contains the county");
        assertTrue(reaches(child, "region:5201"), "the city contains the county");
        assertTrue(reaches(child, "region:520102"), "the county itself");
        assertTrue(reaches(child, "region:520102001"), "a town inside the county");
        assertTrue(reaches(child, "region:520102001001"), "a village inside the county");
        assertFalse(reaches(child, "region:520113"), "a sibling county");
        assertFalse(reaches(child, "region:5203"), "another city");
        assertFalse(reaches(child, "region:53"), "another province");
    }

    @Test
    void downRegionKindFilterIsLeftToTheChild() throws Exception
    {
        final PeerScope child = county();
        assertTrue(reaches(child, "region:5201/air"), "the child may have AIR terminals: it filters");
        assertTrue(reaches(child, "region:520102001/command-post+ground"));
        assertFalse(reaches(child, "region:520113/air"), "still only where the regions overlap");
    }

    @Test
    void downUpCrossesWhenTheChainHasLevelsInsideTheChild() throws Exception
    {
        final PeerScope child = county();
        assertTrue(reaches(child, "up:520102"), "the county's own command posts");
        assertTrue(reaches(child, "up:520102001001"), "a village chain passes the town and the county");
        assertFalse(reaches(child, "up:5201"), "the chain from the city stays above the county");
        assertFalse(reaches(child, "up:52"));
        assertFalse(reaches(child, "up:520113001"), "a sibling's chain");
    }

    @Test
    void downTerminalAndChannelFollowTheAdvertisement() throws Exception
    {
        final PeerScope child = county();
        assertFalse(reaches(child, "terminal:uav-7"), "nothing advertised yet");
        assertFalse(reaches(child, "channel:flood.5201.rescue"), "nothing advertised yet");

        child.advertise(Set.of("uav-7", "hh-9"), List.of(ChannelPattern.parse("flood.*.rescue"), ChannelPattern.parse("ops")));
        assertTrue(reaches(child, "terminal:uav-7"));
        assertTrue(reaches(child, "terminal:hh-9"));
        assertFalse(reaches(child, "terminal:veh-3"));
        assertTrue(reaches(child, "channel:flood.5201.rescue"), "a wildcard pattern matches");
        assertTrue(reaches(child, "channel:ops"));
        assertFalse(reaches(child, "channel:flood.5201"));
        assertEquals(Set.of("uav-7", "hh-9"), child.advertisedTerminals());
        assertEquals(2, child.advertisedChannels().size());

        child.advertise(Set.of("veh-3"), List.of());
        assertFalse(reaches(child, "terminal:uav-7"), "a new advertisement replaces the old one whole");
        assertTrue(reaches(child, "terminal:veh-3"));
        assertFalse(reaches(child, "channel:ops"));
    }

    @Test
    void advertisementIsCopied() throws Exception
    {
        final PeerScope child = county();
        final java.util.HashSet<String> terminals = new java.util.HashSet<>(Set.of("uav-7"));
        child.advertise(terminals, List.of());
        terminals.add("veh-3");
        assertFalse(reaches(child, "terminal:veh-3"), "the caller's set changing later changes nothing");
        assertThrows(UnsupportedOperationException.class, () -> child.advertisedTerminals().add("x"));
    }

    @Test
    void upRegionCrossesWhenTheAddressedRegionIsNotInsideMine() throws Exception
    {
        final PeerScope parent = PeerScope.parent("city-r", "520102", id -> false);
        assertTrue(reaches(parent, "region:52"), "an ancestor: the rest of it is above");
        assertTrue(reaches(parent, "region:5201"));
        assertTrue(reaches(parent, "region:520113"), "a sibling elsewhere in the tree");
        assertTrue(reaches(parent, "region:53"));
        assertTrue(reaches(parent, "region:5201/air"), "the kind filter is the parent's to apply");
        assertFalse(reaches(parent, "region:520102"), "all of it is served here");
        assertFalse(reaches(parent, "region:520102001001"));
    }

    @Test
    void upUpCrossesWhenSomeLevelOfTheChainLiesOutsideMine() throws Exception
    {
        final PeerScope parent = PeerScope.parent("city-r", "520102", id -> false);
        assertTrue(reaches(parent, "up:520102001001"), "the chain goes on to the city and the province");
        assertTrue(reaches(parent, "up:520102"));
        assertTrue(reaches(parent, "up:520113"), "a chain elsewhere");
        final PeerScope fromProvince = PeerScope.parent("national", "52", id -> false);
        assertFalse(reaches(fromProvince, "up:520102001001"), "every level lies in the province");
        assertFalse(reaches(fromProvince, "up:52"));
        assertTrue(reaches(fromProvince, "up:53"));
    }

    @Test
    void upTerminalCrossesWhenNotServedHereAndChannelsAlways() throws Exception
    {
        final Set<String> here = Set.of("uav-7", "cp-520102");
        final PeerScope parent = PeerScope.parent("city-r", "520102", here::contains);
        assertFalse(reaches(parent, "terminal:uav-7"), "served here (or below)");
        assertTrue(reaches(parent, "terminal:cp-52"), "not served here: the parent may know it");
        assertTrue(reaches(parent, "channel:flood.5201.rescue"), "channels always go up");
        assertTrue(reaches(parent, "channel:security.events"));
    }

    @Test
    void upFromARouterWithoutARegionCarriesOnlyTerminalsAndChannels() throws Exception
    {
        final PeerScope parent = PeerScope.parent("hq", "", id -> false);
        assertFalse(reaches(parent, "region:52"), "every region lies in ''");
        assertFalse(reaches(parent, "up:520102"));
        assertTrue(reaches(parent, "terminal:cp-52"));
        assertTrue(reaches(parent, "channel:ops"));
        assertEquals("", parent.region());
    }

    @Test
    void aChildMustServeARegion()
    {
        assertThrows(IllegalArgumentException.class, () -> PeerScope.child("c", ""));
        assertThrows(IllegalArgumentException.class, () -> PeerScope.child("c", "520100"));
        final PeerScope child = PeerScope.child("c", "5201");
        assertTrue(child.isChild());
        assertEquals("c", child.peerId());
        assertEquals("5201", child.region());
        assertFalse(PeerScope.parent("p", "5201", id -> true).isChild());
    }

    @Test
    void anEnvelopeCrossesWhenAnyOfItsDestinationsDoes() throws Exception
    {
        final PeerScope child = county();
        final EnvelopeHeader header = new EnvelopeHeader();
        final DestinationCache cache = new DestinationCache();
        final byte[] sibling = Envelope.newBuilder().setOrigin("cp-1").setOriginSequence(1).addTo("region:520113")
            .addTo("terminal:veh-3").build().toByteArray();
        assertTrue(header.wrap(sibling, 0, sibling.length));
        assertFalse(child.reaches(header, cache));
        final byte[] both = Envelope.newBuilder().setOrigin("cp-1").setOriginSequence(2).addTo("region:520113")
            .addTo("up:520102001").build().toByteArray();
        assertTrue(header.wrap(both, 0, both.length));
        assertTrue(child.reaches(header, cache));
    }
}
