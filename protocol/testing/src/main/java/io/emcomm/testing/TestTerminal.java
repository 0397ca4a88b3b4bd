package io.emcomm.testing;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.Error;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Hello;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.PublishAck;
import io.emcomm.protocol.wire.PublishNack;
import io.emcomm.protocol.wire.ReplayEnd;
import io.emcomm.protocol.wire.ReplayRequest;
import io.emcomm.protocol.wire.Subscribe;
import io.emcomm.protocol.wire.SubscriptionAck;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Text;
import io.emcomm.protocol.wire.Welcome;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A deliberately plain test terminal: a blocking socket and a reader thread, no Netty, so that router
 * tests do not depend on the client library and can send arbitrary bytes. Received frames queue up by
 * kind; the await methods wait with a timeout and fail loudly.
 */
public final class TestTerminal implements AutoCloseable
{
    public static final long TIMEOUT_MS = 5_000;

    /** One received frame: its type and payload bytes. */
    public record Frame(int type, byte[] payload)
    {
        public FrameType frameType()
        {
            return FrameType.forNumber(type);
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final BlockingQueue<Frame> deliveries = new LinkedBlockingQueue<>();
    private final BlockingQueue<Frame> control = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile boolean eof;
    private String id;
    private long sequence;

    private final Object pauseLock = new Object();
    private volatile boolean paused;
    private volatile Thread heartbeats;

    private TestTerminal(final int port) throws IOException
    {
        this(port, 0, false);
    }

    private TestTerminal(final int port, final int receiveBufferBytes, final boolean startPaused) throws IOException
    {
        this(new Socket(), port, receiveBufferBytes, startPaused);
    }

    private TestTerminal(final Socket socket, final int port, final int receiveBufferBytes, final boolean startPaused) throws IOException
    {
        paused = startPaused;
        this.socket = socket;
        if (receiveBufferBytes > 0)
        {
            socket.setReceiveBufferSize(receiveBufferBytes);
        }
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), (int)TIMEOUT_MS);
        out = socket.getOutputStream();
        reader = new Thread(this::readLoop, "test-terminal-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Connects over TLS (handshake included) without saying hello. */
    public static TestTerminal connectTls(final int port, final javax.net.ssl.SSLContext tls) throws IOException
    {
        final javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket)tls.getSocketFactory().createSocket();
        socket.setEnabledProtocols(new String[] {"TLSv1.3"});
        return new TestTerminal(socket, port, 0, false);
    }

    /** Connects without saying hello. */
    public static TestTerminal connect(final int port) throws IOException
    {
        return new TestTerminal(port);
    }

    /** Connects and logs in; fails unless the router answers WELCOME. */
    public static TestTerminal login(final int port, final String id, final TerminalKind kind, final String region)
        throws IOException
    {
        final TestTerminal t = new TestTerminal(port);
        final Welcome w = t.hello(id, kind, region);
        t.sequence = w.getLastOriginSequence();
        return t;
    }

    public Welcome hello(final String id, final TerminalKind kind, final String region) throws IOException
    {
        return hello(id, kind, region, "");
    }

    /** Connects and logs in with a link profile; fails unless the router answers WELCOME. */
    public static TestTerminal login(final int port, final String id, final TerminalKind kind, final String region,
        final String linkProfile) throws IOException
    {
        final TestTerminal t = new TestTerminal(port);
        final Welcome w = t.hello(id, kind, region, linkProfile);
        t.sequence = w.getLastOriginSequence();
        return t;
    }

    public Welcome hello(final String id, final TerminalKind kind, final String region, final String linkProfile) throws IOException
    {
        this.id = id;
        send(FrameType.HELLO, Hello.newBuilder().setProtocolVersion(Frames.PROTOCOL_VERSION).setTerminalId(id)
            .setKind(kind).setRegionCode(region).setLinkProfile(linkProfile).setClientName("test-terminal").build());
        final Frame f = nextControl();
        if (f.type != FrameType.WELCOME_VALUE)
        {
            throw new AssertionError("expected WELCOME, got " + describe(f));
        }
        return parse(f, Welcome.parser());
    }

