package io.emcomm.router.sequence;

import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.counters.RouterCounters;
import io.emcomm.router.delivery.DeliveryContext;
import io.emcomm.router.delivery.DeliveryEvents;
import io.emcomm.router.delivery.DeliveryFeed;
import io.emcomm.router.delivery.DeliveryFrames;
import io.emcomm.router.delivery.DeliverySink;
import io.emcomm.router.delivery.LinkProfile;
import io.emcomm.router.delivery.OutboundBudget;
import io.emcomm.router.journal.ChronicleJournal;
import io.emcomm.router.journal.ForwardingJournal;
import io.emcomm.router.journal.DedupeWindows;
import io.emcomm.router.journal.Journal;
import io.emcomm.router.route.LocalRoutingTable;
import io.emcomm.router.security.AccessCache;
import io.emcomm.router.security.AccessPolicy;
import io.emcomm.router.security.PublishRateLimiter;
import io.emcomm.router.session.PublishState;
import io.emcomm.router.session.Session;
import io.emcomm.router.terminal.ChronicleCursorStore;
import io.emcomm.router.terminal.TerminalIdentity;
import io.emcomm.router.terminal.TerminalState;
import io.emcomm.testing.ManualClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link Sequencer} with its real neighbours and no network, in the manner of the delivery package's
 * {@code FeedFixture}: a real {@link ChronicleJournal} in a temp folder (behind a switch that can make appends fail,
 * for JOURNAL_UNAVAILABLE), a real {@link LocalRoutingTable} and cursor store, a manual clock. Sessions are made as
 * {@code net.HelloHandler} makes them (a real {@link DeliveryFeed}, started and registered), each on a {@link Sink}
 * whose event loop is the test's thread: {@link #settle()} runs the queued tasks.
 */
final class SequencerFixture implements AutoCloseable
{
    static final String ROUTER_ID = "router-1";

    /** A journal whose appends can be switched off, as a full disk would. */
    static final class SwitchableJournal extends ForwardingJournal
    {
        volatile boolean failing;
        /** When set (>= 0), an append returns it instead of the real index: a mirror of an ordered log (issue 15). */
        volatile long mirrorIndex = -1;

        SwitchableJournal(final ChronicleJournal real)
        {
            super(real);
        }

        @Override
        public long append(final ByteBuf envelope, final int offset, final int length, final long journaledAtMicros,
            final int originKind, final String originRegion, final String ingress)
        {
            if (failing)
            {
                return NOT_JOURNALED;
            }
            final long index = journal.append(envelope, offset, length, journaledAtMicros, originKind, originRegion, ingress);
            return mirrorIndex >= 0 ? mirrorIndex : index;
        }

        @Override
        public String unavailableDetail()
        {
            return "the test switched the journal off";
        }
    }

    /** A connection that records the journal index of each DELIVERY written; its event loop is the test thread. */
    static final class Sink implements DeliverySink
    {
        final List<Long> written = new ArrayList<>();
        private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public ByteBufAllocator alloc()
        {
            return UnpooledByteBufAllocator.DEFAULT;
        }

        @Override
        public boolean isWritable()
        {
            return true;
        }

        @Override
        public void write(final ByteBuf frame)
        {
            try
            {
                written.add(DeliveryFrames.index(frame));
            }
            finally
            {
                frame.release();
            }
        }

        @Override
        public void flush()
        {
        }

        @Override
        public long pendingWriteBytes()
        {
            return 0;
        }

        @Override
        public void execute(final Runnable task)
        {
            tasks.add(task);
        }

        @Override
        public void schedule(final Runnable task, final long delayMicros)
        {
            // timers (redelivery, slow consumers) are not what these tests are about: never due
        }

        @Override
        public boolean inLoop()
        {
            return true;
        }

        @Override
        public String describe()
        {
            return "sequencer test sink";
        }

        int runTasks()
        {
            int ran = 0;
            for (Runnable r = tasks.poll(); r != null; r = tasks.poll())
            {
                r.run();
                if (++ran > 100_000)
                {
                    throw new AssertionError("the sink never settled");
                }
            }
            return ran;
        }
    }

