package io.emcomm.router;

import io.emcomm.router.config.RouterConfig;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.ManualClock;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.emcomm.protocol.wire.TerminalKind.COMMAND_POST;
import static io.emcomm.protocol.wire.TerminalKind.GROUND;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * protocol.md section 7.5: no receipt for an expired message (issue 12, section 12). A FLASH that expires while
 * the router waits for its acknowledgement is neither sent again nor reported NOT_DELIVERED nor escalated.
 */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class FlashExpiryTest
{
    private static final int FLASH_TIMEOUT_MS = 10_000;

    @TempDir
    Path dir;

    @Test
    void aFlashThatExpiresAfterItsResendIsNotReportedNotDeliveredNorEscalated() throws Exception
    {
        unacknowledgedFlashExpiringAfter(15_000, 1);
    }

    @Test
    void aFlashThatExpiresBeforeItsResendIsNotSentAgain() throws Exception
    {
        unacknowledgedFlashExpiringAfter(5_000, 0);
    }

    private void unacknowledgedFlashExpiringAfter(final long lifeMs, final int resends) throws Exception
    {
        final ManualClock clock = new ManualClock();
        try (Router router = Router.start(new Router.Context()
                .config(RouterConfig.loopback(dir).flashAckTimeoutMs(FLASH_TIMEOUT_MS).build())
                .clockMicros(clock));
             TestTerminal origin = TestTerminal.login(router.port(), "cp-52", COMMAND_POST, "52");
             TestTerminal county = TestTerminal.login(router.port(), "cp-520102", COMMAND_POST, "520102");
             TestTerminal silent = TestTerminal.login(router.port(), "veh-7", GROUND, "520102001"))
        {
            final long index = origin.publish(origin.text("road closed for the next minutes", Precedence.FLASH, "terminal:veh-7")
                .setExpiresAtMicros(clock.getAsLong() + lifeMs * 1000).build()).getJournalIndex();
            assertEquals(index, silent.awaitDelivery().getJournalIndex()); // read, never acknowledged
            router.runTimers();
            clock.advanceMillis(FLASH_TIMEOUT_MS + 1);
            router.runTimers();
            if (resends == 1)
            {
                assertEquals(index, silent.awaitDelivery().getJournalIndex(), "still valid at the first deadline: sent again");
            }
            clock.advanceMillis(FLASH_TIMEOUT_MS + 1);
            router.runTimers();
            clock.advanceMillis(FLASH_TIMEOUT_MS + 1);
            router.runTimers(); // a third deadline changes nothing either: the watch has let it go

            assertEquals(resends, router.counters().flashResends());
            assertEquals(0, router.counters().nonDeliveryReceipts(), "no NOT_DELIVERED for an expired message");
            assertEquals(1, router.counters().expired());
            assertEquals(index, router.cursors().terminal("veh-7", -1).cursor(), "an expired message counts as done");
            final TestTerminal[] others = {origin, county};
            for (final TestTerminal t : others)
            {
                // a marker to each shows that no receipt and no escalated copy came before it
                origin.publish(origin.text("marker", Precedence.FLASH, "terminal:" + t.id()).build());
                assertEquals(List.of(), DeliveryTest.receiveUntilMarker(t, "marker"), t.id() + " gets no receipt and no copy");
            }
            silent.sync();
            assertEquals(false, silent.hasDeliveryQueued(), "nothing more for the silent terminal");
        }
    }
}
