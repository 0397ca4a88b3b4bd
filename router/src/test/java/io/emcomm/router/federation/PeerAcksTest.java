package io.emcomm.router.federation;

import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.session.Session;
import io.emcomm.testing.LeakWatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.emcomm.router.federation.FederationFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A peer link's DELIVERY_ACK is a router's, not a terminal's (FEDERATION-DESIGN.md, "Receipts, FLASH watch"): it makes
 * no delivery receipt, and a link keeps no FLASH deadline (no resend, no NOT_DELIVERED, no escalation). The router
 * where the addressee is connected does both. Each test runs a terminal beside the link on the same message, which
 * gets the receipt and the FLASH chase, so the test would see them if the link made them too.
 */
@ExtendWith(LeakWatch.class)
final class PeerAcksTest
{
    @TempDir
    Path dir;

    private FederationFixture fx;
    private Session county;
    private Session uav;
    private Session post;

    @BeforeEach
    void open()
    {
        fx = new FederationFixture(dir);
        county = fx.child("county-r", "520102");
        uav = fx.login("uav-7", TerminalKind.AIR, "5201");
        post = fx.login("cp-5201", TerminalKind.COMMAND_POST, "5201");
    }

    @AfterEach
    void close()
    {
        fx.close();
    }

    @Test
    void aLinksAcknowledgementMakesNoReceipt()
    {
        final long index = fx.publish(post, text("cp-5201", 1, "region:5201").setWantReceipts(true).build()).index();
        assertEquals(List.of(index), fx.indexes(county));
        assertEquals(List.of(index), fx.indexes(uav));

        fx.ackAll(county);
        assertEquals(List.of(), fx.events.delivered, "the county router's ack is not a delivery");
        fx.ackAll(uav);
        assertEquals(List.of(index + " uav-7"), fx.events.delivered, "the terminal's is");
    }

    @Test
    void aLinkKeepsNoFlashDeadline()
    {
        final long index = fx.publish(post, text("cp-5201", 1, "region:5201").setPrecedence(Precedence.FLASH).build()).index();
        assertEquals(List.of(index), fx.indexes(county));
        assertEquals(List.of(index), fx.indexes(uav));

        fx.clock.advanceMillis(FederationFixture.FLASH_TIMEOUT_MICROS / 1000 + 1);
        fx.timers();
        assertEquals(List.of(index), fx.indexes(county), "not sent again over the link");
        assertEquals(List.of(index, index), fx.indexes(uav), "the silent terminal gets it again");

        fx.clock.advanceMillis(FederationFixture.FLASH_TIMEOUT_MICROS / 1000 + 1);
        fx.timers();
        assertEquals(List.of(index + " uav-7"), fx.events.notDelivered, "NOT_DELIVERED for the terminal only");
        assertEquals(1, fx.counters.flashResends());
        assertTrue(county.feed().unacked() == 1, "the link's delivery still waits for the link's own ack");
    }

    @Test
    void aFlashThatCameOverALinkIsChasedWhereTheAddresseeIs()
    {
        fx.importFrom(county, text("hh-9", 1, "terminal:uav-7").setPrecedence(Precedence.FLASH).setWantReceipts(true).build(),
            TerminalKind.GROUND, "520102001");
        final long index = fx.indexes(uav).get(0);
        fx.ackAll(uav);
        assertEquals(List.of(index + " uav-7"), fx.events.delivered, "the receipt is made here, and crosses back by its address");
    }
}
