package io.emcomm.router;

import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.config.AuthMode;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static io.emcomm.protocol.wire.TerminalKind.COMMAND_POST;
import static io.emcomm.protocol.wire.TerminalKind.GROUND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Mutual TLS 1.3 on the terminal port: the certificate is the identity; a hello claiming another is refused. */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class MutualTlsTest
{
    @TempDir
    static Path dir;

    private static X509Bundle ca;
    private static X509Bundle server;

    @BeforeAll
    static void pki() throws Exception
    {
        ca = builder().subject("CN=EmComm Test CA").setIsCertificateAuthority(true).buildSelfSigned();
        server = builder().subject("CN=localhost").addSanDnsName("localhost").addSanIpAddress("127.0.0.1")
            .addExtendedKeyUsageServerAuth().buildIssuedBy(ca);
        Files.writeString(dir.resolve("ca.pem"), ca.getCertificatePEM());
        Files.writeString(dir.resolve("server.pem"), server.getCertificatePathPEM());
        Files.writeString(dir.resolve("server.key"), server.getPrivateKeyPEM());
        Files.writeString(dir.resolve("terminals.txt"), "cp-5201 command-post 5201 -\nveh-1 ground 520102 -\n");
    }

    private static CertificateBuilder builder()
    {
        return new CertificateBuilder().ecp256().notBefore(Instant.now().minus(1, ChronoUnit.DAYS))
            .notAfter(Instant.now().plus(1, ChronoUnit.DAYS));
    }

    private static SSLContext clientContext(final String cn) throws Exception
    {
        final SSLContext context = SSLContext.getInstance("TLSv1.3");
        final X509Bundle client = builder().subject("CN=" + cn).addExtendedKeyUsageClientAuth().buildIssuedBy(ca);
        context.init(client.toKeyManagerFactory().getKeyManagers(), ca.toTrustManagerFactory().getTrustManagers(), null);
        return context;
    }

    private static Router start(final String dataName) throws IOException
    {
        final RouterConfig.Builder b = RouterConfig.builder().host("127.0.0.1").port(0).dataDir(dir.resolve(dataName)).ioThreads(2);
        b.security().authMode(AuthMode.MTLS).terminalsFile(dir.resolve("terminals.txt"))
            .tls(dir.resolve("server.pem"), dir.resolve("server.key"), dir.resolve("ca.pem"));
        return Router.start(new Router.Context().config(b.build()));
    }

    @Test
    void terminalsWithCertificatesForTheirIdsExchangeMessages() throws Exception
    {
        try (Router router = start("ok");
             TestTerminal cp = TestTerminal.connectTls(router.port(), clientContext("cp-5201"));
             TestTerminal veh = TestTerminal.connectTls(router.port(), clientContext("veh-1")))
        {
            cp.hello("cp-5201", COMMAND_POST, "5201");
            veh.hello("veh-1", GROUND, "520102");
            veh.publish(veh.text("over TLS", Precedence.PRIORITY, "up:520102").build());
            assertEquals("over TLS", cp.awaitAndAck().getEnvelope().getText().getText());
        }
    }

    @Test
    void aHelloClaimingAnotherIdentityIsRefused() throws Exception
    {
        try (Router router = start("spoof");
             TestTerminal spoofer = TestTerminal.connectTls(router.port(), clientContext("veh-1")))
        {
            spoofer.send(io.emcomm.protocol.wire.FrameType.HELLO, io.emcomm.protocol.wire.Hello.newBuilder().setProtocolVersion(1)
                .setTerminalId("cp-5201").setKind(COMMAND_POST).setRegionCode("5201").build());
            final io.emcomm.protocol.wire.Error e = spoofer.expectError();
            assertEquals(ErrorCode.AUTHENTICATION_FAILED, e.getCode());
            assertTrue(e.getMessage().contains("certificate is for 'veh-1', not 'cp-5201'"), e.getMessage());
            spoofer.awaitClosed();
            assertEquals(1, router.counters().authenticationFailures());
        }
    }

    @Test
    void aClientWithoutACertificateIsRejectedByTheServer() throws Exception
    {
        final SSLContext noCert = SSLContext.getInstance("TLSv1.3");
        noCert.init(null, ca.toTrustManagerFactory().getTrustManagers(), null);
        try (Router router = start("nocert");
             TestTerminal anonymous = TestTerminal.connectTls(router.port(), noCert))
        {
            // With TLS 1.3 the client may think the handshake succeeded; the server's verdict is what counts.
            try
            {
                anonymous.send(io.emcomm.protocol.wire.FrameType.HELLO, io.emcomm.protocol.wire.Hello.newBuilder()
                    .setProtocolVersion(1).setTerminalId("veh-1").setKind(GROUND).setRegionCode("520102").build());
            }
            catch (final IOException expected)
            {
                // the server may already have closed the connection
            }
            anonymous.awaitClosed();
            assertEquals(0, router.routingTable().sessionCount(), "no session was opened");
        }
    }
}
