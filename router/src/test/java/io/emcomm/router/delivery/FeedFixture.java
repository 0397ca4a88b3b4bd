package io.emcomm.router.delivery;

import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Text;
import io.emcomm.router.address.DestinationCache;
import io.emcomm.router.address.RouteMatcher;
import io.emcomm.router.counters.RouterCounters;
import io.emcomm.router.journal.ChronicleJournal;
import io.emcomm.router.terminal.CursorStore;
import io.emcomm.router.terminal.TerminalIdentity;
import io.emcomm.router.terminal.TerminalState;
import io.emcomm.testing.ManualClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One terminal's {@link DeliveryFeed} with real neighbours where it matters and fakes where it does not, in the
 * manner of Aeron Archive's {@code ReplaySessionTest}: a real {@link ChronicleJournal} in a temp folder, a
 * {@link RecordingSink}, a {@link ManualClock}, an in-memory cursor store, and a publish that does what the
 * sequencer does (journal under the publish lock, then offer live to the feed when the message reaches it).
 * The test's thread plays the session's event loop: it runs the feed's tasks with {@link RecordingSink#runTasks}.
 */
final class FeedFixture implements AutoCloseable
{
    static final String ME = "T1";
    static final String REGION = "5201";
    static final String ROUTER_ID = "router-1";
    static final long FLASH_TIMEOUT_MICROS = 30_000_000L;
    static final long SLOW_CONSUMER_MICROS = 120_000_000L;

    /** The limits a test may narrow (emcomm.delivery.window, .inflight, emcomm.outbound.queue.limit). */
    record Limits(int window, int inFlight, int queueLimit)
    {
        static final Limits DEFAULTS = new Limits(16_384, 128, 65_536);
    }

    /** The session as the feed sees it: who it is, and how often it was told to end. */
    static final class Owner implements FeedOwner
    {
        final TerminalIdentity identity = new TerminalIdentity(ME, TerminalKind.GROUND, REGION);
        final AtomicInteger slowConsumer = new AtomicInteger();
        final AtomicInteger overBudget = new AtomicInteger();

        @Override
        public TerminalIdentity identity()
        {
            return identity;
        }

        @Override
        public void slowConsumer()
        {
            slowConsumer.incrementAndGet();
        }

        @Override
        public void slowConsumerOverBudget()
        {
            overBudget.incrementAndGet();
        }
    }

    /** Receipts and non-delivery reports as the feed raises them. */
    static final class Events implements DeliveryEvents
    {
        final List<Long> delivered = new CopyOnWriteArrayList<>();
        final List<String> notDelivered = new CopyOnWriteArrayList<>();

        @Override
        public void delivered(final long index, final String terminalId)
        {
            delivered.add(index);
        }

        @Override
        public void notDelivered(final long index, final String terminalId, final String terminalRegion)
        {
            notDelivered.add(index + " " + terminalId + " " + terminalRegion);
        }
    }

    /** Cursors and acknowledgements in memory, as the Chronicle store keeps them on disk. */
    static final class MemoryCursorStore implements CursorStore
    {
        final Map<String, TerminalState> terminals = new ConcurrentHashMap<>();
        final Map<String, Long> recordedCursors = new ConcurrentHashMap<>();
        final List<Long> recordedAcks = new CopyOnWriteArrayList<>();
        /** How often a cursor was written to the store. */
        final AtomicInteger cursorRecords = new AtomicInteger();

        @Override
        public TerminalState terminal(final String terminalId, final long initialCursor)
        {
            return terminals.computeIfAbsent(terminalId, id -> CursorStore.newState(id, initialCursor));
        }

        @Override
        public Collection<TerminalState> terminals()
        {
            return terminals.values();
        }

        @Override
        public boolean contains(final String terminalId)
        {
            return terminals.containsKey(terminalId);
        }

        @Override
        public void recordCursor(final TerminalState terminal, final long cursor)
        {
            recordedCursors.put(terminal.terminalId(), cursor);
            cursorRecords.incrementAndGet();
        }

        @Override
        public void recordAck(final TerminalState terminal, final long index)
        {
            recordedAcks.add(index);
        }

        @Override
        public void recordSubscription(final TerminalState terminal, final String pattern, final boolean subscribed)
        {
        }

        @Override
        public void close()
        {
        }
    }

    final ManualClock clock = new ManualClock();
    final RouterCounters counters = new RouterCounters();
    final MemoryCursorStore cursors = new MemoryCursorStore();
    final Object publishLock = new Object();
    final Events events = new Events();
    final Owner owner = new Owner();
    final ChronicleJournal journal;
    final OutboundBudget budget;
    final DeliveryContext ctx;
    final TerminalState terminal;
    final RecordingSink sink = new RecordingSink(clock);
    /** The feed the publish path offers to: set once started, as a session is registered for routing. */
    private volatile DeliveryFeed routed;
    /** The publishing thread's envelope flyweight, used under the publish lock only. */
    private final EnvelopeHeader header = new EnvelopeHeader();
    private long sequence;
    private int acked;

