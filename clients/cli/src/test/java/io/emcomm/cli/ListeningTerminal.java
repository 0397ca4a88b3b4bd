package io.emcomm.cli;

import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.PublishAck;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.testing.TestTerminal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A {@link TestTerminal} logged in to one router of the federation that acknowledges every delivery as it
 * arrives (from a thread of its own) and keeps them in arrival order, with keep-alives for the routers' short idle
 * timeout. The test thread publishes through it and awaits what it received.
 */
final class ListeningTerminal implements AutoCloseable
{
    private final TestTerminal terminal;
    private final List<Delivery> received = new ArrayList<>();
    private final Thread listener;
    private volatile boolean closed;

    private ListeningTerminal(final TestTerminal terminal)
    {
        this.terminal = terminal;
        terminal.startHeartbeats(RouterTree.HEARTBEAT_MS);
        listener = new Thread(this::listen, "listening-" + terminal.id());
        listener.setDaemon(true);
        listener.start();
    }

    static ListeningTerminal login(final int port, final String id, final TerminalKind kind, final String region)
        throws IOException
    {
        return new ListeningTerminal(TestTerminal.login(port, id, kind, region));
    }

    String id()
    {
        return terminal.id();
    }

    TestTerminal raw()
    {
        return terminal;
    }

    /** An envelope from this terminal with its next sequence number and a text body. */
    Envelope.Builder text(final String text, final Precedence precedence, final String... to)
    {
        return terminal.text(text, precedence, to);
    }

    /** Publishes and waits for the PUBLISH_ACK (fails on a nack): the message is journaled at this terminal's router. */
    PublishAck publish(final Envelope envelope) throws IOException
    {
        return terminal.publish(envelope);
    }

    /** Publishes every envelope without waiting between them, then collects their acks in order. */
    List<PublishAck> publishAll(final List<Envelope> envelopes) throws IOException
    {
        for (final Envelope e : envelopes)
        {
            terminal.publishNoWait(e);
        }
        final List<PublishAck> acks = new ArrayList<>(envelopes.size());
        for (int i = 0; i < envelopes.size(); i++)
        {
            acks.add(terminal.awaitAck());
        }
        return acks;
    }

    /** Everything received so far, in arrival order. */
    synchronized List<Delivery> received()
    {
        return List.copyOf(received);
    }

    /** Deliveries received so far that {@code which} accepts, in arrival order. */
    synchronized List<Delivery> received(final Predicate<Delivery> which)
    {
        return received.stream().filter(which).toList();
    }

    /**
     * Waits until {@code count} distinct messages accepted by {@code which} have arrived (a message is its origin and
     * origin sequence; a repeat does not count twice) and returns the matching deliveries in arrival order, repeats
     * included; fails after {@code timeout}.
     */
    synchronized List<Delivery> await(final Predicate<Delivery> which, final int count, final Duration timeout)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (distinct(which) < count)
        {
            final long leftMs = (deadline - System.nanoTime()) / 1_000_000;
            if (leftMs <= 0)
            {
                throw new AssertionError(id() + ": " + distinct(which) + " of " + count + " expected messages after "
                    + timeout.toSeconds() + " s");
            }
            wait(leftMs);
        }
        return received(which);
    }

    /** How many times each message (origin/sequence) accepted by {@code which} arrived. */
    synchronized Map<String, Integer> timesReceived(final Predicate<Delivery> which)
    {
        final Map<String, Integer> times = new HashMap<>();
        for (final Delivery d : received)
        {
            if (which.test(d))
            {
                times.merge(id(d), 1, Integer::sum);
            }
        }
        return times;
    }

    private long distinct(final Predicate<Delivery> which)
    {
        return received.stream().filter(which).map(ListeningTerminal::id).distinct().count();
    }

    /** A message's id: its origin and origin sequence, the same at every router it crosses. */
    static String id(final Delivery d)
    {
        return d.getEnvelope().getOrigin() + "/" + d.getEnvelope().getOriginSequence();
    }

    /** Accepts deliveries whose origin is {@code origin}. */
    static Predicate<Delivery> from(final String origin)
    {
        return d -> d.getEnvelope().getOrigin().equals(origin);
    }

    /** Accepts text deliveries whose text starts with {@code prefix}. */
    static Predicate<Delivery> textStartingWith(final String prefix)
    {
        return d -> d.getEnvelope().hasText() && d.getEnvelope().getText().getText().startsWith(prefix);
    }

    private void listen()
    {
        try
        {
            while (!closed)
            {
                final Delivery d = terminal.pollDelivery(200);
                if (d == null)
                {
                    continue;
                }
                terminal.ack(d.getJournalIndex());
                synchronized (this)
                {
                    received.add(d);
                    notifyAll();
                }
            }
        }
        catch (final IOException | InterruptedException ex)
        {
            // closed
        }
    }

    @Override
    public void close() throws IOException
    {
        closed = true;
        terminal.close();
        listener.interrupt();
    }

    /** Duration helper for readability at call sites. */
    static Duration seconds(final long s)
    {
        return Duration.ofSeconds(s);
    }
}