    public String id()
    {
        return id;
    }

    /** Takes an id for a session whose HELLO the test sent itself. */
    public void adopt(final String terminalId)
    {
        this.id = terminalId;
    }

    private void readLoop()
    {
        try
        {
            final DataInputStream in = new DataInputStream(socket.getInputStream());
            while (true)
            {
                synchronized (pauseLock)
                {
                    while (paused)
                    {
                        pauseLock.wait();
                    }
                }
                final int length = in.readInt();
                final int type = in.readUnsignedByte();
                final byte[] payload = new byte[length - 1];
                in.readFully(payload);
                final Frame f = new Frame(type, payload);
                if (type == FrameType.DELIVERY_VALUE)
                {
                    deliveries.add(f);
                }
                else if (type == FrameType.HEARTBEAT_VALUE && heartbeats != null)
                {
                    // the answers to our own keep-alives: not something a test awaits
                }
                else
                {
                    control.add(f);
                }
            }
        }
        catch (final EOFException ex)
        {
            eof = true;
        }
        catch (final IOException ex)
        {
            eof = true;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    public void send(final FrameType type, final MessageLite payload) throws IOException
    {
        final byte[] bytes = payload.toByteArray();
        sendRaw(frameBytes(type.getNumber(), bytes));
    }

    public static byte[] frameBytes(final int type, final byte[] payload)
    {
        final byte[] frame = new byte[Frames.HEADER_BYTES + payload.length];
        final int length = payload.length + 1;
        frame[0] = (byte)(length >>> 24);
        frame[1] = (byte)(length >>> 16);
        frame[2] = (byte)(length >>> 8);
        frame[3] = (byte)length;
        frame[4] = (byte)type;
        System.arraycopy(payload, 0, frame, 5, payload.length);
        return frame;
    }

    public synchronized void sendRaw(final byte[] bytes) throws IOException
    {
        out.write(bytes);
        out.flush();
    }

    public long nextSequence()
    {
        return ++sequence;
    }

    /** An envelope from this terminal with the next sequence number and a text body. */
    public Envelope.Builder text(final String text, final Precedence precedence, final String... to)
    {
        return Envelope.newBuilder().setOrigin(id).setOriginSequence(nextSequence()).setPrecedence(precedence)
            .setCreatedAtMicros(System.currentTimeMillis() * 1000).addAllTo(List.of(to))
            .setText(Text.newBuilder().setText(text));
    }

    /** Publishes and returns the PUBLISH_ACK; fails on a nack. */
    public PublishAck publish(final Envelope envelope) throws IOException
    {
        send(FrameType.PUBLISH, envelope);
        final Frame f = nextControl();
        if (f.type != FrameType.PUBLISH_ACK_VALUE)
        {
            throw new AssertionError("expected PUBLISH_ACK for seq " + envelope.getOriginSequence() + ", got " + describe(f));
        }
        return parse(f, PublishAck.parser());
    }

    /** Sends a PUBLISH without waiting; collect the answer with {@link #awaitAck()}. */
    public void publishNoWait(final Envelope envelope) throws IOException
    {
        send(FrameType.PUBLISH, envelope);
    }

    public PublishAck awaitAck()
    {
        return expectControl(FrameType.PUBLISH_ACK, PublishAck.parser());
    }

    /**
     * Publishes {@code count} text messages without waiting between them, then collects their acks.
     *
     * @return the journal indexes, in publish order.
     */
    public List<Long> publishMany(final int count, final String text, final Precedence precedence, final String... to)
        throws IOException
    {
        for (int i = 0; i < count; i++)
        {
            publishNoWait(text(text + " " + i, precedence, to).build());
        }
        final List<Long> indexes = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            indexes.add(awaitAck().getJournalIndex());
        }
        return indexes;
    }

    /** Publishes and returns the PUBLISH_NACK; fails on an ack. */
    public PublishNack publishExpectingNack(final Envelope envelope) throws IOException
    {
        send(FrameType.PUBLISH, envelope);
        return expectControl(FrameType.PUBLISH_NACK, PublishNack.parser());
    }

    public SubscriptionAck subscribe(final String... addresses) throws IOException
    {
        send(FrameType.SUBSCRIBE, Subscribe.newBuilder().setRequestId(System.nanoTime()).addAllAddresses(List.of(addresses)).build());
        return expectControl(FrameType.SUBSCRIPTION_ACK, SubscriptionAck.parser());
    }

    /** Runs a replay and returns the items received before REPLAY_END. */
    public List<Delivery> replay(final ReplayRequest request) throws IOException
    {
        send(FrameType.REPLAY_REQUEST, request);
        final List<Delivery> items = new ArrayList<>();
        while (true)
        {
            final Frame f = nextControl();
            if (f.type == FrameType.REPLAY_ITEM_VALUE)
            {
                items.add(parse(f, Delivery.parser()));
            }
            else if (f.type == FrameType.REPLAY_END_VALUE)
            {
                final ReplayEnd end = parse(f, ReplayEnd.parser());
                if (end.getCount() != items.size())
                {
                    throw new AssertionError("REPLAY_END count " + end.getCount() + " but " + items.size() + " items");
                }
                return items;
            }
            else
            {
                throw new AssertionError("expected REPLAY_ITEM or REPLAY_END, got " + describe(f));
            }
        }
    }

    /** Acknowledges a delivery (DELIVERY_ACK). */
    public void ack(final long journalIndex) throws IOException
    {
        send(FrameType.DELIVERY_ACK, io.emcomm.protocol.wire.DeliveryAck.newBuilder().setJournalIndex(journalIndex).build());
    }

    /**
     * Acknowledges every DELIVERY of this connection numbered up to {@code deliverySeq} (a cumulative DELIVERY_ACK,
     * protocol.md section 7.3; the router says it takes them with {@code Welcome.cumulative_delivery_ack}). A
     * delivery's number is {@link Delivery#getDeliverySeq()}.
     */
    public void ackThrough(final long deliverySeq) throws IOException
    {
        ack(0, deliverySeq);
    }

    /** A DELIVERY_ACK with both fields as given (0 leaves a field out), for tests of the two forms together. */
    public void ack(final long journalIndex, final long throughDeliverySeq) throws IOException
    {
        send(FrameType.DELIVERY_ACK, io.emcomm.protocol.wire.DeliveryAck.newBuilder().setJournalIndex(journalIndex)
            .setThroughDeliverySeq(throughDeliverySeq).build());
    }

    /**
     * A HEARTBEAT round trip: the router handles a connection's frames in order, so when the answer arrives every
     * frame sent before it (acks included) has been applied. Closing after this is a clean hand-over.
     */
    public void sync() throws IOException
    {
        send(FrameType.HEARTBEAT, io.emcomm.protocol.wire.Heartbeat.newBuilder().setSentAtMicros(1).build());
        expectControl(FrameType.HEARTBEAT, io.emcomm.protocol.wire.Heartbeat.parser());
    }

    /** Waits for a delivery and acknowledges it. */
    public Delivery awaitAndAck() throws InterruptedException, IOException
    {
        final Delivery d = awaitDelivery();
        ack(d.getJournalIndex());
        return d;
    }

    /** True when a delivery arrives within {@code millis}; used only to show that nothing more is coming after a marker. */
    public boolean hasDeliveryQueued()
    {
        return !deliveries.isEmpty();
    }

    /**
     * Keeps the session alive under a short {@code emcomm.idle.timeout.ms} for a terminal that only listens: a
     * HEARTBEAT every {@code intervalMs} from a daemon thread, until {@link #close()}. The router's HEARTBEAT
     * answers are dropped from then on, so {@link #sync()} cannot be used together with it.
     */
    public void startHeartbeats(final long intervalMs)
    {
        final Thread t = new Thread(() ->
        {
            try
            {
                while (!socket.isClosed())
                {
                    send(FrameType.HEARTBEAT, io.emcomm.protocol.wire.Heartbeat.newBuilder()
                        .setSentAtMicros(System.currentTimeMillis() * 1000).build());
                    Thread.sleep(intervalMs); // a keep-alive's period, not synchronisation
                }
            }
            catch (final IOException | InterruptedException ex)
            {
                // closed: nothing left to keep alive
            }
        }, "test-terminal-heartbeats");
        t.setDaemon(true);
        heartbeats = t;
        t.start();
    }

    /** The next delivery, or null when none arrives within {@code timeoutMs}. */
    public Delivery pollDelivery(final long timeoutMs) throws InterruptedException
    {
        final Frame f = deliveries.poll(timeoutMs, TimeUnit.MILLISECONDS);
        return f == null ? null : parse(f, Delivery.parser());
    }

    public Delivery awaitDelivery() throws InterruptedException
    {
        final Frame f = deliveries.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        if (f == null)
        {
            throw new AssertionError(id + ": no delivery within " + TIMEOUT_MS + " ms");
        }
        return parse(f, Delivery.parser());
    }

    /** Deliveries received so far, without waiting. */
    public List<Delivery> drainDeliveries()
    {
        final List<Frame> frames = new ArrayList<>();
        deliveries.drainTo(frames);
        final List<Delivery> result = new ArrayList<>();
        for (final Frame f : frames)
        {
            result.add(parse(f, Delivery.parser()));
        }
        return result;
    }

    public Frame nextControl()
    {
        try
        {
            final Frame f = control.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            if (f == null)
            {
                throw new AssertionError(id + ": no control frame within " + TIMEOUT_MS + " ms" + (eof ? " (connection closed)" : ""));
            }
            return f;
        }
        catch (final InterruptedException ex)
        {
            throw new InterruptedExceptionUnchecked(ex);
        }
    }

    public <T> T expectControl(final FrameType type, final com.google.protobuf.Parser<T> parser)
    {
        final Frame f = nextControl();
        if (f.type != type.getNumber())
        {
            throw new AssertionError("expected " + type + ", got " + describe(f));
        }
        return parse(f, parser);
    }

    /** Waits for an ERROR frame and returns it. */
    public Error expectError()
    {
        return expectControl(FrameType.ERROR, Error.parser());
    }

    /** Waits until the router closes the connection. */
    public void awaitClosed() throws InterruptedException
    {
        reader.join(TIMEOUT_MS);
        if (reader.isAlive())
        {
            throw new AssertionError(id + ": connection still open after " + TIMEOUT_MS + " ms");
        }
    }

    public boolean isClosedByPeer()
    {
        return eof;
    }

    public static <T> T parse(final Frame f, final com.google.protobuf.Parser<T> parser)
    {
        try
        {
            return parser.parseFrom(f.payload);
        }
        catch (final InvalidProtocolBufferException ex)
        {
            throw new AssertionError("frame " + f.frameType() + " does not parse: " + ex.getMessage(), ex);
        }
    }

    private static String describe(final Frame f)
    {
        if (f.type == FrameType.ERROR_VALUE)
        {
            return "ERROR " + parse(f, Error.parser());
        }
        if (f.type == FrameType.PUBLISH_NACK_VALUE)
        {
            return "PUBLISH_NACK " + parse(f, PublishNack.parser());
        }
        return String.valueOf(f.frameType());
    }

    /** Connects with a small receive buffer, so that a test can make the router's side back up quickly. */
    public static TestTerminal connectWithReceiveBuffer(final int port, final int receiveBufferBytes) throws IOException
    {
        return new TestTerminal(port, receiveBufferBytes, false);
    }

    /** Stops reading from the socket (the reader thread blocks until {@link #resumeReading()}). */
    public void pauseReading()
    {
        paused = true;
    }

    public void resumeReading()
    {
        synchronized (pauseLock)
        {
            paused = false;
            pauseLock.notifyAll();
        }
    }

    public Socket socket()
    {
        return socket;
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
        final Thread t = heartbeats;
        if (t != null)
        {
            t.interrupt();
        }
    }

    /** Wraps an interrupt so that helpers can be used in lambdas. */
    public static final class InterruptedExceptionUnchecked extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        InterruptedExceptionUnchecked(final InterruptedException cause)
        {
            super(cause);
        }
    }

    public static TerminalKind kind(final String name)
    {
        return TerminalKind.valueOf(name);
    }
}
