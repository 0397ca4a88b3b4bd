package io.emcomm.router.route;

import io.emcomm.protocol.address.ChannelPattern;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.address.Destination;
import io.emcomm.router.address.PeerScope;
import io.emcomm.router.session.Session;
import io.emcomm.router.terminal.TerminalIdentity;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LocalRoutingTable} by direct calls, no network: which sessions each address form reaches
 * (docs/protocol.md section 5), each once per message ({@link Recipients}), and what logout removes.
 * Sessions carry only their identity: routing reads nothing else of them.
 */
final class LocalRoutingTableTest
{
    private final LocalRoutingTable table = new LocalRoutingTable();

    private static Session session(final String id, final TerminalKind kind, final String region)
    {
        return new Session(new TerminalIdentity(id, kind, region), null, null, null, null, null);
    }

    private Session login(final String id, final TerminalKind kind, final String region)
    {
        final Session s = session(id, kind, region);
        assertNull(table.register(s));
        return s;
    }

    /** The terminal ids the destinations reach together, in the order collected (one message). */
    private List<String> reach(final String... addresses) throws Exception
    {
        final Recipients out = Recipients.forThread();
        out.begin();
        for (final String a : addresses)
        {
            table.resolve(Destination.parse(a), out);
        }
        final List<String> ids = new ArrayList<>();
        for (int i = 0; i < out.size(); i++)
        {
            ids.add(out.get(i).terminalId());
        }
        return ids;
    }

    private static List<String> sorted(final List<String> ids)
    {
        final List<String> copy = new ArrayList<>(ids);
        copy.sort(null);
        return copy;
    }

    @Test
    void terminalAddressReachesThatSessionOnly() throws Exception
    {
        login("uav-7", TerminalKind.AIR, "5201");
        login("gnd-1", TerminalKind.GROUND, "5201");

        assertEquals(List.of("uav-7"), reach("terminal:uav-7"));
        assertEquals(List.of(), reach("terminal:nobody"), "a terminal not logged in reaches no one");
        assertSame(table.terminal("uav-7"), table.terminal("uav-7"));
        assertEquals(2, table.sessionCount());
    }

    @Test
    void channelReachesSubscribersOfMatchingPatterns() throws Exception
    {
        final Session exact = login("a", TerminalKind.GROUND, "5201");
        final Session star = login("b", TerminalKind.GROUND, "5201");
        final Session tail = login("c", TerminalKind.GROUND, "5201");
        final Session other = login("d", TerminalKind.GROUND, "5201");
        table.subscribe(exact, ChannelPattern.parse("flood.5201.rescue"));
        table.subscribe(star, ChannelPattern.parse("flood.*.rescue"));
        table.subscribe(tail, ChannelPattern.parse("flood.>"));
        table.subscribe(other, ChannelPattern.parse("fire.>"));

        assertEquals(List.of("a", "b", "c"), sorted(reach("channel:flood.5201.rescue")));
        assertEquals(List.of("c"), reach("channel:flood.5201"));
        assertEquals(List.of("d"), reach("channel:fire.x"));
        assertEquals(List.of(), reach("channel:quake"));

        table.unsubscribe(tail, ChannelPattern.parse("flood.>"));
        assertEquals(List.of("a", "b"), sorted(reach("channel:flood.5201.rescue")));
    }

    @Test
    void regionReachesItsWholeSubtreeAndNoSibling() throws Exception
    {
        login("prov", TerminalKind.GROUND, "52");
        login("city", TerminalKind.GROUND, "5201");
        login("county", TerminalKind.AIR, "520102");
        login("village", TerminalKind.COMMAND_POST, "520102001001");
        login("sibling", TerminalKind.GROUND, "5202");

        assertEquals(List.of("city", "county", "village"), sorted(reach("region:5201")));
        assertEquals(List.of("city", "county", "prov", "sibling", "village"), sorted(reach("region:52")));
        assertEquals(List.of("sibling"), reach("region:5202"));
        assertEquals(List.of(), reach("region:53"), "a region nobody registered in reaches no one");
    }

