package io.emcomm.testing;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Welcome;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A fake router that plays a script on each connection, in the manner of nats.java's
 * {@code NatsServerProtocolMock}: a real TCP server on loopback, framing written here from protocol.md §1 (4-byte
 * big-endian length, type byte, protobuf payload) so that it shares no code with the client it tests. Connection
 * {@code n} plays {@code scripts[n]}; a connection beyond the scripts is closed at once, unanswered (as a router
 * that drops a HELLO). When a script returns, the mock reads and discards until the client closes its end.
 *
 * <p>Connections are served one at a time on the mock's own thread. A script's failure (an unexpected frame, a
 * timeout of 10 s, an assertion) is kept and rethrown by {@link #verify()} and {@link #close()}, so that a test
 * fails on the mock's side too.
 */
public final class RouterProtocolMock implements AutoCloseable
{
    /** What the mock says and expects on one connection. */
    @FunctionalInterface
    public interface Script
    {
        void play(Conversation conversation) throws Exception;
    }

    /** A protobuf {@code parseFrom(ByteBuffer)}. */
    @FunctionalInterface
    public interface Parser<T>
    {
        T parse(ByteBuffer payload) throws InvalidProtocolBufferException;
    }

    private static final int READ_TIMEOUT_MS = 10_000;

    private final ServerSocket server;
    private final List<Script> scripts;
    private final Thread thread;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean closing;

    public RouterProtocolMock(final Script... scripts) throws IOException
    {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.scripts = List.of(scripts);
        this.thread = new Thread(this::serve, "router-protocol-mock");
        thread.setDaemon(true);
        thread.start();
    }

    public int port()
    {
        return server.getLocalPort();
    }

    /** Connections accepted so far. */
    public int accepted()
    {
        return accepted.get();
    }

    /** Rethrows the first failure of a script, if any. */
    public void verify()
    {
        final Throwable t = failure.get();
        if (t != null)
        {
            throw new AssertionError("the router mock's script failed: " + t, t);
        }
    }

    private void serve()
    {
        while (!closing)
        {
            try (Socket socket = server.accept())
            {
                final int n = accepted.getAndIncrement();
                socket.setSoTimeout(READ_TIMEOUT_MS);
                socket.setTcpNoDelay(true);
                if (n >= scripts.size())
                {
                    continue; // unscripted: closed unanswered
                }
                final Conversation conversation = new Conversation(socket);
                scripts.get(n).play(conversation);
                conversation.awaitClientClose();
            }
            catch (final Throwable t)
            {
                if (!closing)
                {
                    failure.compareAndSet(null, t);
                }
            }
        }
    }

    @Override
    public void close() throws Exception
    {
        closing = true;
        server.close();
        thread.join(READ_TIMEOUT_MS + 1_000);
        verify();
    }

    /** One connection, seen from the router's side. */
    public static final class Conversation
    {
        private final Socket socket;
        private final DataInputStream in;
        private final DataOutputStream out;

        private Conversation(final Socket socket) throws IOException
        {
            this.socket = socket;
            this.in = new DataInputStream(socket.getInputStream());
            this.out = new DataOutputStream(socket.getOutputStream());
        }

        /**
         * Reads the next frame, which must be of {@code type}, and parses its payload. HEARTBEAT and DELIVERY_ACK
         * frames are skipped unless expected: the client sends them on its own timers and threads.
         */
        public <T> T expect(final FrameType type, final Parser<T> parser) throws IOException
        {
            while (true)
            {
                final int length = in.readInt();
                final int number = in.readUnsignedByte();
                final byte[] payload = new byte[length - 1];
                in.readFully(payload);
                if ((number == FrameType.HEARTBEAT_VALUE || number == FrameType.DELIVERY_ACK_VALUE) && number != type.getNumber())
                {
                    continue;
                }
                if (number != type.getNumber())
                {
                    throw new AssertionError("expected " + type + ", the client sent frame type " + number);
                }
                return parser.parse(ByteBuffer.wrap(payload));
            }
        }

        /** Reads the client's HELLO and answers with a WELCOME announcing {@code maxFrameBytes}, plus {@code after} in the same write. */
        public void welcome(final int maxFrameBytes, final byte[]... after) throws IOException
        {
            expect(FrameType.HELLO, io.emcomm.protocol.wire.Hello::parseFrom);
            final byte[][] frames = new byte[after.length + 1][];
            frames[0] = frame(FrameType.WELCOME, Welcome.newBuilder().setProtocolVersion(1).setMaxFrameBytes(maxFrameBytes).build());
            System.arraycopy(after, 0, frames, 1, after.length);
            send(frames);
        }

        /** Writes whole frames in one write, so that they arrive together as a router's batched frames may. */
        public void send(final byte[]... frames) throws IOException
        {
            final ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (final byte[] f : frames)
            {
                all.write(f);
            }
            try
            {
                out.write(all.toByteArray());
                out.flush();
            }
            catch (final SocketException ex)
            {
                // the client closes as soon as it has read a frame's length it refuses; the rest meets a reset
            }
        }

        /** Closes the connection from the router's side. */
        public void close() throws IOException
        {
            socket.close();
        }

        /** Reads and discards (acks, heartbeats) until the client closes its end; true when it did. */
        public boolean awaitClientClose() throws IOException
        {
            if (socket.isClosed())
            {
                return true;
            }
            try
            {
                while (in.read() >= 0)
                {
                    // discard
                }
                return true;
            }
            catch (final EOFException | SocketException ex)
            {
                return true;
            }
            catch (final SocketTimeoutException ex)
            {
                return false;
            }
        }
    }

    /** A frame as the router writes it: length (type byte + payload), type, payload. */
    public static byte[] frame(final FrameType type, final MessageLite payload)
    {
        final byte[] body = payload.toByteArray();
        return ByteBuffer.allocate(4 + 1 + body.length).putInt(1 + body.length).put((byte)type.getNumber()).put(body).array();
    }
}