    final ManualClock clock = new ManualClock();
    final RouterCounters counters = new RouterCounters();
    final LocalRoutingTable table = new LocalRoutingTable();
    final DedupeWindows origins = new DedupeWindows();
    /** The terminal ids the sequencer's directory has seen (for {@code unknown_terminals}). */
    final Set<String> everSeen = ConcurrentHashMap.newKeySet();
    final SwitchableJournal journal;
    final Sequencer sequencer;
    private final ChronicleCursorStore cursors;
    private final DeliveryContext delivery;
    private final AccessPolicy policy;
    private final List<Sink> sinks = new ArrayList<>();
    private final List<DeliveryFeed> feeds = new ArrayList<>();

    SequencerFixture(final Path dir, final AccessPolicy policy, final boolean validateBodies)
    {
        this.policy = policy;
        journal = new SwitchableJournal(new ChronicleJournal(dir.resolve("journal")));
        cursors = new ChronicleCursorStore(dir.resolve("cursors"));
        sequencer = new Sequencer(journal, table, counters, clock, origins.state(ROUTER_ID), validateBodies, everSeen::contains);
        final DeliveryEvents events = new DeliveryEvents()
        {
            @Override
            public void delivered(final long index, final String terminalId)
            {
            }

            @Override
            public void notDelivered(final long index, final String terminalId, final String terminalRegion)
            {
            }
        };
        delivery = new DeliveryContext(journal, cursors, sequencer.publishLock(), counters, clock, events, ROUTER_ID,
            16_384, 128, 65_536, 30_000_000L, 120_000_000L, new OutboundBudget(64L << 20, 8L << 20, 1_000_000L));
    }

    /** A session logged in as HelloHandler does it, with no publish rate limit. */
    Session login(final String id, final TerminalKind kind, final String region)
    {
        return login(id, kind, region, new PublishRateLimiter(0, 0, 1, clock.getAsLong()));
    }

    /** A session logged in as HelloHandler does it: feed started, registered for routing, caught up (live). */
    Session login(final String id, final TerminalKind kind, final String region, final PublishRateLimiter limiter)
    {
        final TerminalState terminal = cursors.terminal(id, journal.lastIndex());
        final Sink sink = new Sink();
        final DeliveryFeed feed = new DeliveryFeed(delivery, terminal, LinkProfile.UNSHAPED, sink);
        final Session session = new Session(new TerminalIdentity(id, kind, region), null, feed, terminal,
            new PublishState(origins.state(id), new AccessCache(policy), limiter), null);
        synchronized (terminal)
        {
            feed.start(session);
            table.register(session);
        }
        everSeen.add(id);
        sinks.add(sink);
        feeds.add(feed);
        sink.runTasks();
        return session;
    }

    /** Runs every session's queued tasks (catch-up, outbox drain) until none is left. */
    void settle()
    {
        int ran;
        do
        {
            ran = 0;
            for (final Sink s : sinks)
            {
                ran += s.runTasks();
            }
        }
        while (ran > 0);
    }

    /** The journal indexes written to a session so far, after settling. */
    List<Long> written(final Session session)
    {
        settle();
        return sinks.get(feeds.indexOf(session.feed())).written;
    }

    /** The answers that came later (an ordered log), in the order they came. */
    final List<PublishOutcome> answered = new ArrayList<>();
    private final PublishAnswers answers = answered::add;

    /** Publishes an envelope as the session's PUBLISH frame (type byte then envelope), on this thread. */
    PublishOutcome publish(final Session session, final Envelope envelope)
    {
        return publish(session, envelope.toByteArray());
    }

    PublishOutcome publish(final Session session, final byte[] envelope)
    {
        final ByteBuf frame = Unpooled.buffer(1 + envelope.length);
        frame.writeByte(FrameType.PUBLISH_VALUE).writeBytes(envelope);
        try
        {
            return sequencer.publish(session, frame, answers);
        }
        finally
        {
            frame.release();
        }
    }

    @Override
    public void close()
    {
        for (final DeliveryFeed f : feeds)
        {
            f.close();
        }
        settle();
        cursors.close();
        journal.close();
    }
}