    @Test
    void regionKindFilterReachesOnlyThoseKinds() throws Exception
    {
        login("uav", TerminalKind.AIR, "520102");
        login("truck", TerminalKind.GROUND, "5201");
        login("cp", TerminalKind.COMMAND_POST, "5201");
        login("sat", TerminalKind.SPACE, "520102001");

        assertEquals(List.of("uav"), reach("region:5201/air"));
        assertEquals(List.of("truck", "uav"), sorted(reach("region:5201/air+ground")));
        assertEquals(List.of("cp"), reach("region:5201/cp"));
        assertEquals(List.of("sat"), reach("region:520102/space"));
        assertEquals(List.of(), reach("region:520102/ground"));
    }

    @Test
    void upReachesCommandPostsAtEachEnclosingLevelOnly() throws Exception
    {
        login("cp-village", TerminalKind.COMMAND_POST, "520102001001");
        login("cp-county", TerminalKind.COMMAND_POST, "520102");
        login("cp-city", TerminalKind.COMMAND_POST, "5201");
        login("cp-prov", TerminalKind.COMMAND_POST, "52");
        login("cp-sibling", TerminalKind.COMMAND_POST, "520103");
        login("cp-below", TerminalKind.COMMAND_POST, "520102001001");
        login("ground-county", TerminalKind.GROUND, "520102");

        assertEquals(List.of("cp-below", "cp-city", "cp-county", "cp-prov", "cp-village"),
            sorted(reach("up:520102001001")));
        assertEquals(List.of("cp-city", "cp-county", "cp-prov"), sorted(reach("up:520102")),
            "command posts below the code are not up the chain");
        assertEquals(List.of("cp-city", "cp-prov"), sorted(reach("up:520199")),
            "a level nobody registered at is skipped, the levels above still reached");
    }

    @Test
    void overlappingAddressesReachEachSessionOnce() throws Exception
    {
        final Session cp = login("cp", TerminalKind.COMMAND_POST, "5201");
        login("uav", TerminalKind.AIR, "520102");
        table.subscribe(cp, ChannelPattern.parse("flood.>"));

        assertEquals(List.of("cp", "uav"), sorted(reach("terminal:cp", "region:5201", "up:520102", "channel:flood.x",
            "region:52/cp", "terminal:uav")));
        // a new message starts a new set: the same sessions are collected again
        assertEquals(List.of("cp"), reach("terminal:cp", "terminal:cp"));
    }

    @Test
    void excludedOriginIsNotCollectedUnlessForced() throws Exception
    {
        final Session origin = login("origin", TerminalKind.COMMAND_POST, "5201");
        login("other", TerminalKind.GROUND, "5201");
        final Recipients out = Recipients.forThread();
        out.begin();
        out.exclude(origin);
        table.resolve(Destination.parse("region:5201"), out);
        assertEquals(1, out.size());
        assertEquals("other", out.get(0).terminalId());
        out.forceAdd(origin);
        out.forceAdd(origin);
        assertEquals(2, out.size(), "forceAdd adds the origin once");
    }

    @Test
    void logoutRemovesTheSessionFromEveryAddressForm() throws Exception
    {
        final Session cp = login("cp", TerminalKind.COMMAND_POST, "5201");
        final Session stays = login("stays", TerminalKind.COMMAND_POST, "5201");
        table.subscribe(cp, ChannelPattern.parse("flood.>"));
        table.subscribe(stays, ChannelPattern.parse("flood.>"));

        table.unregister(cp);

        assertNull(table.terminal("cp"));
        assertEquals(1, table.sessionCount());
        assertEquals(List.of(), reach("terminal:cp"));
        assertEquals(List.of("stays"), reach("region:5201"));
        assertEquals(List.of("stays"), reach("region:5201/cp"));
        assertEquals(List.of("stays"), reach("up:5201"));
        assertEquals(List.of("stays"), reach("channel:flood.x"));
    }

