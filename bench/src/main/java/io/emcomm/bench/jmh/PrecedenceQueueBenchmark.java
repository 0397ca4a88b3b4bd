package io.emcomm.bench.jmh;

import io.emcomm.protocol.wire.Precedence;
import io.emcomm.router.delivery.PrecedenceQueue;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
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
 * The per-connection precedence queue ({@link PrecedenceQueue}): a burst of 64 frames of mixed precedence
 * (one FLASH, a few IMMEDIATE and PRIORITY, mostly ROUTINE) offered, then polled in precedence order and
 * released, as the connection's event loop does. Reported per frame. Run inside
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

    private PrecedenceQueue queue;
    private ByteBuf frame;
    private final int[] precedence = new int[BURST];

    @Setup
    public void setUp()
    {
        queue = new PrecedenceQueue();
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
        queue.clear();
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
            queue.offer(frame.retainedDuplicate(), precedence[i]);
        }
        int written = 0;
        ByteBuf out;
        while ((out = queue.poll()) != null)
        {
            out.release();
            written++;
        }
        this.written = written;
    }
}
