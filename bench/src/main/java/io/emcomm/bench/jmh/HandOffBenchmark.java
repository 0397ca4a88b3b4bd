package io.emcomm.bench.jmh;

import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.counters.RouterCounters;
import io.emcomm.router.delivery.DeliveryContext;
import io.emcomm.router.delivery.DeliveryEvents;
import io.emcomm.router.delivery.DeliveryFeed;
import io.emcomm.router.delivery.DeliveryFrames;
import io.emcomm.router.delivery.DeliverySink;
import io.emcomm.router.delivery.FeedOwner;
import io.emcomm.router.delivery.LinkProfile;
import io.emcomm.router.delivery.OutboundBudget;
import io.emcomm.router.journal.ChronicleJournal;
import io.emcomm.router.terminal.CursorStore;
import io.emcomm.router.terminal.TerminalIdentity;
import io.emcomm.router.terminal.TerminalState;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocalThread;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The hand-off from a publishing loop to a live subscriber's feed ({@link DeliveryFeed#handOff}): a read batch of
 * {@link #batch} DELIVERY frames handed off, then what the subscriber's loop does with them - one wake-up task that
 * takes the hand-offs into the precedence queue, writes them to the sink (which releases them) and flushes - then
 * a DELIVERY_ACK for each and the cursor's move. Reported per batch (B/op too). Both sides run on the benchmark's
 * thread, so it measures the work and the allocation of the path, not the cross-core transfer; expect 0 B/op with
 * {@code -prof gc} for batches below 32 (see {@link #batch}). The frames are reused (not duplicated), so
 * no buffer object is recycled and the thread need not be a {@link FastThreadLocalThread} (wrapping each batch in
 * {@code runWithFastThreadLocal} would itself allocate per call). Needs the Chronicle JVM flags in the fork (the
 * feed's catch-up opens a journal reader once): run it through {@code bench jmh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HandOffBenchmark
{
    /** The largest batch; {@link #batch} frames of it are handed off per invocation. */
    private static final int MAX_BATCH = 64;

    /**
     * Frames per publishing read batch. Up to 31 nothing is allocated; from 32 the ROUTINE lane of the feed's
     * {@code PrecedenceQueue} links a chunk of 32 slots per 32 frames waiting (about 4.5 B per frame); the hand-off
     * queue links one only beyond 127.
     */
    @Param({"16", "64"})
    public int batch;

    /**
     * The subscriber's loop: tasks run by hand after each batch. A frame written goes back to the benchmark's
     * pool instead of being released: the writer stamps its delivery_seq in place (refCnt 1), so the sink undoes
     * that (writer index and length), and the frame is handed off again in a later batch.
     */
    private static final class LoopSink implements DeliverySink
    {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        final long[] written = new long[4 * MAX_BATCH];
        int writtenCount;
        ByteBuf[] pool;
        int[] poolWriterIndex;
        int[] poolLength;

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
            written[writtenCount++] = DeliveryFrames.index(frame);
            for (int i = 0; i < pool.length; i++)
            {
                if (pool[i] == frame)
                {
                    frame.writerIndex(poolWriterIndex[i]);
                    frame.setInt(frame.readerIndex(), poolLength[i]);
                    return;
                }
            }
            frame.release(); // a copy (a frame still shared when written): not the benchmark's
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
            tasks.add(task);
        }

        @Override
        public boolean inLoop()
        {
            return true;
        }

        @Override
        public String describe()
        {
            return "benchmark";
        }

        void runTasks()
        {
            Runnable task;
            while ((task = tasks.poll()) != null)
            {
                task.run();
            }
        }
    }

    /** Cursors kept in memory only: the store's own cost is the journal's business, not the hand-off's. */
    private static final class NoStore implements CursorStore
    {
        @Override
        public TerminalState terminal(final String terminalId, final long initialCursor)
        {
            return CursorStore.newState(terminalId, initialCursor);
        }

        @Override
        public Collection<TerminalState> terminals()
        {
            return List.of();
        }

        @Override
        public boolean contains(final String terminalId)
        {
            return false;
        }

        @Override
        public void recordCursor(final TerminalState terminal, final long cursor)
        {
        }

        @Override
        public void recordAck(final TerminalState terminal, final long index)
        {
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

    private static final class Owner implements FeedOwner
    {
        private final TerminalIdentity identity = new TerminalIdentity("veh-1", TerminalKind.GROUND, "520102001001");

        @Override
        public TerminalIdentity identity()
        {
            return identity;
        }

        @Override
        public void slowConsumer()
        {
            throw new IllegalStateException("the benchmark's subscriber keeps up");
        }

        @Override
        public void slowConsumerOverBudget()
        {
            throw new IllegalStateException("the benchmark's subscriber keeps up");
        }
    }

    private Path dir;
    private ChronicleJournal journal;
    private LoopSink sink;
    private DeliveryFeed feed;
    private final ByteBuf[] frames = new ByteBuf[MAX_BATCH];
    private long nextIndex = 1;
    private int lastWritten;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        dir = Files.createTempDirectory("emcomm-jmh-handoff");
        journal = new ChronicleJournal(dir);
        final NoStore store = new NoStore();
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
        final DeliveryContext ctx = new DeliveryContext(journal, store, new Object(), new RouterCounters(),
            () -> System.nanoTime() / 1_000, events, "router-1", 16_384, 128, 65_536, 30_000_000L, 120_000_000L,
            new OutboundBudget(64L << 20, 8L << 20, 1_000_000L));
        sink = new LoopSink();
        feed = new DeliveryFeed(ctx, store.terminal("veh-1", journal.lastIndex()), LinkProfile.UNSHAPED, sink);
        feed.start(new Owner());
        FastThreadLocalThread.runWithFastThreadLocal(sink::runTasks); // the empty backlog: the feed turns live
        if (!feed.isLive())
        {
            throw new IllegalStateException("the feed did not turn live");
        }
        final byte[] envelope = SampleEnvelopes.report().toByteArray();
        final EnvelopeHeader header = new EnvelopeHeader();
        final ByteBuf bytes = Unpooled.wrappedBuffer(envelope);
        header.wrap(bytes, 0, envelope.length);
        for (int i = 0; i < MAX_BATCH; i++)
        {
            frames[i] = DeliveryFrames.delivery(UnpooledByteBufAllocator.DEFAULT, i + 1, envelope, envelope.length,
                1_760_000_000_000_000L, 0, header);
        }
        // the frames are made once; each batch gives them new journal indexes in their prefix (what the feed reads)
        sink.pool = frames;
        sink.poolWriterIndex = new int[MAX_BATCH];
        sink.poolLength = new int[MAX_BATCH];
        for (int i = 0; i < MAX_BATCH; i++)
        {
            sink.poolWriterIndex[i] = frames[i].writerIndex();
            sink.poolLength[i] = frames[i].getInt(frames[i].readerIndex());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        feed.close();
        FastThreadLocalThread.runWithFastThreadLocal(sink::runTasks);
        for (final ByteBuf frame : frames)
        {
            frame.release();
        }
        journal.close();
        try (Stream<Path> files = Files.walk(dir))
        {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** One read batch; the score is per invocation: divide by {@link #batch} for the cost per frame. */
    @Benchmark
    public int handOffTakeWriteAck()
    {
        runBatch();
        return lastWritten;
    }

    private void runBatch()
    {
        // the publishing loop's side, as the sequencer's route does for one recipient
        for (int i = 0; i < batch; i++)
        {
            final ByteBuf frame = frames[i];
            frame.setLong(frame.readerIndex() - 16, nextIndex++); // DeliveryFrames' prefix: the journal index
            feed.handOff(frame); // refCnt 1, as a frame routed to one session; the sink gives it back
        }
        // the subscriber's loop: the wake-up task (take, write, flush), then the batch's acknowledgements
        sink.runTasks();
        final int n = sink.writtenCount;
        for (int i = 0; i < n; i++)
        {
            feed.onAck(sink.written[i]);
        }
        feed.persist();
        sink.writtenCount = 0;
        lastWritten = n;
    }
}
