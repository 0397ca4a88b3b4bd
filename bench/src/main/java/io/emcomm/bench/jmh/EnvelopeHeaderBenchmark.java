package io.emcomm.bench.jmh;

import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.protocol.wire.Envelope;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What the router pays to learn where a message goes: the {@link EnvelopeHeader} flyweight scan of the
 * routing header (no allocation) against a full protobuf parse of the same envelope.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EnvelopeHeaderBenchmark
{
    private final EnvelopeHeader header = new EnvelopeHeader();
    private byte[] bytes;
    private ByteBuf buffer;

    @Setup
    public void setUp()
    {
        bytes = SampleEnvelopes.report().toByteArray();
        buffer = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
    }

    @TearDown
    public void tearDown()
    {
        buffer.release();
    }

    /** Scan the header, then compare the origin and hash each destination, as routing does. */
    @Benchmark
    public int flyweightScan()
    {
        if (!header.wrap(buffer, buffer.readerIndex(), buffer.readableBytes()))
        {
            return -1;
        }
        int h = header.precedenceNumber();
        if (header.originEquals("ground-520102001001-17"))
        {
            h++;
        }
        for (int i = 0; i < header.destinationCount(); i++)
        {
            h += header.destinationHash(i);
        }
        return h;
    }

    /** Parse the whole envelope into protobuf objects and read the same fields. */
    @Benchmark
    public int protobufParse() throws Exception
    {
        final Envelope envelope = Envelope.parseFrom(bytes);
        int h = envelope.getPrecedenceValue();
        if (envelope.getOrigin().equals("ground-520102001001-17"))
        {
            h++;
        }
        for (int i = 0; i < envelope.getToCount(); i++)
        {
            h += envelope.getTo(i).hashCode();
        }
        return h;
    }
}
