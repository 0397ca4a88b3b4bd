package io.emcomm.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who is there, from the router's readings and what the post heard, on a manual clock (plain numbers). */
class RosterTest
{
    private static RouterStatus status(final RouterStatus.Connected... connected)
    {
        return new RouterStatus(true, 41, false, List.of(connected));
    }

    private static JsonNode row(final ObjectNode snapshot, final String id)
    {
        for (final JsonNode t : snapshot.get("terminals"))
        {
            if (t.get("id").asText().equals(id))
            {
                return t;
            }
        }
        return null;
    }

    @Test
    void onlyTheSubtreeIsListedAndNotThePostItself()
    {
        final Roster roster = new Roster("cp-5201", "5201", true);
        roster.status(status(
            new RouterStatus.Connected("cp-5201", "command-post", "5201", 1_000),
            new RouterStatus.Connected("uav-7", "air", "520111", 2_000),
            new RouterStatus.Connected("van-3", "ground", "520302", 3_000), // Zunyi: another city
            new RouterStatus.Connected("cp-52", "command-post", "52", 4_000)), // the province, above the post
            10_000);
        final ObjectNode s = roster.snapshot();
        assertEquals(1, s.get("terminals").size(), s.toString());
        final JsonNode uav = row(s, "uav-7");
        assertTrue(uav.get("online").asBoolean());
        assertEquals("air", uav.get("kind").asText());
        assertEquals("520111", uav.get("region").asText());
        assertEquals(2_000, uav.get("connectedSince").asLong());
        assertEquals(2_000, uav.get("lastHeard").asLong(), "while online and silent: its login time");
        assertEquals("air", roster.kindOf("uav-7"));
        assertEquals("", roster.kindOf("van-3"));
    }

    @Test
    void aTerminalThatLeavesIsOfflineWithTheLastTimeItWasHeardOrSeen()
    {
        final Roster roster = new Roster("cp-5201", "5201", true);
        roster.status(status(new RouterStatus.Connected("uav-7", "air", "520111", 2_000),
            new RouterStatus.Connected("van-12", "ground", "520102", 2_500)), 10_000);
        roster.heard("uav-7", "", "", 11_000); // a message journaled at 11 s
        roster.status(status(new RouterStatus.Connected("uav-7", "air", "520111", 2_000),
            new RouterStatus.Connected("van-12", "ground", "520102", 2_500)), 12_000);
        assertTrue(roster.takeChanged());
        assertFalse(roster.takeChanged(), "the same reading again shows nothing new");
        roster.status(status(), 14_000);
        assertTrue(roster.takeChanged());

        final ObjectNode s = roster.snapshot();
        final JsonNode uav = row(s, "uav-7");
        assertFalse(uav.get("online").asBoolean());
        assertEquals(12_000, uav.get("lastHeard").asLong(), "seen online at 12 s, later than its last message");
        assertEquals(0, uav.get("connectedSince").asLong());
        final JsonNode van = row(s, "van-12");
        assertFalse(van.get("online").asBoolean());
        assertEquals("ground", van.get("kind").asText(), "its kind is remembered once it is offline");
        roster.heard("van-12", "", "", 20_000);
        assertEquals(20_000, row(roster.snapshot(), "van-12").get("lastHeard").asLong());
    }

    @Test
    void terminalsHeardOfAreListedOfflineUnlessTheirRegionIsOutsideTheSubtree()
    {
        final Roster roster = new Roster("cp-5201", "5201", false);
        roster.heard("bd-3", "space", "520121", 5_000); // a position report on channel:positions.520121.space
        roster.heard("cp-52", "", "", 6_000); // a region:52 message from the province: region not known
        roster.heard("van-9", "ground", "520302", 7_000); // a position report from Zunyi
        roster.heard("cp-5201", "", "", 8_000); // the post's own message
        final ObjectNode s = roster.snapshot();
        assertEquals(2, s.get("terminals").size(), s.toString());
        assertEquals(5_000, row(s, "bd-3").get("lastHeard").asLong());
        assertFalse(row(s, "bd-3").get("online").asBoolean());
        assertEquals("", row(s, "cp-52").get("region").asText());
        assertNull(row(s, "van-9"));
        assertEquals(Roster.ADMIN_OFF, s.get("health").get("admin").asText());
        assertTrue(s.get("health").get("ready").isNull());
    }

    @Test
    void theHealthSaysWhatTheRouterSaysOrThatItIsUnknown()
    {
        final Roster roster = new Roster("cp-5201", "5201", true);
        assertEquals(Roster.ADMIN_UNREACHABLE, roster.snapshot().get("health").get("admin").asText(), "before the first reading");
        roster.status(new RouterStatus(true, 41, true, List.of(new RouterStatus.Connected("uav-7", "air", "520111", 2_000))), 10_000);
        final JsonNode ok = roster.snapshot().get("health");
        assertEquals(Roster.ADMIN_OK, ok.get("admin").asText());
        assertTrue(ok.get("ready").asBoolean());
        assertEquals(41, ok.get("journalLastIndex").asLong());
        assertTrue(ok.get("diskRefusing").asBoolean());
        roster.takeChanged();

        roster.unreachable("admin endpoint unreachable: http://127.0.0.1:9 (Connection refused)", 12_000);
        assertTrue(roster.takeChanged());
        final ObjectNode s = roster.snapshot();
        assertEquals(Roster.ADMIN_UNREACHABLE, s.get("health").get("admin").asText());
        assertTrue(s.get("health").get("ready").isNull());
        assertTrue(s.get("health").get("problem").asText().contains("Connection refused"));
        assertTrue(row(s, "uav-7").get("online").isNull(), "who is connected is unknown while the endpoint cannot be read");
        roster.unreachable("admin endpoint unreachable: http://127.0.0.1:9 (Connection refused)", 14_000);
        assertFalse(roster.takeChanged(), "still unreachable: nothing new to push");
    }

    @Test
    void aTerminalOutsideTheSubtreeThatMessagedThePostIsNotListedOnceTheRouterSaysWhereItIs()
    {
        final Roster roster = new Roster("cp-5201", "5201", true);
        roster.heard("gnd-5202", "", "", 5_000); // it addressed the post: region unknown from the message
        roster.heard("uav-8", "", "5201", 5_000); // a position report on channel positions.5201: the channel's region
        roster.status(new RouterStatus(true, 41, false, List.of(
            new RouterStatus.Connected("gnd-5202", "ground", "520201", 4_000),
            new RouterStatus.Connected("uav-8", "air", "520103", 4_000))), 10_000);
        final ObjectNode s = roster.snapshot();
        assertTrue(StreamSupport.stream(s.get("terminals").spliterator(), false)
            .noneMatch(r -> r.get("id").asText().equals("gnd-5202")), "520201 is outside 5201: " + s);
        assertEquals("ground", roster.kindOf("gnd-5202"), "its kind is known for the feed's filter");
        assertEquals("520103", row(s, "uav-8").get("region").asText(), "the router's region, not the channel's");
        roster.heard("uav-8", "", "5201", 11_000);
        assertEquals("520103", row(roster.snapshot(), "uav-8").get("region").asText(), "a later report does not undo it");
    }
}
