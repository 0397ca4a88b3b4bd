package io.emcomm.router;

import io.emcomm.protocol.wire.Alert;
import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.PositionReport;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.emcomm.protocol.wire.TerminalKind.AIR;
import static io.emcomm.protocol.wire.TerminalKind.COMMAND_POST;
import static io.emcomm.protocol.wire.TerminalKind.SPACE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A shaped satellite link gets FLASH first and only the latest position of each source. */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class NarrowLinkTest
{
    @TempDir
    Path dir;

    private static Envelope position(final TestTerminal from, final int n, final String to)
    {
        return Envelope.newBuilder().setOrigin(from.id()).setOriginSequence(from.nextSequence()).addTo(to)
            .setPrecedence(Precedence.ROUTINE)
            .setPosition(PositionReport.newBuilder().setLat(26.6 + n * 0.001).setLon(106.7).setAltitudeM(n)).build();
    }

    @Test
    void aShapedLinkGetsFlashFirstAndOnlyTheLatestPositions() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal satellite = TestTerminal.login(router.port(), "bd-7", SPACE, "520111", "rate:400");
             TestTerminal uav1 = TestTerminal.login(router.port(), "uav-1", AIR, "520111");
             TestTerminal uav2 = TestTerminal.login(router.port(), "uav-2", AIR, "520111");
             TestTerminal cp = TestTerminal.login(router.port(), "cp-5201", COMMAND_POST, "5201"))
        {
            final long alert = cp.publish(Envelope.newBuilder().setOrigin("cp-5201").setOriginSequence(cp.nextSequence())
                .addTo("terminal:bd-7").setPrecedence(Precedence.ROUTINE)
                .setAlert(Alert.newBuilder().setEvent("Flood").setInstruction("move to high ground")).build()).getJournalIndex();
            final Map<String, Long> lastPosition = new HashMap<>();
            for (int i = 0; i < 30; i++)
            {
                lastPosition.put("uav-1", uav1.publish(position(uav1, i, "terminal:bd-7")).getJournalIndex());
                lastPosition.put("uav-2", uav2.publish(position(uav2, i, "terminal:bd-7")).getJournalIndex());
            }
            final long flash = cp.publish(cp.text("FLASH evacuate", Precedence.FLASH, "terminal:bd-7").build()).getJournalIndex();
            cp.publish(cp.text("marker", Precedence.ROUTINE, "terminal:bd-7").build());

            final List<Delivery> got = new ArrayList<>();
            while (true)
            {
                final Delivery d = satellite.awaitAndAck();
                if (d.getEnvelope().getText().getText().equals("marker"))
                {
                    break;
                }
                got.add(d);
            }
            final List<Long> indexes = got.stream().map(Delivery::getJournalIndex).toList();
            assertTrue(indexes.contains(alert), "alerts are never superseded");
            assertTrue(indexes.contains(lastPosition.get("uav-1")), "the latest position of uav-1 arrives");
            assertTrue(indexes.contains(lastPosition.get("uav-2")), "the latest position of uav-2 arrives");
            final long positions = got.stream().filter(Delivery::hasEnvelope).filter(d -> d.getEnvelope().hasPosition()).count();
            assertTrue(positions < 60, "older positions were superseded on the narrow link: " + positions + " of 60 sent");
            assertEquals(60 - positions, router.counters().superseded());
            assertTrue(indexes.indexOf(flash) < indexes.indexOf(lastPosition.get("uav-2")),
                "FLASH went out ahead of the queued position reports");
        }
    }

    @Test
    void anUnknownProfileOrAnAbsurdRateIsRefusedByName() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir)))
        {
            for (final String profile : new String[] {"carrier-pigeon", "rate:0", "rate:999999999999", "rate:fast"})
            {
                try (TestTerminal t = TestTerminal.connect(router.port()))
                {
                    t.send(io.emcomm.protocol.wire.FrameType.HELLO, io.emcomm.protocol.wire.Hello.newBuilder().setProtocolVersion(1)
                        .setTerminalId("bd-1").setKind(SPACE).setRegionCode("52").setLinkProfile(profile).build());
                    final io.emcomm.protocol.wire.Error error = t.expectError();
                    assertEquals(ErrorCode.UNKNOWN_LINK_PROFILE, error.getCode());
                    assertTrue(error.getMessage().contains(profile), error.getMessage());
                    t.awaitClosed();
                }
            }
            try (TestTerminal ok = TestTerminal.login(router.port(), "bd-1", SPACE, "52", "beidou"))
            {
                assertFalse(ok.isClosedByPeer(), "a named profile is accepted");
            }
        }
    }
}
