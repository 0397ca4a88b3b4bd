package io.emcomm.router.link;

import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.Router;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.emcomm.protocol.wire.TerminalKind.COMMAND_POST;
import static io.emcomm.protocol.wire.TerminalKind.GROUND;
import static io.emcomm.router.link.FederationLinkTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Province (52), city (5201) and county (520102) routers in this JVM, each child's uplink to its parent
 * (docs/protocol.md section 14): the county's advertisement reaches the province through the city, and a village
 * handheld's {@code region:52} message reaches the command post under each router once.
 */
@Timeout(120)
@ExtendWith(LeakWatch.class)
class ThreeLevelTest
{
    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception
    {
        for (int i = open.size() - 1; i >= 0; i--)
        {
            open.get(i).close();
        }
    }

    private Router router(final String id, final String region, final Router parent, final String parentId)
    {
        final RouterConfig.Builder b = RouterConfig.loopback(dir.resolve(id)).routerId(id).region(region);
        if (parent != null)
        {
            b.uplink("127.0.0.1:" + parent.port(), parentId).uplinkReconnectMaxMs(200);
        }
        final Router r = Router.start(new Router.Context().config(b.build()));
        open.add(r);
        return r;
    }

    private TestTerminal login(final Router r, final String id, final TerminalKind kind, final String region)
        throws IOException
    {
        final TestTerminal t = TestTerminal.login(r.port(), id, kind, region);
        open.add(t);
        return t;
    }

    @Test
    void aGrandchildsTerminalIsReachedAndARegionMessageReachesEachLevelOnce() throws Exception
    {
        final Router province = router("province", "52", null, null);
        final Router city = router("city", "5201", province, "province");
        final Router county = router("county", "520102", city, "city");
        await(() -> city.uplinkUp() && county.uplinkUp(), "both uplinks up");

        final TestTerminal cp52 = login(province, "cp-52", COMMAND_POST, "52");
        final TestTerminal cp5201 = login(city, "cp-5201", COMMAND_POST, "5201");
        final TestTerminal cp520102 = login(county, "cp-520102", COMMAND_POST, "520102");
        final TestTerminal handheld = login(county, "hh-9", GROUND, "520102001001");
        await(() -> province.routingTable().peer("city") != null
            && province.routingTable().peer("city").peerScope().advertisedTerminals().contains("hh-9"),
            "the county's terminal is advertised to the province through the city");

        cp52.publish(cp52.text("to the village", Precedence.FLASH, "terminal:hh-9").build());
        final Delivery down = handheld.awaitAndAck();
        assertEquals("cp-52", down.getEnvelope().getOrigin());

        handheld.publish(handheld.text("the whole province", Precedence.IMMEDIATE, "region:52").build());
        for (final TestTerminal post : List.of(cp52, cp5201, cp520102))
        {
            final Delivery d = post.awaitAndAck();
            assertEquals("the whole province", d.getEnvelope().getText().getText());
            post.sync();
            assertFalse(post.hasDeliveryQueued(), post.id() + ": once");
        }
        handheld.sync();
        assertFalse(handheld.hasDeliveryQueued(), "not back to its origin");
    }
}
