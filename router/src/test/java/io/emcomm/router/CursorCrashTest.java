package io.emcomm.router;

import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.router.crash.ChildRouter;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.emcomm.protocol.wire.TerminalKind.COMMAND_POST;
import static io.emcomm.protocol.wire.TerminalKind.GROUND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Delivery cursors survive kill -9: a command post that acked part of its traffic and has a backlog pending
 * gets, after a SIGKILL and restart, exactly the messages it had not acknowledged.
 */
@Timeout(120)
@ExtendWith(LeakWatch.class)
class CursorCrashTest
{
    @TempDir
    Path dir;

    @Test
    void aBacklogPendingAtKillMinus9IsDeliveredAfterTheRestartAndAckedMessagesAreNot() throws Exception
    {
        final List<Long> all = new ArrayList<>();
        final Set<Long> acked = new HashSet<>();
        try (ChildRouter router = ChildRouter.start(dir))
        {
            try (TestTerminal cp = TestTerminal.login(router.port(), "cp-5201", COMMAND_POST, "5201");
                 TestTerminal veh = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
            {
                for (int i = 0; i < 200; i++)
                {
                    all.add(veh.publish(veh.text("m" + i, Precedence.ROUTINE, "up:520102").build()).getJournalIndex());
                }
                // the post acks the first 120 it receives, then a round trip proves the router processed the acks
                for (int i = 0; i < 120; i++)
                {
                    acked.add(cp.awaitAndAck().getJournalIndex());
                }
                cp.replay(io.emcomm.protocol.wire.ReplayRequest.newBuilder().setRequestId(1).setLimit(1).build());
                cp.close();
                for (int i = 0; i < 50; i++)
                {
                    all.add(veh.publish(veh.text("offline " + i, Precedence.ROUTINE, "up:520102").build()).getJournalIndex());
                }
            }
            assertEquals(137, router.kill(), "SIGKILL");
        }
        try (ChildRouter router = ChildRouter.start(dir);
             TestTerminal cp = TestTerminal.login(router.port(), "cp-5201", COMMAND_POST, "5201");
             TestTerminal veh = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            veh.publish(veh.text("marker", Precedence.ROUTINE, "terminal:cp-5201").build());
            final Set<Long> got = new HashSet<>();
            while (true)
            {
                final Delivery d = cp.awaitAndAck();
                if (d.getEnvelope().getText().getText().equals("marker"))
                {
                    break;
                }
                assertTrue(got.add(d.getJournalIndex()), "no duplicate after the restart");
                assertFalse(acked.contains(d.getJournalIndex()), "an acknowledged message is not delivered again");
            }
            final Set<Long> expected = new HashSet<>(all);
            expected.removeAll(acked);
            assertEquals(expected, got, "every unacknowledged message, the backlog included");
        }
    }
}
