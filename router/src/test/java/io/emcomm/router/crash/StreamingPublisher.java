package io.emcomm.router.crash;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Hello;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.PublishAck;
import io.emcomm.protocol.wire.PublishNack;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Text;
import io.emcomm.protocol.wire.Welcome;
import io.emcomm.testing.TestTerminal;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A pipelined publisher for crash tests: it keeps up to {@code window} publishes in flight, so that a
 * router killed at any moment leaves some messages journaled but unacknowledged and some not journaled
 * at all. Every sequence is entered in the {@link Ledger} before it is written and every ack after it is
 * read. A blocking socket and a reader thread, like {@link TestTerminal}, but it never waits per message.
 */
public final class StreamingPublisher implements AutoCloseable
{
    private static final int TIMEOUT_MS = 10_000;

    private final Ledger ledger;
    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final Welcome welcome;
    private final Semaphore window;
    private final int windowSize;
    private final AtomicLong acked = new AtomicLong();
    private final Map<Long, PublishAck> lastAcks = new ConcurrentHashMap<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile CountDownLatch ackTrigger = new CountDownLatch(0);
    private volatile CountDownLatch expected = new CountDownLatch(0);
    private Thread reader;

    private StreamingPublisher(final int port, final Ledger ledger, final TerminalKind kind, final String region,
        final int window) throws IOException
    {
        this.ledger = ledger;
        this.window = new Semaphore(window);
        this.windowSize = window;
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
        socket.setSoTimeout(TIMEOUT_MS);
        out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        in = new DataInputStream(socket.getInputStream());
        write(FrameType.HELLO, Hello.newBuilder().setProtocolVersion(Frames.PROTOCOL_VERSION).setTerminalId(ledger.origin())
            .setKind(kind).setRegionCode(region).setClientName("crash-test").build().toByteArray());
        out.flush();
        final int length = in.readInt();
        final int type = in.readUnsignedByte();
        final byte[] payload = new byte[length - 1];
        in.readFully(payload);
        if (type != FrameType.WELCOME_VALUE)
        {
            throw new AssertionError(ledger.origin() + ": expected WELCOME, got frame type " + type);
        }
        welcome = Welcome.parseFrom(payload);
        socket.setSoTimeout(0);
    }

    /** Connects, logs in and starts reading acks. */
    public static StreamingPublisher connect(final int port, final Ledger ledger, final TerminalKind kind,
        final String region, final int window) throws IOException
    {
        final StreamingPublisher p = new StreamingPublisher(port, ledger, kind, region, window);
        p.reader = new Thread(p::readLoop, "crash-publisher-" + ledger.origin());
        p.reader.setDaemon(true);
        p.reader.start();
        return p;
    }

    public Welcome welcome()
    {
        return welcome;
    }

    /** The latest ack this connection read for a sequence, or null. */
    public PublishAck lastAck(final long sequence)
    {
        return lastAcks.get(sequence);
    }

    /** Acks read on this connection so far. */
    public long acked()
    {
        return acked.get();
    }

    /**
     * Publishes {@code first}, {@code first + 1}, ... until the connection dies, keeping at most the window in
     * flight. Returns the next sequence that was not sent. Meant to run on its own thread.
     */
    public long streamFrom(final long first) throws InterruptedException
    {
        long seq = first;
        try
        {
            while (closed.getCount() > 0)
            {
                if (!window.tryAcquire(10, TimeUnit.MILLISECONDS))
                {
                    out.flush(); // what is buffered must go out for acks to come back
                    continue;
                }
                send(seq);
                seq++;
                if (window.availablePermits() == 0)
                {
                    out.flush();
                }
            }
        }
        catch (final IOException ex)
        {
            // the router died under us: expected, that is the point
        }
        return seq;
    }

    /** Resends the given sequences (a client retry after reconnecting) and waits until each is answered. */
    public void retry(final Collection<Long> sequences) throws IOException, InterruptedException
    {
        final CountDownLatch answers = new CountDownLatch(sequences.size());
        expected = answers;
        for (final long seq : sequences)
        {
            send(seq);
        }
        out.flush();
        if (!answers.await(TIMEOUT_MS, TimeUnit.MILLISECONDS))
        {
            throw new AssertionError(ledger.origin() + ": " + answers.getCount() + " of " + sequences.size()
                + " retried publishes unanswered after " + TIMEOUT_MS + " ms");
        }
        // retries took no permits but their answers released some: nothing is in flight now, so refill exactly
        window.drainPermits();
        window.release(windowSize);
    }

    /** A latch that opens once {@code count} acks have been read on this connection. */
    public CountDownLatch afterAcks(final long count)
    {
        final CountDownLatch latch = new CountDownLatch((int)Math.max(0, count - acked.get()));
        ackTrigger = latch;
        return latch;
    }

    private void send(final long seq) throws IOException
    {
        ledger.markSent(seq);
        final Envelope envelope = Envelope.newBuilder().setOrigin(ledger.origin()).setOriginSequence(seq)
            .setPrecedence(Precedence.ROUTINE).setCreatedAtMicros(System.currentTimeMillis() * 1000)
            .addTo("channel:crash.test").setText(Text.newBuilder().setText("message " + seq)).build();
        write(FrameType.PUBLISH, envelope.toByteArray());
    }

    private void write(final FrameType type, final byte[] payload) throws IOException
    {
        out.write(TestTerminal.frameBytes(type.getNumber(), payload));
    }

    private void readLoop()
    {
        try
        {
            while (true)
            {
                final int length = in.readInt();
                final int type = in.readUnsignedByte();
                final byte[] payload = new byte[length - 1];
                in.readFully(payload);
                if (type == FrameType.PUBLISH_ACK_VALUE)
                {
                    final PublishAck ack = PublishAck.parseFrom(payload);
                    ledger.recordAck(ack);
                    lastAcks.put(ack.getOriginSequence(), ack);
                    acked.incrementAndGet();
                    ackTrigger.countDown();
                }
                else if (type == FrameType.PUBLISH_NACK_VALUE)
                {
                    ledger.recordProblem("nack: " + PublishNack.parseFrom(payload));
                }
                else
                {
                    ledger.recordProblem("unexpected frame type " + type);
                    continue;
                }
                window.release();
                expected.countDown();
            }
        }
        catch (final InvalidProtocolBufferException ex)
        {
            ledger.recordProblem("unparseable answer: " + ex);
        }
        catch (final IOException ex)
        {
            // end of stream or reset: the router is gone
        }
        finally
        {
            closed.countDown();
        }
    }

    /** Waits until the router has closed the connection (after a kill, the kernel resets it at once). */
    public void awaitClosed() throws InterruptedException
    {
        if (!closed.await(TIMEOUT_MS, TimeUnit.MILLISECONDS))
        {
            throw new AssertionError(ledger.origin() + ": connection still open " + TIMEOUT_MS + " ms after the kill");
        }
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
