package io.emcomm.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The relay against an echo server on loopback: relays, counts, cuts, stalls and restores as it says. */
@Timeout(30)
class TcpRelayTest
{
    private static final Duration WAIT = Duration.ofSeconds(10);

    private ServerSocket echo;
    private final AtomicLong echoed = new AtomicLong();
    private TcpRelay relay;

    @BeforeEach
    void start() throws IOException
    {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final Thread acceptor = new Thread(this::acceptLoop, "echo-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        relay = TcpRelay.start(echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException
    {
        relay.close();
        echo.close();
    }

    @Test
    void relaysBothWaysAndCountsTheBytes() throws Exception
    {
        try (Socket s = connect())
        {
            final byte[] hello = "hello over the link".getBytes(StandardCharsets.UTF_8);
            s.getOutputStream().write(hello);
            assertArrayEquals(hello, readExactly(s.getInputStream(), hello.length));
            assertTrue(relay.await(() -> relay.bytesFromTarget() == hello.length, WAIT), "bytes counted back");
            assertEquals(hello.length, relay.bytesToTarget());
            assertEquals(1, relay.accepted());
            assertEquals(1, relay.openConnections());
        }
        assertTrue(relay.await(() -> relay.openConnections() == 0, WAIT), "a closed client closes its relayed connection");
    }

    @Test
    void cutClosesEveryConnectionAndRefusesNewOnesUntilRestored() throws Exception
    {
        try (Socket before = connect())
        {
            roundTrip(before, "before");
            relay.cut();
            assertEquals(-1, before.getInputStream().read(), "the relayed connection was closed");
        }
        try (Socket during = connect())
        {
            assertEquals(-1, during.getInputStream().read(), "a connection made while cut is closed at once");
        }
        assertEquals(2, relay.accepted());
        relay.restore();
        try (Socket after = connect())
        {
            roundTrip(after, "after");
        }
    }

    @Test
    void stallHoldsTrafficBothWaysAndRestoreDeliversItAll() throws Exception
    {
        try (Socket s = connect())
        {
            roundTrip(s, "live");
            final long toTarget = relay.bytesToTarget();
            final long echoedBefore = echoed.get();
            relay.stall();
            final byte[] during = "written while the link was silent".getBytes(StandardCharsets.UTF_8);
            s.getOutputStream().write(during);
            try (Socket held = connect())
            {
                // accepted and held open, not relayed: no byte reaches the target while stalled
                held.getOutputStream().write(1);
                assertTrue(relay.await(() -> relay.accepted() == 2 && relay.openConnections() == 2, WAIT),
                    "the new connection is accepted and held open");
                assertEquals(toTarget, relay.bytesToTarget(), "nothing forwarded while stalled");
                assertEquals(echoedBefore, echoed.get(), "the target received nothing while stalled");
                relay.restore();
                assertArrayEquals(during, readExactly(s.getInputStream(), during.length), "held data arrives after restore");
                assertEquals(1, held.getInputStream().read(), "a held connection is relayed after restore");
            }
        }
    }

    @Test
    void aNewTargetTakesTheNextConnections() throws Exception
    {
        try (ServerSocket other = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()))
        {
            relay.target(other.getLocalPort());
            try (Socket s = connect(); Socket accepted = other.accept())
            {
                s.getOutputStream().write(7);
                assertEquals(7, accepted.getInputStream().read());
            }
        }
    }

    private Socket connect() throws IOException
    {
        final Socket s = new Socket();
        s.setSoTimeout((int)WAIT.toMillis());
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), relay.port()), (int)WAIT.toMillis());
        return s;
    }

    private static void roundTrip(final Socket s, final String text) throws IOException
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(bytes);
        assertArrayEquals(bytes, readExactly(s.getInputStream(), bytes.length));
    }

    private static byte[] readExactly(final InputStream in, final int length) throws IOException
    {
        final byte[] b = in.readNBytes(length);
        assertEquals(length, b.length, "connection closed early");
        return b;
    }

    private void acceptLoop()
    {
        while (!echo.isClosed())
        {
            try
            {
                final Socket s = echo.accept();
                final Thread t = new Thread(() -> echoLoop(s), "echo");
                t.setDaemon(true);
                t.start();
            }
            catch (final IOException ex)
            {
                return;
            }
        }
    }

    private void echoLoop(final Socket s)
    {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream())
        {
            final byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) > 0)
            {
                echoed.addAndGet(n);
                out.write(buf, 0, n);
            }
        }
        catch (final IOException ignore)
        {
            // the relay closed the connection
        }
    }
}
