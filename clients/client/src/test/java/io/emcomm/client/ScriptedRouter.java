package io.emcomm.client;

import io.emcomm.testing.RouterProtocolMock;
import com.google.protobuf.MessageLite;
import io.emcomm.protocol.wire.FrameType;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A fake router that a test scripts frame by frame, for failures a real router does not produce at a chosen
 * moment (an error while requests are outstanding, a frame just past the announced limit). Plain blocking
 * sockets on loopback; one connection at a time. Unlike {@link RouterProtocolMock}, which plays a script per
 * connection on its own thread, the test drives it step by step on its own thread.
 */
final class ScriptedRouter implements AutoCloseable
{
    private final ServerSocket server;
    private Socket peer;
    private DataInputStream in;
    private int accepted;

    ScriptedRouter() throws IOException
    {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server.setSoTimeout(10_000);
    }

    int port()
    {
        return server.getLocalPort();
    }

    /** Connections accepted so far. */
    int accepted()
    {
        return accepted;
    }

    /** Waits (10 s at most) for the client to connect. */
    void accept() throws IOException
    {
        peer = server.accept();
        peer.setSoTimeout(10_000);
        in = new DataInputStream(peer.getInputStream());
        accepted++;
    }

    /** Reads the next frame and returns its type; fails when it is not {@code expected}. */
    byte[] expect(final FrameType expected) throws IOException
    {
        final int length = in.readInt();
        final int type = in.readUnsignedByte();
        final byte[] payload = new byte[length - 1];
        in.readFully(payload);
        if (type != expected.getNumber())
        {
            throw new AssertionError("expected " + expected + ", got frame type " + type);
        }
        return payload;
    }

    /** Writes frames in one write, so that they arrive in one segment as a router's batched frames may. */
    void send(final byte[]... frames) throws IOException
    {
        final OutputStream out = peer.getOutputStream();
        final java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (final byte[] f : frames)
        {
            all.write(f);
        }
        out.write(all.toByteArray());
        out.flush();
    }

    static byte[] frame(final FrameType type, final MessageLite payload)
    {
        return RouterProtocolMock.frame(type, payload);
    }

    /** True when the client closed the connection: a read returns end of stream (within 10 s). */
    boolean peerClosed() throws IOException
    {
        try
        {
            while (in.read() >= 0)
            {
                // discard what the client still sends (acks, heartbeats)
            }
            return true;
        }
        catch (final java.net.SocketException ex)
        {
            return true; // reset
        }
    }

    @Override
    public void close() throws IOException
    {
        if (peer != null)
        {
            peer.close();
        }
        server.close();
    }
}
