package io.emcomm.bench.jmh;

import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.journal.ChronicleJournal;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.queue.RollCycles;
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
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Appending one ~330-byte envelope to the Chronicle journal in each durability mode: page cache only
 * ({@code syncEvery=0}, JournalSync.NONE), group commit ({@code syncEvery=64}: one msync per 64 appends, as
 * one read batch of a busy connection), and a sync per message ({@code syncEvery=1}, the worst case).
 * Sampled, not averaged: an append is tens of nanoseconds until it touches a new page or a sync lands
 * on it, and the percentiles show those stalls that an average would hide. {@code pretouchAhead} is how far
 * ahead of the appender the journal's pretoucher thread keeps pages faulted in (0: off, the appending thread
 * takes every page fault itself; 8 MiB: the router's default), to compare the tails with and without it.
 * Needs the Chronicle JVM flags in the fork: run it through {@code bench jmh}, which appends them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JournalAppendBenchmark
{
    @Param({"0", "64", "1"})
    public int syncEvery;

    @Param({"0", "8388608"})
    public long pretouchAhead;

    private Path dir;
    private ChronicleJournal journal;
    private ByteBuf envelope;
    private long appended;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        dir = Files.createTempDirectory("emcomm-jmh-journal");
        journal = new ChronicleJournal(dir, RollCycles.FAST_DAILY, SystemTimeProvider.INSTANCE, pretouchAhead);
        final byte[] bytes = SampleEnvelopes.report().toByteArray();
        envelope = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        journal.close();
        envelope.release();
        try (Stream<Path> files = Files.walk(dir))
        {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public long append()
    {
        final long index = journal.append(envelope, envelope.readerIndex(), envelope.readableBytes(),
            1_760_000_000_000_000L, TerminalKind.GROUND_VALUE, "520102001001");
        if (syncEvery > 0 && ++appended % syncEvery == 0)
        {
            journal.sync();
        }
        return index;
    }
}
