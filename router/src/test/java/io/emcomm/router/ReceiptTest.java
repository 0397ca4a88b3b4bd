package io.emcomm.router;

import io.emcomm.router.config.RouterConfig;
import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.Receipt;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.ManualClock;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import static io.emcomm.protocol.wire.TerminalKind.COMMAND_POST;
import static io.emcomm.protocol.wire.TerminalKind.GROUND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** End-to-end receipts, FLASH resend, non-delivery receipts and escalation, with an injected clock. */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class ReceiptTest
{
    @TempDir
    Path dir;

    @Test
    void theOriginGetsOneReceiptPerDestinationTerminalWhenItAcks() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal cp = TestTerminal.login(router.port(), "cp-5201", COMMAND_POST, "5201");
             TestTerminal v1 = TestTerminal.login(router.port(), "veh-1", GROUND, "520102");
             TestTerminal v2 = TestTerminal.login(router.port(), "veh-2", GROUND, "520113"))
        {
            final long index = cp.publish(cp.text("task", Precedence.IMMEDIATE, "region:5201/ground").setWantReceipts(true).build())
                .getJournalIndex();
            v1.awaitAndAck();
            v2.awaitAndAck();
            final Set<String> receiptsFrom = new TreeSet<>();
            for (int i = 0; i < 2; i++)
            {
                final Delivery d = cp.awaitAndAck();
                assertEquals(router.config().routerId(), d.getEnvelope().getOrigin(), "receipts come from the router");
                final Receipt r = d.getEnvelope().getReceipt();
                assertEquals(Receipt.Status.DELIVERED, r.getStatus());
                assertEquals(index, r.getJournalIndex());
                assertEquals("cp-5201", r.getMessageOrigin());
                receiptsFrom.add(r.getTerminalId());
            }
            assertEquals(Set.of("veh-1", "veh-2"), receiptsFrom);
        }
    }

    @Test
    void anUnacknowledgedFlashIsSentAgainThenReportedAndEscalatedUpTheChain() throws Exception
    {
        final ManualClock clock = new ManualClock();
        try (Router router = Router.start(new Router.Context()
                .config(RouterConfig.loopback(dir).flashAckTimeoutMs(10_000).build())
                .clockMicros(clock));
             TestTerminal origin = TestTerminal.login(router.port(), "cp-52", COMMAND_POST, "52");
             TestTerminal county = TestTerminal.login(router.port(), "cp-520102", COMMAND_POST, "520102");
             TestTerminal silent = TestTerminal.login(router.port(), "veh-7", GROUND, "520102001"))
        {
            final long index = origin.publish(origin.text("dam breach: evacuate", Precedence.FLASH, "terminal:veh-7").build())
                .getJournalIndex();
            assertEquals(index, silent.awaitDelivery().getJournalIndex());
            router.runTimers();
            clock.advanceMillis(10_001);
            router.runTimers();
            assertEquals(index, silent.awaitDelivery().getJournalIndex(), "sent again after the timeout");
            assertEquals(1, router.counters().flashResends());
            clock.advanceMillis(10_001);
            router.runTimers();

            final Delivery ndr = origin.awaitAndAck();
            assertEquals(Receipt.Status.NOT_DELIVERED, ndr.getEnvelope().getReceipt().getStatus());
            assertEquals("veh-7", ndr.getEnvelope().getReceipt().getTerminalId());
            assertEquals(index, ndr.getEnvelope().getReceipt().getJournalIndex());

            final Delivery escalated = county.awaitAndAck();
            assertEquals("dam breach: evacuate", escalated.getEnvelope().getText().getText());
            assertEquals(Precedence.FLASH, escalated.getEnvelope().getPrecedence());
            assertTrue(escalated.getEnvelope().getToList().contains("up:520102001"));
            assertEquals(1, router.counters().nonDeliveryReceipts());
        }
    }

    @Test
    void anAckForAnIndexNeverDeliveredGetsAnErrorAndTheSessionGoesOn() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal cp = TestTerminal.login(router.port(), "cp-5201", COMMAND_POST, "5201");
             TestTerminal veh = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            veh.ack(123_456_789L);
            final io.emcomm.protocol.wire.Error error = veh.expectError();
            assertEquals(ErrorCode.BAD_DELIVERY_ACK, error.getCode());
            assertTrue(error.getMessage().contains("123456789"), error.getMessage());
            assertFalse(error.getFatal());
            final long index = cp.publish(cp.text("still fine", Precedence.ROUTINE, "terminal:veh-1").build()).getJournalIndex();
            assertEquals(index, veh.awaitAndAck().getJournalIndex());
        }
    }
}
