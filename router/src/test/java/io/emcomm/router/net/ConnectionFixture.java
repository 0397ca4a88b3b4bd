package io.emcomm.router.net;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.Error;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Hello;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Welcome;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.counters.RouterCounters;
import io.emcomm.router.delivery.DeliveryContext;
import io.emcomm.router.delivery.OutboundBudget;
import io.emcomm.router.journal.ChronicleJournal;
import io.emcomm.router.journal.Journal;
import io.emcomm.router.journal.DedupeWindows;
import io.emcomm.router.receipt.ReceiptPublisher;
import io.emcomm.router.route.LocalRoutingTable;
import io.emcomm.router.security.AccessControl;
import io.emcomm.router.sequence.Sequencer;
import io.emcomm.router.terminal.ChronicleCursorStore;
import io.emcomm.testing.ManualClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A router's shared parts without its sockets, for driving the connection pipeline on Netty's
 * {@link EmbeddedChannel}: a real journal and cursor store in a temp folder, the real routing table, sequencer and
 * access control, a manual clock for the router's micros. Each {@link #connect()} gives a channel whose pipeline
 * is the router's own after TLS ({@link RouterChannelInitializer#addProtocolPhases}), on a mock ticker: Netty's time
 * (timers, the idle handler) moves only when a test calls {@link #advanceMillis}.
 */
final class ConnectionFixture implements AutoCloseable
{
    final ManualClock clock = new ManualClock();
    /** Netty's time for every channel of this fixture: it moves only by {@link #advanceMillis}. */
    private final MockTicker ticker = Ticker.newMockTicker();
    final RouterCounters counters = new RouterCounters();
    final LocalRoutingTable table = new LocalRoutingTable();
    final RouterConfig config;
    final RouterContext context;
    private final ChronicleJournal journal;
    private final ChronicleCursorStore cursors;
    private final RouterChannelInitializer initializer;
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    /** Frames read out of the channel's outbound buffers and not yet handed to the test. Test thread only. */
    private static final Map<EmbeddedChannel, ArrayDeque<Frame>> PENDING = new WeakHashMap<>();

    ConnectionFixture(final Path dir, final Consumer<RouterConfig.Builder> settings)
    {
        this(dir, settings, j -> j);
    }

    /** As above, with the router's journal seen through {@code wrap} (to observe appends and syncs). */
    ConnectionFixture(final Path dir, final Consumer<RouterConfig.Builder> settings, final UnaryOperator<Journal> wrap)
    {
        this(dir, settings, wrap, c -> c);
    }

    /** As above, with the cursor store seen through {@code store} (a cluster's store, faked over the local one). */
    ConnectionFixture(final Path dir, final Consumer<RouterConfig.Builder> settings, final UnaryOperator<Journal> wrap,
        final java.util.function.Function<ChronicleCursorStore, io.emcomm.router.terminal.CursorStore> store)
    {
        final RouterConfig.Builder builder = RouterConfig.loopback(dir);
        settings.accept(builder);
        config = builder.build();
        final AccessControl accessControl = new AccessControl(config.security());
        journal = new ChronicleJournal(config.journalDir());
        final Journal routerJournal = wrap.apply(journal);
        cursors = new ChronicleCursorStore(dir.resolve("cursors"));
        final DedupeWindows origins = new DedupeWindows();
        final Sequencer sequencer = new Sequencer(routerJournal, table, counters, clock, origins.state(config.routerId()),
            config.security().validateBodies(), id -> cursors.contains(id) || accessControl.registered(id));
        final ReceiptPublisher receipts = new ReceiptPublisher(routerJournal, sequencer, origins.state(config.routerId()), counters,
            clock, config.flashEscalate());
        final OutboundBudget outbound = new OutboundBudget(config.outboundRouterBytes(), config.outboundSessionBytes(),
            config.timerIntervalMs() * 1000L);
        final DeliveryContext delivery = new DeliveryContext(routerJournal, cursors, sequencer.publishLock(), counters, clock,
            receipts, config.routerId(), config.deliveryWindow(), config.inFlightLimit(), config.outboundQueueLimit(),
            config.flashAckTimeoutMs() * 1000L, config.slowConsumerDisconnectMs() * 1000L, outbound);
        context = new RouterContext(config, routerJournal, origins, table, sequencer, counters, clock, store.apply(cursors),
            delivery, accessControl);
        initializer = new RouterChannelInitializer(context);
    }

    /** A new connection, active (admitted or refused), on this fixture's mock ticker. */
    EmbeddedChannel connect() throws Exception
    {
        final EmbeddedChannel ch = EmbeddedChannel.builder().ticker(ticker).handlers(new ChannelInitializer<Channel>()
        {
            @Override
            protected void initChannel(final Channel c)
            {
                initializer.addProtocolPhases(c.pipeline());
            }
        }).build();
        channels.add(ch);
        return ch;
    }

    /** Moves Netty's time (every channel's) by {@code millis} and runs the timers due on {@code ch}. */
    void advanceMillis(final EmbeddedChannel ch, final long millis)
    {
        ticker.advanceMillis(millis);
        ch.runScheduledPendingTasks();
        ch.runPendingTasks();
    }

    /** Sends one frame as the client would (length, type, payload) and runs what it scheduled to run now. */
    static void send(final EmbeddedChannel ch, final FrameType type, final MessageLite payload)
    {
        ch.writeInbound(Frames.encode(ByteBufAllocator.DEFAULT, type, payload));
        ch.runPendingTasks();
    }

    /** Sends raw bytes as the client would. */
    static void sendRaw(final EmbeddedChannel ch, final byte[] bytes)
    {
        ch.writeInbound(Unpooled.wrappedBuffer(bytes));
        ch.runPendingTasks();
    }

    static Hello.Builder hello(final String id, final TerminalKind kind, final String region)
    {
        return Hello.newBuilder().setProtocolVersion(Frames.PROTOCOL_VERSION).setTerminalId(id).setKind(kind).setRegionCode(region);
    }

    /** Sends a valid HELLO and returns the WELCOME it got. */
    static Welcome login(final EmbeddedChannel ch, final String id, final TerminalKind kind, final String region)
    {
        send(ch, FrameType.HELLO, hello(id, kind, region).build());
        return next(ch, FrameType.WELCOME, Welcome.parser());
    }

    /** A frame the router wrote to the client: its type byte and payload. */
    record Frame(int type, byte[] payload)
    {
        FrameType frameType()
        {
            return FrameType.forNumber(type);
        }
    }

    /** The next frame the router wrote, or null when it wrote nothing more. Releases the buffers it reads. */
    static Frame nextFrame(final EmbeddedChannel ch)
    {
        final ArrayDeque<Frame> pending = PENDING.computeIfAbsent(ch, c -> new ArrayDeque<>());
        while (pending.isEmpty())
        {
            final ByteBuf buf = ch.readOutbound();
            if (buf == null)
            {
                return null;
            }
            try
            {
                // one write may carry several frames (the PUBLISH_ACKs of a batch)
                while (buf.isReadable())
                {
                    final int length = buf.readInt();
                    final int type = buf.readUnsignedByte();
                    final byte[] payload = new byte[length - Frames.TYPE_BYTES];
                    buf.readBytes(payload);
                    pending.add(new Frame(type, payload));
                }
            }
            finally
            {
                buf.release();
            }
        }
        return pending.poll();
    }

    /** Every frame the router wrote and the test has not read yet. */
    static List<Frame> remainingFrames(final EmbeddedChannel ch)
    {
        final List<Frame> frames = new ArrayList<>();
        for (Frame f = nextFrame(ch); f != null; f = nextFrame(ch))
        {
            frames.add(f);
        }
        return frames;
    }

    /** The next frame, which must be of {@code type}, parsed. */
    static <T> T next(final EmbeddedChannel ch, final FrameType type, final Parser<T> parser)
    {
        final Frame f = nextFrame(ch);
        assertNotNull(f, "expected " + type + ", the router wrote nothing");
        assertEquals(type, f.frameType(), () -> "expected " + type + ", got " + f.frameType() + " " + describe(f));
        try
        {
            return parser.parseFrom(f.payload());
        }
        catch (final com.google.protobuf.InvalidProtocolBufferException ex)
        {
            throw new AssertionError(ex);
        }
    }

    /** The next frame, which must be an ERROR with {@code code}. */
    static Error nextError(final EmbeddedChannel ch, final ErrorCode code)
    {
        final Error e = next(ch, FrameType.ERROR, Error.parser());
        assertEquals(code, e.getCode(), e::toString);
        return e;
    }

    private static String describe(final Frame f)
    {
        if (f.frameType() == FrameType.ERROR)
        {
            try
            {
                return Error.parseFrom(f.payload()).toString();
            }
            catch (final com.google.protobuf.InvalidProtocolBufferException ex)
            {
                return "(unparsable ERROR)";
            }
        }
        return "";
    }

    /** Closes the channels (their sessions unregister), then the journal and the cursor store. */
    @Override
    public void close()
    {
        for (final EmbeddedChannel ch : channels)
        {
            ch.finishAndReleaseAll();
            PENDING.remove(ch);
        }
        cursors.close();
        journal.close();
    }
}
