package io.emcomm.router.federation;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.emcomm.protocol.address.ChannelPattern;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.address.PeerScope;
import io.emcomm.router.counters.RouterCounters;
import io.emcomm.router.delivery.DeliveryContext;
import io.emcomm.router.delivery.DeliveryEvents;
import io.emcomm.router.delivery.DeliveryFeed;
import io.emcomm.router.delivery.DeliveryFrames;
import io.emcomm.router.delivery.DeliverySink;
import io.emcomm.router.delivery.LinkProfile;
import io.emcomm.router.delivery.OutboundBudget;
import io.emcomm.router.journal.ChronicleJournal;
import io.emcomm.router.journal.DedupeWindows;
import io.emcomm.router.journal.ForwardingJournal;
import io.emcomm.router.journal.JournalEntry;
import io.emcomm.router.journal.JournalReader;
import io.emcomm.router.route.LocalRoutingTable;
import io.emcomm.router.security.AccessCache;
import io.emcomm.router.security.AccessPolicy;
import io.emcomm.router.security.PublishRateLimiter;
import io.emcomm.router.sequence.ImportOutcome;
import io.emcomm.router.sequence.PublishOutcome;
import io.emcomm.router.sequence.Sequencer;
import io.emcomm.router.session.PublishState;
import io.emcomm.router.session.Session;
import io.emcomm.router.terminal.ChronicleCursorStore;
import io.emcomm.router.terminal.TerminalIdentity;
import io.emcomm.router.terminal.TerminalState;
import io.emcomm.testing.ManualClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * One router's federation internals with their real neighbours and no network (the choice for fed-a's router-level
 * tests: {@code Sequencer.importDelivery} and routing over a real {@link ChronicleJournal}, a real {@link
 * LocalRoutingTable}, a real cursor store and real {@link DeliveryFeed}s, on fake connections): terminals log in as
 * {@code net.HelloHandler} makes them, peer links as the link layer does ({@link Session#peer}), and each session's
 * connection is a {@link Sink} that keeps every DELIVERY frame written to it and whose event loop is the test's thread
 * ({@link #settle()} runs the queued tasks). The clock is manual; timers run when the test calls {@link #timers()}.
 */
final class FederationFixture implements AutoCloseable
{
    static final String ROUTER_ID = "city-r";
    static final long FLASH_TIMEOUT_MICROS = 30_000_000L;

    /** A journal whose appends can be switched off, as a full disk would. */
    static final class SwitchableJournal extends ForwardingJournal
    {
        volatile boolean failing;

        SwitchableJournal(final ChronicleJournal real)
        {
            super(real);
        }

        @Override
        public long append(final ByteBuf envelope, final int offset, final int length, final long journaledAtMicros,
            final int originKind, final String originRegion, final String ingress)
        {
            return failing ? NOT_JOURNALED
                : journal.append(envelope, offset, length, journaledAtMicros, originKind, originRegion, ingress);
        }

        @Override
        public String unavailableDetail()
        {
            return "the test switched the journal off";
        }
    }

    /**
     * A DELIVERY frame as a connection received it: its payload's fields by number (varints as Long, the rest as
     * byte[]), read without the generated {@code Delivery} so fields 6 and 7 read the same whether the schema names
     * them or not.
     */
    record Written(long index, Map<Integer, Object> fields)
    {
        Envelope envelope()
        {
            try
            {
                return Envelope.parseFrom((byte[])fields.get(2));
            }
            catch (final com.google.protobuf.InvalidProtocolBufferException ex)
            {
                throw new AssertionError(ex);
            }
        }

        /** Field 6, or null when absent. */
        Long originKind()
        {
            return (Long)fields.get(6);
        }

        /** Field 7, or null when absent. */
        String originRegion()
        {
            final byte[] b = (byte[])fields.get(7);
            return b == null ? null : new String(b, StandardCharsets.US_ASCII);
        }
    }

    /** A connection that keeps what was written to it; its event loop is the test's thread. */
    static final class Sink implements DeliverySink
    {
        final List<Written> written = new ArrayList<>();
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
                written.add(new Written(DeliveryFrames.index(frame), fields(frame)));
            }
            finally
            {
                frame.release();
            }
        }

        private static Map<Integer, Object> fields(final ByteBuf frame)
        {
            final ByteBuf wire = frame.duplicate();
            wire.readInt();
            if (wire.readByte() != FrameType.DELIVERY_VALUE)
            {
                throw new AssertionError("not a DELIVERY");
            }
            final Map<Integer, Object> fields = new HashMap<>();
            try
            {
                final CodedInputStream in = CodedInputStream.newInstance(ByteBufUtil.getBytes(wire));
                for (int tag = in.readTag(); tag != 0; tag = in.readTag())
                {
                    fields.put(WireFormat.getTagFieldNumber(tag),
                        WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT ? (Object)in.readInt64() : in.readByteArray());
                }
            }
            catch (final java.io.IOException ex)
            {
                throw new AssertionError(ex);
            }
            return fields;
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
            // shaped links are not what these tests are about: never due
        }

        @Override
        public boolean inLoop()
        {
            return true;
        }

        @Override
        public String describe()
        {
            return "federation test sink";
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

        List<Long> indexes()
        {
            return written.stream().map(Written::index).toList();
        }
    }

    /** Receipts and non-delivery reports as the feeds raise them. */
    static final class Events implements DeliveryEvents
    {
        final List<String> delivered = new CopyOnWriteArrayList<>();
        final List<String> notDelivered = new CopyOnWriteArrayList<>();

        @Override
        public void delivered(final long index, final String terminalId)
        {
            delivered.add(index + " " + terminalId);
        }

        @Override
        public void notDelivered(final long index, final String terminalId, final String terminalRegion)
        {
            notDelivered.add(index + " " + terminalId);
        }
    }

    final ManualClock clock = new ManualClock();
    final RouterCounters counters = new RouterCounters();
    final LocalRoutingTable table = new LocalRoutingTable();
    final DedupeWindows origins = new DedupeWindows();
    final Events events = new Events();
    /** The terminal registry's regions (auth token/mtls), as {@code AccessControl.registeredRegion} answers. */
    final Map<String, String> registry = new ConcurrentHashMap<>();
    final SwitchableJournal journal;
    final Sequencer sequencer;
    private final ChronicleCursorStore cursors;
    private final DeliveryContext delivery;
    private final Map<Session, Sink> sinks = new java.util.LinkedHashMap<>();

    FederationFixture(final Path dir)
    {
        journal = new SwitchableJournal(new ChronicleJournal(dir.resolve("journal")));
        cursors = new ChronicleCursorStore(dir.resolve("cursors"));
        sequencer = new Sequencer(journal, table, counters, clock, origins, origins.state(ROUTER_ID), true, id -> true,
            registry::get);
        delivery = new DeliveryContext(journal, cursors, sequencer.publishLock(), counters, clock, events, ROUTER_ID,
            16_384, 128, 65_536, FLASH_TIMEOUT_MICROS, 120_000_000L, new OutboundBudget(64L << 20, 8L << 20, 1_000_000L));
    }

    /** A terminal logged in as HelloHandler does it: feed started, registered, caught up. */
    Session login(final String id, final TerminalKind kind, final String region)
    {
        final TerminalState terminal = cursors.terminal(id, journal.lastIndex());
        final Sink sink = new Sink();
        final DeliveryFeed feed = new DeliveryFeed(delivery, terminal, LinkProfile.UNSHAPED, sink);
        final Session session = new Session(new TerminalIdentity(id, kind, region), null, feed, terminal,
            new PublishState(origins.state(id), new AccessCache(AccessPolicy.ALLOW_ALL), new PublishRateLimiter(0, 0, 1,
                clock.getAsLong())), null);
        return start(session, feed, terminal, sink);
    }

    /** A terminal's durable subscription, in the routing table and its state (as SUBSCRIBE does). */
    void subscribe(final Session session, final String pattern) throws Exception
    {
        cursors.changeSubscription(session.terminal(), pattern, true);
        table.subscribe(session, ChannelPattern.parse(pattern));
    }

    /** A link to a child router serving {@code region}, its cursor (new) at the journal's end. */
    Session child(final String peerId, final String region)
    {
        return link(PeerScope.child(peerId, region));
    }

    /** The link to the parent router; this router serves {@code ownRegion}. */
    Session parent(final String peerId, final String ownRegion, final Predicate<String> servedHere)
    {
        return link(PeerScope.parent(peerId, ownRegion, servedHere));
    }

    /**
     * A session of a peer link with {@code scope}, made as the link layer makes it: state under the peer's router id
     * (a new id's cursor at the journal's end, else where it was), feed started, registered, caught up. A second
     * call with the same peer id is the link's next session (it replaces the first).
     */
    Session link(final PeerScope scope)
    {
        final TerminalState terminal = cursors.terminal(scope.peerId(), journal.lastIndex());
        final Sink sink = new Sink();
        final DeliveryFeed feed = new DeliveryFeed(delivery, terminal, LinkProfile.UNSHAPED, sink);
        final Session session = Session.peer(new TerminalIdentity(scope.peerId(), TerminalKind.COMMAND_POST, scope.region()),
            null, feed, terminal, new PublishState(origins.state(scope.peerId()), new AccessCache(AccessPolicy.ALLOW_ALL),
                new PublishRateLimiter(0, 0, 1, clock.getAsLong())), null, scope);
        return start(session, feed, terminal, sink);
    }

    private Session start(final Session session, final DeliveryFeed feed, final TerminalState terminal, final Sink sink)
    {
        final Session replaced;
        synchronized (terminal)
        {
            feed.start(session);
            replaced = table.register(session);
        }
        if (replaced != null)
        {
            replaced.feed().close();
        }
        sinks.put(session, sink);
        settle();
        return session;
    }

    /** Runs every session's queued tasks (catch-up, outbox drain) until none is left. */
    void settle()
    {
        int ran;
        do
        {
            ran = 0;
            for (final Sink s : sinks.values())
            {
                ran += s.runTasks();
            }
        }
        while (ran > 0);
    }

    /** What was written to a session so far, after settling. */
    List<Written> written(final Session session)
    {
        settle();
        return sinks.get(session).written;
    }

    /** The journal indexes written to a session so far, after settling. */
    List<Long> indexes(final Session session)
    {
        settle();
        return sinks.get(session).indexes();
    }

    /** Acknowledges everything written to the session so far (DELIVERY_ACK by index), then settles. */
    void ackAll(final Session session)
    {
        for (final Written w : written(session))
        {
            session.feed().onAck(w.index());
        }
        session.feed().persist();
        settle();
    }

    /** Every session's periodic checks (FLASH deadlines), as the timer tick runs them. */
    void timers()
    {
        for (final Session s : sinks.keySet())
        {
            s.feed().onTimer();
        }
        settle();
    }

    /** Publishes an envelope as the session's PUBLISH frame, on this thread. */
    PublishOutcome publish(final Session session, final Envelope envelope)
    {
        final byte[] bytes = envelope.toByteArray();
        final ByteBuf frame = Unpooled.buffer(1 + bytes.length);
        frame.writeByte(FrameType.PUBLISH_VALUE).writeBytes(bytes);
        try
        {
            return sequencer.publish(session, frame);
        }
        finally
        {
            frame.release();
        }
    }

    /** Imports an envelope as a DELIVERY from {@code peer} carried it (at an offset, as inside a frame). */
    ImportOutcome importFrom(final Session peer, final Envelope envelope, final TerminalKind originKind, final String originRegion)
    {
        return importFrom(peer, envelope.toByteArray(), originKind.getNumber(), originRegion);
    }

    ImportOutcome importFrom(final Session peer, final byte[] envelope, final int originKind, final String originRegion)
    {
        final ByteBuf buf = Unpooled.buffer(7 + envelope.length);
        buf.writeBytes(new byte[7]).writeBytes(envelope);
        try
        {
            return sequencer.importDelivery(peer, buf, 7, envelope.length, originKind, originRegion);
        }
        finally
        {
            buf.release();
        }
    }

    /** One journal entry as read back (a copy). */
    JournalEntry entry(final long index)
    {
        try (JournalReader reader = journal.newReader())
        {
            reader.seekAtOrAfter(index);
            final JournalEntry e = new JournalEntry();
            if (!reader.next(e) || e.index() != index)
            {
                throw new AssertionError("no journal entry " + index);
            }
            return e;
        }
    }

    /** Every journal entry, in order. */
    List<JournalEntry> entries()
    {
        final List<JournalEntry> all = new ArrayList<>();
        try (JournalReader reader = journal.newReader())
        {
            reader.toStart();
            JournalEntry e = new JournalEntry();
            while (reader.next(e))
            {
                all.add(e);
                e = new JournalEntry();
            }
        }
        return all;
    }

    static Envelope.Builder text(final String origin, final long sequence, final String... to)
    {
        final Envelope.Builder b = Envelope.newBuilder().setOrigin(origin).setOriginSequence(sequence)
            .setPrecedence(io.emcomm.protocol.wire.Precedence.ROUTINE)
            .setText(io.emcomm.protocol.wire.Text.newBuilder().setText(origin + " " + sequence));
        for (final String t : to)
        {
            b.addTo(t);
        }
        return b;
    }

    @Override
    public void close()
    {
        for (final Session s : sinks.keySet())
        {
            s.feed().close();
        }
        settle();
        cursors.close();
        journal.close();
    }
}