    @Test
    void aNewLoginReplacesTheOldSessionAndTheOldOnesLogoutLeavesItAlone() throws Exception
    {
        final Session first = login("cp", TerminalKind.COMMAND_POST, "5201");
        table.subscribe(first, ChannelPattern.parse("flood.>"));
        final Session second = session("cp", TerminalKind.GROUND, "5202");

        assertSame(first, table.register(second));
        assertSame(second, table.terminal("cp"));
        assertEquals(List.of(), reach("up:5201"), "the replaced session left its region");
        assertEquals(List.of(), reach("channel:flood.x"), "the replaced session's subscriptions went with it");
        assertEquals(List.of("cp"), reach("region:5202"));

        table.unregister(first); // the old connection closing later
        assertSame(second, table.terminal("cp"));
        assertEquals(List.of("cp"), reach("region:5202/ground"));
    }

    private static Session peer(final PeerScope scope)
    {
        // the kind is the link layer's (ROUTER); routing reads only the scope
        return Session.peer(new TerminalIdentity(scope.peerId(), TerminalKind.COMMAND_POST, scope.region()), null, null, null,
            null, null, scope);
    }

    @Test
    void aPeerIsReachedByItsScopeAndNeverAsATerminal() throws Exception
    {
        login("uav-7", TerminalKind.AIR, "520102");
        final PeerScope scope = PeerScope.child("county-r", "520102");
        scope.advertise(Set.of("hh-9"), List.of(ChannelPattern.parse("flood.>")));
        final Session county = peer(scope);
        assertNull(table.register(county));

        assertEquals(List.of("county-r", "uav-7"), sorted(reach("region:5201")), "the region overlaps the child's");
        assertEquals(List.of("county-r"), reach("terminal:hh-9"), "advertised below");
        assertEquals(List.of("county-r"), reach("channel:flood.x"));
        assertEquals(List.of(), reach("region:520113"));
        assertEquals(List.of(), reach("terminal:county-r"), "a peer's router id is not a terminal address");
        assertNull(table.terminal("county-r"));
        assertSame(county, table.peer("county-r"));
        assertEquals(List.of(county), List.copyOf(table.peers()));
        assertEquals(2, table.sessionCount(), "terminals and links");
        assertTrue(table.sessions().contains(county), "timers and shutdown reach the link too");
        assertEquals(List.of("county-r", "uav-7"), sorted(reach("region:5201", "terminal:hh-9", "channel:flood.x", "up:520102")),
            "one message reaches a link once however many destinations cross it");
    }

    @Test
    void aPeerDoesNotShadowATerminalOfTheSameName() throws Exception
    {
        final Session terminal = login("same-name", TerminalKind.GROUND, "5201");
        final Session link = peer(PeerScope.child("same-name", "520102"));
        assertNull(table.register(link), "a link does not replace a terminal");
        assertSame(terminal, table.terminal("same-name"));
        assertEquals(List.of("same-name"), reach("terminal:same-name"));
        table.unregister(link);
        assertSame(terminal, table.terminal("same-name"), "nor does its logout remove the terminal");
        assertNull(table.peer("same-name"));
    }

    @Test
    void aPeerIsReplacedByItsNextSessionAndTheOldOnesLogoutLeavesItAlone() throws Exception
    {
        final Session first = peer(PeerScope.child("county-r", "520102"));
        final Session second = peer(PeerScope.child("county-r", "520102"));
        assertNull(table.register(first));
        assertSame(first, table.register(second));
        assertEquals(1, table.peers().size());
        table.unregister(first);
        assertSame(second, table.peer("county-r"));
        assertEquals(List.of("county-r"), reach("region:52"));
        table.unregister(second);
        assertEquals(List.of(), reach("region:52"));
        assertEquals(0, table.sessionCount());
    }

    @Test
    void theIngressPeerIsExcludedByTheCaller() throws Exception
    {
        final Session county = peer(PeerScope.child("county-r", "520102"));
        final Session city = peer(PeerScope.parent("province-r", "5201", id -> false));
        table.register(county);
        table.register(city);
        login("cp-5201", TerminalKind.COMMAND_POST, "5201");

        final Recipients out = Recipients.forThread();
        out.begin();
        out.exclude(county); // the message came over the county's link
        table.resolve(Destination.parse("region:52"), out);
        final List<String> ids = new ArrayList<>();
        for (int i = 0; i < out.size(); i++)
        {
            ids.add(out.get(i).terminalId());
        }
        assertEquals(List.of("cp-5201", "province-r"), sorted(ids), "local terminals and the parent, not back down");
    }
}
