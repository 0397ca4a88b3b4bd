package io.emcomm.router.link;

import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.PublishAck;
import io.emcomm.router.Router;
import io.emcomm.router.config.JournalSync;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.journal.JournalSyncer;
import io.emcomm.router.session.Session;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

import static io.emcomm.protocol.wire.TerminalKind.AIR;
import static io.emcomm.protocol.wire.TerminalKind.COMMAND_POST;
import static io.emcomm.router.link.FederationLinkTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Peer-link imports with {@code emcomm.journal.sync=batch} and group commit: the importing router acknowledges a
 * forwarded message to the sending router (DELIVERY_ACK, which moves the sender's cursor for the link) and delivers it
 * to its own terminal only once its journal's syncer has made the import durable. Two routers over real TCP; the
 * city's syncer is held to show nothing leaves before.
 */
@Timeout(120)
@ExtendWith(LeakWatch.class)
class GroupCommitLinkTest
{
    @TempDir
    Path dir;

    @Test
    void anImportIsAcknowledgedToTheSenderAndDeliveredOnlyOnceDurable() throws Exception
    {
        final int provincePort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")))
        {
            provincePort = s.getLocalPort();
        }
        try (Router province = Router.start(Router.Context.loopback(dir.resolve("province")).config(RouterConfig
                .loopback(dir.resolve("province")).port(provincePort).routerId("province").region("52")
                .journalSync(JournalSync.BATCH).build()));
             Router city = Router.start(Router.Context.loopback(dir.resolve("city")).config(RouterConfig
                 .loopback(dir.resolve("city")).routerId("city").region("5201").uplink("127.0.0.1:" + provincePort, "province")
                 .uplinkReconnectMaxMs(200).journalSync(JournalSync.BATCH).build()));
             TestTerminal uav = TestTerminal.login(city.port(), "uav-1", AIR, "520102");
             TestTerminal cp52 = TestTerminal.login(province.port(), "cp-52", COMMAND_POST, "52"))
        {
            await(city::uplinkUp, "the city's uplink comes up");
            await(() -> province.routingTable().peer("city") != null, "the province registers the city's link");
            final Session link = province.routingTable().peer("city");
            await(() -> link.peerScope().advertisedTerminals().contains("uav-1"), "the city advertises uav-1");

            final JournalSyncer syncer = city.journal().syncer();
            syncer.awaitDurable(syncer.requestedIndex());
            final long cityBefore = city.journal().lastIndex();
            syncer.hold();

            final PublishAck sent = cp52.publish(cp52.text("to the drone", Precedence.PRIORITY, "terminal:uav-1").build());
            await(() -> city.journal().lastIndex() > cityBefore && syncer.requestedIndex() >= city.journal().lastIndex(),
                "the city imports the message and asks for its sync");
            final long firstImport = city.journal().lastIndex();
            // the city's link loop reads on while the sync is held: the next forwarded message is imported too
            final PublishAck second = cp52.publish(cp52.text("and again", Precedence.PRIORITY, "terminal:uav-1").build());
            await(() -> city.journal().lastIndex() > firstImport, "the city's link loop reads and imports on while its sync is held");
            final long imported = city.journal().lastIndex();
            assertTrue(link.terminal().cursor() < sent.getJournalIndex(),
                "the province's cursor for the link moved before the city synced the import");
            assertFalse(uav.hasDeliveryQueued(), "the city delivered the import before syncing it");
            assertTrue(syncer.durableIndex() < imported);

            syncer.release();
            final Delivery d = uav.awaitAndAck();
            assertEquals("to the drone", d.getEnvelope().getText().getText());
            assertTrue(syncer.durableIndex() >= firstImport, "delivered once durable");
            assertEquals("and again", uav.awaitAndAck().getEnvelope().getText().getText());
            await(() -> link.terminal().cursor() >= second.getJournalIndex(),
                "the city's DELIVERY_ACK moves the province's cursor for the link once the import is durable");
        }
    }
}
