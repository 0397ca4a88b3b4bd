package io.emcomm.cli;

import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.PositionReport;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.PublishAck;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.testing.TcpRelay;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.emcomm.cli.ListeningTerminal.from;
import static io.emcomm.cli.ListeningTerminal.textStartingWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16, the link fails and is narrow: traffic both ways across a cut and a stalled county link, delivered once
 * after it returns; FLASH first out of an hour of backlog both ways on a {@code vsat} link; expiry while cut; latest
 * positions on a busy link. See {@link FederationFixture} for the three routers and how the tests stay apart.
 */
class FederationOutageTest extends FederationFixture
{
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
}