    FeedFixture(final Path dir, final Limits limits)
    {
        this(dir, limits, 64L << 20, 8L << 20);
    }

    FeedFixture(final Path dir, final Limits limits, final long routerBytes, final long sessionBytes)
    {
        journal = new ChronicleJournal(dir.resolve("journal"));
        budget = new OutboundBudget(routerBytes, sessionBytes, 1_000_000L);
        ctx = new DeliveryContext(journal, cursors, publishLock, counters, clock, events, ROUTER_ID, limits.window(),
            limits.inFlight(), limits.queueLimit(), FLASH_TIMEOUT_MICROS, SLOW_CONSUMER_MICROS, budget);
        // a terminal first seen now: its cursor starts at the journal's end, as at a first login
        terminal = cursors.terminal(ME, journal.lastIndex());
    }

    /** A new feed for this terminal on the recording sink, started and registered for routing, as at login. */
    DeliveryFeed login(final LinkProfile link)
    {
        final DeliveryFeed feed = new DeliveryFeed(ctx, terminal, link, sink);
        synchronized (terminal)
        {
            feed.start(owner);
            routed = feed;
        }
        return feed;
    }

    DeliveryFeed login()
    {
        return login(LinkProfile.UNSHAPED);
    }

    /** A text from another post to {@code to}, journaled and routed. */
    long publish(final String to, final Precedence precedence)
    {
        return publish(envelope(to, precedence).build().toByteArray());
    }

    Envelope.Builder envelope(final String to, final Precedence precedence)
    {
        final long seq;
        synchronized (publishLock)
        {
            seq = ++sequence;
        }
        return Envelope.newBuilder().setOrigin("cp-1").setOriginSequence(seq).addTo(to).setPrecedence(precedence)
            .setCreatedAtMicros(clock.getAsLong()).setText(Text.newBuilder().setText("message " + seq));
    }

    /**
     * What the sequencer does with a publish: journal it and, under the same lock, offer it to the feed when it
     * reaches this terminal. Any thread.
     *
     * @return its journal index.
     */
    long publish(final byte[] envelope)
    {
        final ByteBuf buf = Unpooled.wrappedBuffer(envelope);
        try
        {
            synchronized (publishLock)
            {
                final long now = clock.getAsLong();
                final long index = journal.append(buf, 0, envelope.length, now, TerminalKind.COMMAND_POST_VALUE, "");
                if (index < 0)
                {
                    throw new AssertionError("not journaled: " + journal.unavailableDetail());
                }
                final DeliveryFeed feed = routed;
                if (feed != null && header.wrap(buf, 0, envelope.length)
                    && RouteMatcher.reaches(owner.identity(), terminal, header, DestinationCache.forThread()))
                {
                    feed.offerLive(DeliveryFrames.delivery(sink.alloc(), index, buf, 0, envelope.length, now, 0, header), index,
                        header.precedenceNumber(), header);
                }
                return index;
            }
        }
        finally
        {
            buf.release();
        }
    }

    /**
     * Acknowledges every frame written since the last call, as a console that reads and acknowledges, then ends
     * the read batch as the network layer does ({@link DeliveryFeed#persist()}).
     */
    void ackWritten(final DeliveryFeed feed)
    {
        final List<Long> written = sink.indexes();
        for (; acked < written.size(); acked++)
        {
            if (!feed.onAck(written.get(acked)))
            {
                throw new AssertionError("bad ack " + written.get(acked));
            }
        }
        feed.persist();
    }

    /** What was written so far went to a connection that is gone: {@link #ackWritten} leaves it alone. */
    void lostWritten()
    {
        acked = sink.written().size();
    }

    /** Runs the feed and acknowledges what it writes until nothing more happens. */
    void settle(final DeliveryFeed feed)
    {
        for (int round = 0; round < 100_000; round++)
        {
            ackWritten(feed); // acknowledgements schedule work: look for tasks after them
            final int before = sink.written().size();
            final int ran = sink.runTasks();
            if (ran == 0 && sink.written().size() == before)
            {
                return;
            }
        }
        throw new AssertionError("the feed never settled");
    }

    /** The journal indexes of {@code published} that were written, as a list in write order. */
    static List<Long> only(final List<Long> written, final List<Long> published)
    {
        final List<Long> out = new ArrayList<>();
        for (final long index : written)
        {
            if (published.contains(index))
            {
                out.add(index);
            }
        }
        return out;
    }

    @Override
    public void close()
    {
        final DeliveryFeed feed = routed;
        if (feed != null)
        {
            feed.close();
        }
        sink.runTasks();
        journal.close();
        if (budget.held() != 0)
        {
            throw new AssertionError("frames not released: the budget still holds " + budget.held() + " bytes");
        }
    }
}
