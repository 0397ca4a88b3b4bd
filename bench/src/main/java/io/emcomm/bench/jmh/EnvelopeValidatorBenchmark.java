package io.emcomm.bench.jmh;

import io.emcomm.protocol.envelope.EnvelopeValidator;
import io.emcomm.protocol.wire.Envelope;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What the router pays to know a published envelope would parse for its receivers: the {@link EnvelopeValidator}
 * walk against the protobuf parse it replaces ({@code Envelope.parser().parseFrom(frame.nioBuffer(...))}), both
 * reading a pooled direct buffer as the router's frames are.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EnvelopeValidatorBenchmark
{
    /** text: the ~330-byte report with 256 bytes of text; alert: a CAP flood alert with a polygon area. */
    @Param({"text", "alert"})
    public String envelope;

    private final EnvelopeValidator validator = new EnvelopeValidator();
    private ByteBuf buffer;
    private int length;

    @Setup
    public void setUp()
    {
        final Envelope sample = "alert".equals(envelope) ? SampleEnvelopes.alert() : SampleEnvelopes.report();
        final byte[] bytes = sample.toByteArray();
        length = bytes.length;
        buffer = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
        if (validator.problem(buffer, 0, length) != null)
        {
            throw new IllegalStateException("sample refused: " + validator.problem(buffer, 0, length));
        }
    }

    @TearDown
    public void tearDown()
    {
        buffer.release();
    }

    @Benchmark
    public String validator()
    {
        return validator.problem(buffer, buffer.readerIndex(), length);
    }

    @Benchmark
    public Object protobufParse() throws Exception
    {
        return Envelope.parser().parseFrom(buffer.nioBuffer(buffer.readerIndex(), length));
    }
}
