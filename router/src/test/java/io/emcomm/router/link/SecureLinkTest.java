package io.emcomm.router.link;

import io.emcomm.protocol.wire.Advertise;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Hello;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Welcome;
import io.emcomm.router.Router;
import io.emcomm.router.config.AuthMode;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.config.Settings;
import io.emcomm.router.security.TokenHash;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestPki;
import io.emcomm.testing.TestTerminal;
import io.netty.pkitesting.X509Bundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static io.emcomm.protocol.wire.TerminalKind.AIR;
import static io.emcomm.protocol.wire.TerminalKind.COMMAND_POST;
import static io.emcomm.router.link.FederationLinkTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An uplink to a parent that authenticates (docs/security.md, docs/protocol.md section 14.1): over mutual TLS with the
 * child router's certificate (CN = its router id, listed in the parent's registry with kind {@code router}), and with
 * a token; a wrong token does not link.
 */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class SecureLinkTest
{
    @TempDir
    Path dir;

    @Test
    void aChildLinksOverMutualTlsWithItsCertificate() throws Exception
    {
        final TestPki pki = new TestPki(dir.resolve("pki"), "Guizhou EmComm CA");
        pki.server("127.0.0.1");
        pki.terminal("city");
        final Path registry = Files.writeString(dir.resolve("terminals.txt"),
            "city router 5201 -\ncp-52 command-post 52 -\n");
        final RouterConfig.Builder parent = RouterConfig.loopback(dir.resolve("province")).routerId("province").region("52");
        parent.security().authMode(AuthMode.MTLS).terminalsFile(registry)
            .tls(pki.serverCertificate(), pki.serverKey(), pki.ca());
        try (Router province = Router.start(new Router.Context().config(parent.build()));
             Router city = Router.start(new Router.Context().config(RouterConfig.loopback(dir.resolve("city"))
                 .routerId("city").region("5201").uplink("127.0.0.1:" + province.port(), "province")
                 .set(Settings.UPLINK_TLS_CA, pki.ca()).set(Settings.UPLINK_TLS_CERT, pki.certificate("city"))
                 .set(Settings.UPLINK_TLS_KEY, pki.key("city")).build()));
             TestTerminal cp52 = TestTerminal.connectTls(province.port(), clientContext(pki, "cp-52"));
             TestTerminal uav = TestTerminal.login(city.port(), "uav-1", AIR, "520102"))
        {
            cp52.hello("cp-52", COMMAND_POST, "52");
            await(city::uplinkUp, "the uplink is up over TLS");
            uav.publish(uav.text("over the secure link", Precedence.FLASH, "terminal:cp-52").build());
            assertEquals("over the secure link", cp52.awaitAndAck().getEnvelope().getText().getText());
        }
    }

    @Test
    void aChildLinksWithItsTokenAndNotWithAWrongOne() throws Exception
    {
        final String token = TokenHash.newToken();
        final Path registry = Files.writeString(dir.resolve("terminals.txt"), "city router 5201 " + TokenHash.hash(token)
            + "\ncp-52 command-post 52 " + TokenHash.hash(token) + "\n");
        final RouterConfig.Builder parent = RouterConfig.loopback(dir.resolve("province")).routerId("province").region("52");
        parent.security().authMode(AuthMode.TOKEN).terminalsFile(registry);
        try (Router province = Router.start(new Router.Context().config(parent.build())))
        {
            try (Router wrong = Router.start(new Router.Context().config(RouterConfig.loopback(dir.resolve("wrong"))
                .routerId("city").region("5201").uplink("127.0.0.1:" + province.port(), "province")
                .uplinkCredential("not-the-token").build())))
            {
                await(() -> province.counters().authenticationFailures() >= 2, "the city is refused, and dials again");
                assertFalse(wrong.uplinkUp());
            }
            try (Router city = Router.start(new Router.Context().config(RouterConfig.loopback(dir.resolve("city"))
                .routerId("city").region("5201").uplink("127.0.0.1:" + province.port(), "province")
                .uplinkCredential(token).build())))
            {
                await(city::uplinkUp, "the uplink is up with the token");
                assertEquals(Links.Direction.DOWNLINK, province.links().link("city").direction());
            }
        }
    }

    @Test
    void aChildCannotAdvertiseATerminalTheRegistryPlacesElsewhere() throws Exception
    {
        final String token = TokenHash.newToken();
        final Path registry = Files.writeString(dir.resolve("terminals.txt"), "city router 5201 " + TokenHash.hash(token)
            + "\ncp-52 command-post 52 -\nuav-9 air 520102 -\n");
        final RouterConfig.Builder parent = RouterConfig.loopback(dir.resolve("province")).routerId("province").region("52");
        parent.security().authMode(AuthMode.TOKEN).terminalsFile(registry);
        try (Router province = Router.start(new Router.Context().config(parent.build()));
             TestTerminal city = TestTerminal.connect(province.port()))
        {
            city.send(FrameType.HELLO, Hello.newBuilder().setProtocolVersion(1).setTerminalId("city")
                .setKind(TerminalKind.ROUTER).setRegionCode("5201").setCredential(token).build());
            assertTrue(city.expectControl(FrameType.WELCOME, Welcome.parser()).getPeerLink());
            city.send(FrameType.ADVERTISE, Advertise.newBuilder().setReset(true).addAddTerminals("cp-52")
                .addAddTerminals("uav-9").addAddTerminals("unlisted-1").build());
            city.sync();
            await(() -> !province.routingTable().peer("city").peerScope().advertisedTerminals().isEmpty(),
                "the advertisement applies");
            assertEquals(Set.of("uav-9", "unlisted-1"), province.routingTable().peer("city").peerScope()
                .advertisedTerminals(), "the province's own command post is not drawn to the city");
        }
    }

    private static SSLContext clientContext(final TestPki pki, final String cn) throws Exception
    {
        final SSLContext context = SSLContext.getInstance("TLSv1.3");
        final X509Bundle client = pki.terminalBundle(cn, false);
        context.init(client.toKeyManagerFactory().getKeyManagers(), pki.caBundle().toTrustManagerFactory().getTrustManagers(),
            null);
        return context;
    }
}
