package io.emcomm.router;

import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.LatestPositionsRequest;
import io.emcomm.protocol.wire.PositionReport;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.ReplayEnd;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static io.emcomm.protocol.wire.TerminalKind.AIR;
import static io.emcomm.protocol.wire.TerminalKind.COMMAND_POST;
import static io.emcomm.protocol.wire.TerminalKind.GROUND;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A command post asks for the last known position of every terminal in its subtree, also after a restart. */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class LatestPositionsTest
{
    @TempDir
    Path dir;

    private static long report(final TestTerminal t, final double lat) throws Exception
    {
        return t.publish(Envelope.newBuilder().setOrigin(t.id()).setOriginSequence(t.nextSequence()).addTo("up:" + "5201")
            .setPrecedence(Precedence.ROUTINE).setPosition(PositionReport.newBuilder().setLat(lat).setLon(106.7)).build())
            .getJournalIndex();
    }

    private static Map<String, Long> latest(final TestTerminal cp, final String region, final long requestId)
    {
        try
        {
            cp.send(FrameType.LATEST_POSITIONS_REQUEST, LatestPositionsRequest.newBuilder().setRequestId(requestId).setRegionCode(region).build());
        }
        catch (final java.io.IOException ex)
        {
            throw new AssertionError(ex);
        }
        final Map<String, Long> result = new HashMap<>();
        while (true)
        {
            final TestTerminal.Frame f = cp.nextControl();
            if (f.type() == FrameType.REPLAY_END_VALUE)
            {
                assertEquals(result.size(), TestTerminal.parse(f, ReplayEnd.parser()).getCount());
                return result;
            }
            final Delivery d = TestTerminal.parse(f, Delivery.parser());
            assertEquals(requestId, d.getReplayRequestId());
            result.put(d.getEnvelope().getOrigin(), d.getJournalIndex());
        }
    }

    @Test
    void lastKnownPositionsOfTheSubtreeAtOnceAndAfterARestart() throws Exception
    {
        final Map<String, Long> expected = new HashMap<>();
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal uav = TestTerminal.login(router.port(), "uav-1", AIR, "520102");
             TestTerminal veh = TestTerminal.login(router.port(), "veh-1", GROUND, "520113001");
             TestTerminal far = TestTerminal.login(router.port(), "veh-9", GROUND, "520302");
             TestTerminal cp = TestTerminal.login(router.port(), "cp-5201", COMMAND_POST, "5201"))
        {
            report(uav, 26.1);
            expected.put("uav-1", report(uav, 26.2));
            report(veh, 26.3);
            expected.put("veh-1", report(veh, 26.4));
            report(far, 27.0);
            assertEquals(expected, latest(cp, "5201", 1));
            assertEquals(Map.of("uav-1", expected.get("uav-1")), latest(cp, "520102", 2));
        }
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal cp = TestTerminal.login(router.port(), "cp-5201", COMMAND_POST, "5201"))
        {
            assertEquals(expected, latest(cp, "5201", 3), "rebuilt from the journal");
        }
    }
}
