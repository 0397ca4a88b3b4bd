package io.emcomm.router;

import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Hello;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.ReplayRequest;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Text;
import io.emcomm.protocol.wire.Welcome;
import io.emcomm.router.config.ConfigException;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.config.Settings;
import io.emcomm.testing.ManualClock;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, kind 4 (the router's half): every frame the router sends fits in {@code max_frame_bytes + 128}
 * (protocol.md section 1), even an escalated copy of a maximal FLASH made under the longest router id
 * allowed. The envelope is built for the largest growth: a 1-character origin, no creation time, and a
 * {@code channel:} address (11 bytes) where the escalation writes {@code up:} and a 12-digit region (17 bytes).
 * A raw reader measures the frames as they arrive.
 */
@Timeout(60)
class EscalatedFrameBoundTest
{
    private static final String LONGEST_ID = "r".repeat(Settings.MAX_ROUTER_ID_LENGTH);
    private static final String VILLAGE = "520102001001";

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(ints = {Frames.MIN_MAX_FRAME_BYTES, Frames.DEFAULT_MAX_FRAME_BYTES})
    void anEscalatedMaximalFlashFitsTheAllowanceInDeliveryAndReplay(final int maxFrame) throws Exception
    {
        final ManualClock clock = new ManualClock();
        final RouterConfig config = RouterConfig.loopback(dir).maxFrameBytes(maxFrame).routerId(LONGEST_ID)
            .flashAckTimeoutMs(10_000).build();
        try (Router router = Router.start(new Router.Context().config(config).clockMicros(clock));
             TestTerminal origin = TestTerminal.login(router.port(), "o", TerminalKind.GROUND, "52");
             TestTerminal silent = TestTerminal.login(router.port(), "s", TerminalKind.GROUND, VILLAGE);
             RawTerminal post = RawTerminal.login(router.port(), "p", TerminalKind.COMMAND_POST, "52"))
        {
            assertEquals(maxFrame, post.welcome.getMaxFrameBytes());
            assertEquals(LONGEST_ID, post.welcome.getRouterId());
            silent.subscribe("channel:a");
            final Envelope flash = maximal(maxFrame);
            assertEquals(maxFrame, 1 + flash.getSerializedSize(), "the PUBLISH frame is exactly max_frame_bytes long");
            final long index = origin.publish(flash).getJournalIndex();
            assertEquals(index, silent.awaitDelivery().getJournalIndex());
            router.runTimers();
            clock.advanceMillis(10_001);
            router.runTimers(); // sent again
            assertEquals(index, silent.awaitDelivery().getJournalIndex());
            clock.advanceMillis(10_001);
            router.runTimers(); // not acknowledged: receipt to the origin, copy escalated up the chain

            final RawTerminal.Frame delivery = post.next(FrameType.DELIVERY);
            final Envelope copy = Delivery.parseFrom(delivery.payload()).getEnvelope();
            assertEquals(LONGEST_ID, copy.getOrigin());
            assertEquals(java.util.List.of("up:" + VILLAGE), copy.getToList());
            assertEquals(flash.getText(), copy.getText());
            assertTrue(delivery.length() <= maxFrame + 128,
                "DELIVERY of the escalated copy is " + delivery.length() + " bytes, max " + maxFrame + " + 128");
            assertTrue(delivery.length() > maxFrame + 64, "the copy carries the long router id: " + delivery.length());

            // the same copy replayed, with the longest request id a client can choose (uint64 max: 10 bytes)
            final long copyIndex = Delivery.parseFrom(delivery.payload()).getJournalIndex();
            post.send(FrameType.REPLAY_REQUEST, ReplayRequest.newBuilder().setRequestId(-1L).setFromIndex(copyIndex)
                .setToIndex(copyIndex).build());
            final RawTerminal.Frame item = post.next(FrameType.REPLAY_ITEM);
            assertEquals(copyIndex, Delivery.parseFrom(item.payload()).getJournalIndex());
            assertTrue(item.length() <= maxFrame + 128,
                "REPLAY_ITEM of the escalated copy is " + item.length() + " bytes, max " + maxFrame + " + 128");
            assertTrue(item.length() > delivery.length(), "the replay item carries the request id as well");
        }
    }

    @Test
    void theRouterIdIsATerminalIdOfAtMost64Characters()
    {
        assertEquals(LONGEST_ID, RouterConfig.loopback(dir).routerId(LONGEST_ID).build().routerId());
        assertEquals("emcomm.router.id: 65 characters is too long (at most 64 of [A-Za-z0-9._-], as a terminal id)",
            assertThrows(ConfigException.class, () -> RouterConfig.loopback(dir).routerId(LONGEST_ID + "r").build()).getMessage());
        assertEquals("emcomm.router.id: 150 characters is too long (at most 64 of [A-Za-z0-9._-], as a terminal id)",
            assertThrows(ConfigException.class, () -> RouterConfig.loopback(dir).routerId("r".repeat(150)).build()).getMessage());
        assertEquals("emcomm.router.id: 'hq router' must be 1-64 of [A-Za-z0-9._-], as a terminal id",
            assertThrows(ConfigException.class, () -> RouterConfig.loopback(dir).routerId("hq router").build()).getMessage());
    }

    /** A FLASH text envelope whose encoding is exactly {@code maxFrame - 1} bytes, shaped for the most growth. */
    private static Envelope maximal(final int maxFrame)
    {
        final Envelope.Builder b = Envelope.newBuilder().setOrigin("o").setOriginSequence(1).addTo("channel:a")
            .setPrecedence(Precedence.FLASH);
        for (int n = maxFrame - 64; n < maxFrame; n++)
        {
            final Envelope e = b.setText(Text.newBuilder().setText("x".repeat(n))).build();
            if (e.getSerializedSize() == maxFrame - 1)
            {
                return e;
            }
        }
        throw new AssertionError("no text length gives a " + (maxFrame - 1) + "-byte envelope");
    }

    /** A terminal that reads frames itself, to see each frame's length as it came off the wire. */
    private static final class RawTerminal implements AutoCloseable
    {
        record Frame(int length, int type, byte[] payload)
        {
        }

        private final Socket socket;
        private final DataInputStream in;
        private Welcome welcome;

        private RawTerminal(final int port) throws IOException
        {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout((int)TestTerminal.TIMEOUT_MS);
            in = new DataInputStream(socket.getInputStream());
        }

        static RawTerminal login(final int port, final String id, final TerminalKind kind, final String region) throws IOException
        {
            final RawTerminal t = new RawTerminal(port);
            t.send(FrameType.HELLO, Hello.newBuilder().setProtocolVersion(Frames.PROTOCOL_VERSION).setTerminalId(id)
                .setKind(kind).setRegionCode(region).build());
            t.welcome = Welcome.parseFrom(t.next(FrameType.WELCOME).payload());
            return t;
        }

        void send(final FrameType type, final com.google.protobuf.MessageLite message) throws IOException
        {
            socket.getOutputStream().write(TestTerminal.frameBytes(type.getNumber(), message.toByteArray()));
            socket.getOutputStream().flush();
        }

        /** The next frame of {@code type}, skipping others (heartbeats); fails after the socket timeout. */
        Frame next(final FrameType type) throws IOException
        {
            while (true)
            {
                final int length = in.readInt();
                final int t = in.readUnsignedByte();
                final byte[] payload = new byte[length - 1];
                in.readFully(payload);
                if (t == type.getNumber())
                {
                    return new Frame(length, t, payload);
                }
            }
        }

        @Override
        public void close() throws IOException
        {
            socket.close();
        }
    }
}
