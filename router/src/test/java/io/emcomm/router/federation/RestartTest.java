package io.emcomm.router.federation;

import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.PositionReport;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.journal.DedupeWindow;
import io.emcomm.router.journal.DedupeWindows;
import io.emcomm.router.journal.JournalRecovery;
import io.emcomm.router.replay.LatestPositions;
import io.emcomm.router.sequence.ImportOutcome;
import io.emcomm.router.session.Session;
import io.emcomm.router.terminal.ChronicleCursorStore;
import io.emcomm.testing.LeakWatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the start-up pass over the journal ({@link JournalRecovery}) rebuilds from imported entries: the dedupe windows
 * (an import sent again after a restart is still a duplicate, as issue 16 item 3 asks), but no cursor for a terminal
 * of another router (which would count it as served here).
 */
@ExtendWith(LeakWatch.class)
final class RestartTest
{
    @TempDir
    Path dir;

    @Test
    void importsAreStillDuplicatesAfterARestartAndMakeNoCursorForTheirOrigin()
    {
        final long imported;
        final Envelope fromCounty = Envelope.newBuilder().setOrigin("hh-9").setOriginSequence(3).addTo("region:5201")
            .setPosition(PositionReport.newBuilder().setLat(26.5).setLon(106.7)).build();
        try (FederationFixture fx = new FederationFixture(dir))
        {
            final Session county = fx.child("county-r", "520102");
            final Session uav = fx.login("uav-7", TerminalKind.AIR, "5201");
            imported = fx.importFrom(county, fromCounty, TerminalKind.GROUND, "520102001").index();
            fx.publish(uav, Envelope.newBuilder().setOrigin("uav-7").setOriginSequence(1).addTo("region:5201")
                .setPosition(PositionReport.newBuilder().setLat(26.6).setLon(106.6)).build());
        }

        try (FederationFixture fx = new FederationFixture(dir);
             ChronicleCursorStore cursors = new ChronicleCursorStore(dir.resolve("cursors-after")))
        {
            final DedupeWindows rebuilt = new DedupeWindows();
            JournalRecovery.recover(fx.journal, rebuilt.recovery(), LatestPositions.recovery(cursors));
            assertEquals(imported, rebuilt.state("hh-9").lookup(3), "the imported message is known by origin and sequence");
            assertTrue(cursors.contains("uav-7"), "a local terminal's latest position, as before");
            assertFalse(cursors.contains("hh-9"), "no cursor here for a terminal of the county router");

            // the fixture's own windows are rebuilt the same way, as the router does at start
            JournalRecovery.recover(fx.journal, fx.origins.recovery());
            final Session county = fx.child("county-r", "520102");
            final ImportOutcome again = fx.importFrom(county, fromCounty, TerminalKind.GROUND, "520102001");
            assertEquals(ImportOutcome.Kind.DUPLICATE, again.kind(), "sent again after the restart: not journaled twice");
            assertEquals(imported, again.index());
            assertEquals(DedupeWindow.UNKNOWN, rebuilt.state("hh-9").lookup(4));
        }
    }
}
