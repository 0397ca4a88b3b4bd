package io.emcomm.client;

import io.emcomm.testing.TestPki;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.Router;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.net.TlsHandshakeFailureHandler;
import io.emcomm.router.config.AuthMode;
import io.emcomm.testing.LeakWatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS in the client library against a real router with mutual TLS (docs/security.md §2): terminals with
 * certificates from the network's CA exchange messages; every misconfiguration fails connect() with one sentence
 * naming the cause, and the router logs why the handshake failed (issue 12, kind 7).
 */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class TlsClientTest
{
    private static final long WAIT_S = 10;

    @TempDir
    Path dir;

    private TestPki pki;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final ListAppender<ILoggingEvent> routerLog = new ListAppender<>();
    private final Logger handshakeLogger = (Logger)LoggerFactory.getLogger(TlsHandshakeFailureHandler.class);

    @BeforeEach
    void pki() throws Exception
    {
        pki = new TestPki(dir.resolve("pki"), "Guizhou EmComm CA");
        pki.server("localhost", "127.0.0.1");
        pki.terminal("uav-1");
        pki.terminal("cp-5201");
        Files.writeString(dir.resolve("terminals.txt"), "cp-5201 command-post 5201 -\nuav-1 air 520102 -\n");
        routerLog.start();
        handshakeLogger.addAppender(routerLog);
    }

    @AfterEach
    void closeAll() throws Exception
    {
        handshakeLogger.detachAppender(routerLog);
        for (int i = resources.size() - 1; i >= 0; i--)
        {
            resources.get(i).close();
        }
    }

    private <T extends AutoCloseable> T track(final T resource)
    {
        resources.add(resource);
        return resource;
    }

    private Router mtlsRouter()
    {
        final RouterConfig.Builder b = RouterConfig.loopback(dir.resolve("data"));
        b.security().authMode(AuthMode.MTLS).terminalsFile(dir.resolve("terminals.txt"))
            .tls(pki.serverCertificate(), pki.serverKey(), pki.ca());
        return track(Router.start(new Router.Context().config(b.build())));
    }

    private ClientOptions.Builder uav(final Router router)
    {
        return ClientOptions.builder().router("127.0.0.1", router.port()).terminal("uav-1", TerminalKind.AIR, "520102");
    }

    /** The router's one log line about a failed handshake (waits for it: the router logs on its own thread). */
    private String routerLogLine() throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (routerLog.list.isEmpty())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("the router logged no TLS handshake failure");
            }
            Thread.onSpinWait();
            Thread.yield();
        }
        return routerLog.list.get(0).getFormattedMessage();
    }

    @Test
    void terminalsWithCertificatesFromTheNetworksCaExchangeMessages() throws Exception
    {
        final Router router = mtlsRouter();
        final BlockingQueue<Delivery> received = new LinkedBlockingQueue<>();
        final EmcommClient cp = track(EmcommClient.connect(ClientOptions.builder().router("localhost", router.port())
            .terminal("cp-5201", TerminalKind.COMMAND_POST, "5201")
            .tls(pki.ca()).tlsClientCertificate(pki.certificate("cp-5201"), pki.key("cp-5201"))
            .deliveryListener(received::add).build()));
        final EmcommClient uav = track(EmcommClient.connect(uav(router).tls(pki.ca())
            .tlsClientCertificate(pki.certificate("uav-1"), pki.key("uav-1")).build()));
        assertTrue(uav.publish(Message.text("over TLS").to("terminal:cp-5201")).get(WAIT_S, TimeUnit.SECONDS).journalIndex() > 0);
        final Delivery d = received.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(d);
        assertEquals("over TLS", d.envelope().getText().getText());
        assertEquals(ConnectionState.CONNECTED, cp.state());
        assertTrue(routerLog.list.isEmpty(), "no handshake failed: " + routerLog.list);
    }

    @Test
    void aClientWithoutACertificateIsToldTheRouterRequiresOne() throws Exception
    {
        final Router router = mtlsRouter();
        final EmcommException ex = assertThrows(EmcommException.class, () -> EmcommClient.connect(uav(router).tls(pki.ca()).build()));
        assertTrue(ex.getMessage().startsWith("TLS handshake with the router at 127.0.0.1:" + router.port()
            + " failed: the router requires a client certificate"), ex.getMessage());
        final String logged = routerLogLine();
        assertTrue(logged.matches("TLS handshake with /127\\.0\\.0\\.1:\\d+ failed: no client certificate signed by the CA in emcomm.tls.ca .*"), logged);
    }

    @Test
    void aClientTrustingAnotherCaRefusesTheRouter() throws Exception
    {
        final Router router = mtlsRouter();
        final TestPki other = new TestPki(dir.resolve("other"), "Someone Else's CA");
        final EmcommException ex = assertThrows(EmcommException.class, () -> EmcommClient.connect(uav(router).tls(other.ca())
            .tlsClientCertificate(pki.certificate("uav-1"), pki.key("uav-1")).build()));
        assertEquals("TLS handshake with the router at 127.0.0.1:" + router.port() + " failed: the router's certificate is not "
            + "signed by a CA this client trusts (check the TLS CA file)", ex.getMessage());
        final String logged = routerLogLine();
        assertTrue(logged.matches("TLS handshake with /127\\.0\\.0\\.1:\\d+ failed: the client does not trust the router's certificate .*"),
            logged);
    }

    @Test
    void aClientCertificateFromAnotherCaIsRefusedByTheRouter() throws Exception
    {
        final Router router = mtlsRouter();
        final TestPki other = new TestPki(dir.resolve("other"), "Someone Else's CA");
        other.terminal("uav-1");
        final EmcommException ex = assertThrows(EmcommException.class, () -> EmcommClient.connect(uav(router).tls(pki.ca())
            .tlsClientCertificate(other.certificate("uav-1"), other.key("uav-1")).build()));
        assertTrue(ex.getMessage().startsWith("TLS handshake with the router at 127.0.0.1:" + router.port()
            + " failed: the router refused the client certificate; is it signed by the router's CA and still valid?"), ex.getMessage());
        final String logged = routerLogLine();
        // A JDK client presents no certificate that the router's CA did not issue, so the router sees none.
        assertTrue(logged.matches("TLS handshake with /127\\.0\\.0\\.1:\\d+ failed: no client certificate signed by the CA in emcomm.tls.ca .*"),
            logged);
    }

    @Test
    void theRoutersCertificateMustNameTheDialledHostUnlessVerificationIsOff() throws Exception
    {
        pki.server("router.gz.example"); // neither localhost nor 127.0.0.1
        final Router router = mtlsRouter();
        final ClientOptions.Builder options = uav(router).tls(pki.ca()).tlsClientCertificate(pki.certificate("uav-1"), pki.key("uav-1"));
        final EmcommException ex = assertThrows(EmcommException.class, () -> EmcommClient.connect(options.build()));
        assertTrue(ex.getMessage().startsWith("TLS handshake with the router at 127.0.0.1:" + router.port()
            + " failed: the router's certificate does not name the host dialled"), ex.getMessage());
        final EmcommException byName = assertThrows(EmcommException.class,
            () -> EmcommClient.connect(options.router("localhost", router.port()).build()));
        assertTrue(byName.getMessage().startsWith("TLS handshake with the router at localhost:" + router.port()
            + " failed: the router's certificate does not name the host dialled"), byName.getMessage());

        final EmcommClient lab = track(EmcommClient.connect(options.tlsVerifyHostname(false).build()));
        assertEquals(ConnectionState.CONNECTED, lab.state());
    }

    @Test
    void plainTcpOnEitherSideIsNamed() throws Exception
    {
        final Router tls = mtlsRouter();
        final EmcommException plainClient = assertThrows(EmcommException.class, () -> EmcommClient.connect(uav(tls).build()));
        assertEquals("the router at 127.0.0.1:" + tls.port() + " closed the connection before welcoming terminal uav-1 "
            + "(if its terminal port uses TLS, give the client the router's CA)", plainClient.getMessage());
        final String logged = routerLogLine();
        assertTrue(logged.matches("TLS handshake with /127\\.0\\.0\\.1:\\d+ failed: the client does not speak TLS .*"), logged);

        final Router plain = track(Router.start(Router.Context.loopback(dir.resolve("plain"))));
        final EmcommException tlsClient = assertThrows(EmcommException.class, () -> EmcommClient.connect(uav(plain).tls(pki.ca()).build()));
        assertEquals("the router at 127.0.0.1:" + plain.port() + " did not answer in TLS (is its terminal port plain TCP?)",
            tlsClient.getMessage());
    }

    @Test
    void aClientOfferingOnlyTls12IsLoggedAsNoCommonProtocolVersion() throws Exception
    {
        final Router router = mtlsRouter();
        final javax.net.ssl.SSLContext tls12 = javax.net.ssl.SSLContext.getInstance("TLSv1.2");
        tls12.init(null, null, null);
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket)tls12.getSocketFactory().createSocket("127.0.0.1", router.port()))
        {
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.setSoTimeout((int)TimeUnit.SECONDS.toMillis(WAIT_S));
            assertThrows(javax.net.ssl.SSLException.class, socket::startHandshake);
        }
        final String logged = routerLogLine();
        assertTrue(logged.matches("TLS handshake with /127\\.0\\.0\\.1:\\d+ failed: no protocol version or cipher in common; "
            + "the router accepts TLS 1.3 only .*"), logged);
    }

    /**
     * A client that offers its certificate whatever CA the router asks for (as non-JDK clients do), so that the
     * router itself judges it.
     */
    private static javax.net.ssl.SSLSocket offering(final io.netty.pkitesting.X509Bundle certificate,
        final io.netty.pkitesting.X509Bundle trusted, final int port) throws Exception
    {
        final javax.net.ssl.X509KeyManager keys = (javax.net.ssl.X509KeyManager)certificate.toKeyManagerFactory().getKeyManagers()[0];
        final String alias = keys.getClientAliases("EC", null)[0];
        final javax.net.ssl.X509ExtendedKeyManager always = new javax.net.ssl.X509ExtendedKeyManager()
        {
            @Override
            public String[] getClientAliases(final String keyType, final java.security.Principal[] issuers)
            {
                return new String[] {alias};
            }

            @Override
            public String chooseClientAlias(final String[] keyType, final java.security.Principal[] issuers, final java.net.Socket socket)
            {
                return alias;
            }

            @Override
            public String chooseEngineClientAlias(final String[] keyType, final java.security.Principal[] issuers,
                final javax.net.ssl.SSLEngine engine)
            {
                return alias;
            }

            @Override
            public String[] getServerAliases(final String keyType, final java.security.Principal[] issuers)
            {
                return null;
            }

            @Override
            public String chooseServerAlias(final String keyType, final java.security.Principal[] issuers, final java.net.Socket socket)
            {
                return null;
            }

            @Override
            public java.security.cert.X509Certificate[] getCertificateChain(final String name)
            {
                return keys.getCertificateChain(name);
            }

            @Override
            public java.security.PrivateKey getPrivateKey(final String name)
            {
                return keys.getPrivateKey(name);
            }
        };
        final javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
        context.init(new javax.net.ssl.KeyManager[] {always}, trusted.toTrustManagerFactory().getTrustManagers(), null);
        final javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket)context.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout((int)TimeUnit.SECONDS.toMillis(WAIT_S));
        return socket;
    }

    /** Completes the client's side of the handshake and reads until the router's verdict closes the socket. */
    private static void handshakeAndRead(final javax.net.ssl.SSLSocket socket)
    {
        try
        {
            socket.startHandshake();
            socket.getOutputStream().write(new byte[] {0, 0, 0, 1, 11}); // a HEARTBEAT; TLS 1.3 judges the client after
            socket.getOutputStream().flush();
            while (socket.getInputStream().read() >= 0)
            {
                // nothing is expected before the alert
            }
        }
        catch (final java.io.IOException expected)
        {
            // the router's alert
        }
    }

    @Test
    void aCertificateFromAnotherCaIsLoggedAsNotSignedByTheRoutersCa() throws Exception
    {
        final Router router = mtlsRouter();
        final TestPki other = new TestPki(dir.resolve("other"), "Someone Else's CA");
        try (javax.net.ssl.SSLSocket socket = offering(other.terminalBundle("uav-1", false), pki.caBundle(), router.port()))
        {
            handshakeAndRead(socket);
        }
        final String logged = routerLogLine();
        assertTrue(logged.matches("TLS handshake with /127\\.0\\.0\\.1:\\d+ failed: the client certificate is not signed by "
            + "the CA in emcomm.tls.ca .*"), logged);
    }

    @Test
    void anExpiredCertificateIsLoggedAsExpired() throws Exception
    {
        final Router router = mtlsRouter();
        try (javax.net.ssl.SSLSocket socket = offering(pki.terminalBundle("uav-1", true), pki.caBundle(), router.port()))
        {
            handshakeAndRead(socket);
        }
        final String logged = routerLogLine();
        assertTrue(logged.matches("TLS handshake with /127\\.0\\.0\\.1:\\d+ failed: the client certificate has expired .*"), logged);
    }

    @Test
    void unusableTlsFilesAreNamedWhenTheOptionsAreBuilt() throws Exception
    {
        final Path missing = dir.resolve("nope.pem");
        assertEquals("TLS CA file " + missing + " does not exist",
            assertThrows(IllegalArgumentException.class, () -> ClientOptions.builder().terminal("uav-1", TerminalKind.AIR, "52")
                .tls(missing).build()).getMessage());
        assertEquals("TLS client certificate and key: give both or neither",
            assertThrows(IllegalArgumentException.class, () -> ClientOptions.builder().terminal("uav-1", TerminalKind.AIR, "52")
                .tls(pki.ca()).tlsClientCertificate(pki.certificate("uav-1"), null).build()).getMessage());
        final Path notPem = Files.writeString(dir.resolve("garbage.pem"), "not a certificate");
        final String bad = assertThrows(IllegalArgumentException.class, () -> ClientOptions.builder()
            .terminal("uav-1", TerminalKind.AIR, "52").tls(notPem).build()).getMessage();
        assertTrue(bad.startsWith("TLS CA file " + notPem + " holds no usable PEM certificate: "), bad);
        final String mismatched = assertThrows(IllegalArgumentException.class, () -> ClientOptions.builder()
            .terminal("uav-1", TerminalKind.AIR, "52").tls(pki.ca()).tlsClientCertificate(pki.certificate("uav-1"), pki.ca()).build())
            .getMessage();
        assertTrue(mismatched.startsWith("TLS client certificate " + pki.certificate("uav-1") + " with key " + pki.ca()
            + " is not usable"), mismatched);
    }
}
