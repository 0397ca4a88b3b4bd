package io.emcomm.bench.jmh;

import io.emcomm.protocol.wire.Precedence;
import io.emcomm.router.RouterCounters;
import io.emcomm.router.delivery.Outbound;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.FastThreadLocalThread;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The per-connection precedence queue ({@link Outbound}): a burst of 64 frames of mixed precedence (one
 * FLASH, a few IMMEDIATE and PRIORITY, mostly ROUTINE) offered, drained in precedence order by one event
 * loop task, written and flushed. Reported per frame. Run inside
 * {@link FastThreadLocalThread#runWithFastThreadLocal} so Netty recycles buffer objects as on the router's
 * event loops.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PrecedenceQueueBenchmark
{
    private static final int BURST = 64;

    private EmbeddedChannel channel;
    private Outbound outbound;
    private ByteBuf frame;
    private final int[] precedence = new int[BURST];

    @Setup
    public void setUp()
    {
        channel = new EmbeddedChannel();
        outbound = new Outbound(channel, new RouterCounters(), 1 << 16);
        frame = Unpooled.directBuffer(340).writeZero(340);
        for (int i = 0; i < BURST; i++)
        {
            precedence[i] = i == 40 ? Precedence.FLASH_VALUE
                : i % 16 == 3 ? Precedence.IMMEDIATE_VALUE
                : i % 8 == 5 ? Precedence.PRIORITY_VALUE
                : Precedence.ROUTINE_VALUE;
        }
    }

    @TearDown
    public void tearDown()
    {
        outbound.close();
        channel.finishAndReleaseAll();
        frame.release();
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int offerAndDrain()
    {
        FastThreadLocalThread.runWithFastThreadLocal(burst);
        return written;
    }

    private int written;
    private final Runnable burst = this::burst;

    private void burst()
    {
        for (int i = 0; i < BURST; i++)
        {
            outbound.offer(frame.retainedDuplicate(), precedence[i]);
        }
        channel.runPendingTasks();
        int written = 0;
        Object out;
        while ((out = channel.readOutbound()) != null)
        {
            ((ByteBuf)out).release();
            written++;
        }
        this.written = written;
    }
}
