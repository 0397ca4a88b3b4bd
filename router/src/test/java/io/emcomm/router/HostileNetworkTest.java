package io.emcomm.router;

import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.ReplayRequest;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.emcomm.protocol.wire.TerminalKind.COMMAND_POST;
import static io.emcomm.protocol.wire.TerminalKind.GROUND;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Misbehaving peers at the network level: floods of silent connections, reconnect storms, half-closed
 * sockets and TLS handshakes that never finish. Each costs only its own connections; a bystander keeps
 * publishing and receiving, and nothing acknowledged is lost.
 */
@Timeout(120)
@ExtendWith(LeakWatch.class)
class HostileNetworkTest
{
    @TempDir
    Path dir;

    /** Reads until the peer closes; returns the bytes read (bounded by the socket's timeout). */
    private static int readUntilClosed(final Socket socket) throws Exception
    {
        socket.setSoTimeout((int)TestTerminal.TIMEOUT_MS);
        final InputStream in = socket.getInputStream();
        final byte[] buf = new byte[4096];
        int total = 0;
        int n;
        while ((n = in.read(buf)) >= 0)
        {
            total += n;
        }
        return total;
    }

    private static void bystanderStillWorks(final TestTerminal from, final TestTerminal to) throws Exception
    {
        final long index = from.publish(from.text("still here", Precedence.ROUTINE, "terminal:" + to.id()).build()).getJournalIndex();
        assertEquals(index, to.awaitAndAck().getJournalIndex());
    }

    @Test
    void aFloodOfSilentConnectionsIsShedWhileOthersCarryOn() throws Exception
    {
        final RouterConfig.Builder b = RouterConfig.loopback(dir);
        b.security().timeouts(500, 0);
        try (Router router = Router.start(new Router.Context().config(b.build()));
             TestTerminal cp = TestTerminal.login(router.port(), "cp-5201", COMMAND_POST, "5201");
             TestTerminal veh = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            final List<Socket> flood = new ArrayList<>();
            for (int i = 0; i < 300; i++)
            {
                final Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", router.port()), 2000);
                flood.add(s);
            }
            bystanderStillWorks(veh, cp);
            for (final Socket s : flood)
            {
                readUntilClosed(s); // the handshake timeout closes each one
                s.close();
            }
            bystanderStillWorks(cp, veh);
            assertEquals(2, router.routingTable().sessionCount());
        }
    }

    @Test
    void aReconnectStormLosesNothingAndLeavesOneSessionPerTerminal() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal cp = TestTerminal.login(router.port(), "cp-5201", COMMAND_POST, "5201"))
        {
            final Set<Long> sent = new HashSet<>();
            for (int round = 0; round < 5; round++)
            {
                final List<TestTerminal> storm = new ArrayList<>();
                for (int i = 0; i < 40; i++)
                {
                    storm.add(TestTerminal.login(router.port(), "veh-" + i, GROUND, "520102"));
                }
                sent.add(cp.publish(cp.text("round " + round, Precedence.IMMEDIATE, "region:520102").build()).getJournalIndex());
                for (final TestTerminal t : storm)
                {
                    t.close(); // drop without reading, as a vehicle in a valley does
                }
            }
            // every vehicle comes back once more and finds every message addressed to it, once each
            for (int i = 0; i < 40; i++)
            {
                try (TestTerminal t = TestTerminal.login(router.port(), "veh-" + i, GROUND, "520102"))
                {
                    cp.publish(cp.text("marker", Precedence.ROUTINE, "terminal:veh-" + i).build());
                    final Set<Long> got = new HashSet<>();
                    while (true)
                    {
                        final Delivery d = t.awaitAndAck();
                        if (d.getEnvelope().getText().getText().equals("marker"))
                        {
                            break;
                        }
                        got.add(d.getJournalIndex());
                    }
                    assertEquals(sent, got, "veh-" + i);
                }
            }
            assertEquals(5 + 40, cp.replay(ReplayRequest.newBuilder().setRequestId(1).build()).size(),
                "the journal holds the five rounds and the forty markers");
        }
    }

    @Test
    void aHalfClosedSocketEndsOnlyItsOwnSession() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal cp = TestTerminal.login(router.port(), "cp-5201", COMMAND_POST, "5201");
             TestTerminal veh = TestTerminal.login(router.port(), "veh-1", GROUND, "520102");
             TestTerminal half = TestTerminal.login(router.port(), "veh-2", GROUND, "520102"))
        {
            half.socket().shutdownOutput();
            half.awaitClosed();
            bystanderStillWorks(veh, cp);
            bystanderStillWorks(cp, veh);
        }
    }

    @Test
    void aTlsHandshakeThatNeverFinishesIsClosedByTheHandshakeTimeout() throws Exception
    {
        final X509Bundle server = new CertificateBuilder().ecp256().subject("CN=localhost").setIsCertificateAuthority(true)
            .buildSelfSigned();
        Files.writeString(dir.resolve("server.pem"), server.getCertificatePEM());
        Files.writeString(dir.resolve("server.key"), server.getPrivateKeyPEM());
        final RouterConfig.Builder b = RouterConfig.loopback(dir.resolve("data"));
        b.security().tls(dir.resolve("server.pem"), dir.resolve("server.key"), null).timeouts(500, 0);
        try (Router router = Router.start(new Router.Context().config(b.build()));
             Socket stuck = new Socket())
        {
            stuck.connect(new InetSocketAddress("127.0.0.1", router.port()), 2000);
            stuck.getOutputStream().write(new byte[] {0x16, 0x03, 0x01}); // the start of a TLS record, then silence
            stuck.getOutputStream().flush();
            readUntilClosed(stuck);
            assertEquals(0, router.routingTable().sessionCount());
        }
    }
}
