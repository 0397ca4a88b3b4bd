package io.emcomm.bench.jmh;

import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.protocol.frame.FrameDecoder;
import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.PublishAck;
import io.emcomm.router.delivery.DeliveryFrames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
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

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The frame codec: splitting a read of 16 PUBLISH frames with {@link FrameDecoder} (through an
 * EmbeddedChannel, as in the pipeline), and building the router's hot-path frames (DELIVERY, PUBLISH_ACK; a
 * DELIVERY also numbered with its per-connection {@code delivery_seq}, alone and shared by a fan-out) and a
 * control frame through protobuf. The hot-path rows should show (near) zero B/op with -prof gc.
 *
 * <p>Netty 4.2 recycles buffer objects only on Netty's own threads (FastThreadLocalThread), which is where
 * the router runs them; JMH's threads are plain ones, so each invocation runs a batch of operations inside
 * {@link FastThreadLocalThread#runWithFastThreadLocal} (whose own cost is spread over the batch), or every
 * buffer would count as garbage that the router never makes. Scores are per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FrameCodecBenchmark
{
    private static final int FRAMES_PER_READ = 16;

    static final int BATCH = 256;

    /** The router's allocator: Netty's default (adaptive in 4.2), as ctx.alloc() hands out. */
    private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
    private ByteBuf acks;
    private EmbeddedChannel decoderChannel;
    private ByteBuf read;
    private ByteBuf envelope;
    /** Wrapped on the envelope once: the router's route step has it wrapped already when it makes the frame. */
    private final EnvelopeHeader header = new EnvelopeHeader();
    private byte[] origin;
    private PublishAck ack;
    private long index = 1;
    private long sink;
    private final Runnable decodeBatch = () -> repeat(this::decodeOne);
    private final Runnable deliveryBatch = () -> repeat(this::deliveryOne);
    private final Runnable numberedBatch = () -> repeat(this::numberedOne);
    private final Runnable fanOutBatch = () -> repeat(this::fanOutOne);
    private final Runnable sharedBatch = () -> repeat(this::sharedOne);
    private long deliverySeq;
    private final Runnable ackBatch = () -> repeat(this::ackOne);
    private final Runnable controlBatch = () -> repeat(this::controlOne);

    @Setup
    public void setUp()
    {
        decoderChannel = new EmbeddedChannel(new FrameDecoder(Frames.DEFAULT_MAX_FRAME_BYTES));
        final byte[] bytes = SampleEnvelopes.report().toByteArray();
        envelope = alloc.directBuffer(bytes.length).writeBytes(bytes);
        if (!header.wrap(envelope, 0, bytes.length))
        {
            throw new IllegalStateException(header.problem());
        }
        read = alloc.directBuffer(FRAMES_PER_READ * (Frames.HEADER_BYTES + bytes.length));
        for (int i = 0; i < FRAMES_PER_READ; i++)
        {
            Frames.writeHeader(read, FrameType.PUBLISH, bytes.length);
            read.writeBytes(bytes);
        }
        origin = "ground-520102001001-17".getBytes(StandardCharsets.US_ASCII);
        acks = alloc.directBuffer(32 * 1024);
        ack = PublishAck.newBuilder().setOrigin("ground-520102001001-17").setOriginSequence(123_456)
            .setJournalIndex(0x1_0000_0042L).build();
    }

    @TearDown
    public void tearDown()
    {
        decoderChannel.finishAndReleaseAll();
        read.release();
        envelope.release();
        acks.release();
    }

    private void repeat(final java.util.function.IntSupplier op)
    {
        long sum = 0;
        for (int i = 0; i < BATCH; i++)
        {
            sum += op.getAsInt();
        }
        sink += sum;
    }

    /** One socket read holding 16 PUBLISH frames, split into retained slices and released. Per read. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long decode16Frames()
    {
        FastThreadLocalThread.runWithFastThreadLocal(decodeBatch);
        return sink;
    }

    /** The router's DELIVERY frame for one recipient: header, index, envelope copy, timestamp. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long encodeDelivery()
    {
        FastThreadLocalThread.runWithFastThreadLocal(deliveryBatch);
        return sink;
    }

    /**
     * As {@link #encodeDelivery}, then numbered for its connection ({@code delivery_seq}, DeliveryFrames.numbered):
     * the 1to1 case, where the writing session holds the only reference and the field goes in place.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long encodeNumberedDelivery()
    {
        FastThreadLocalThread.runWithFastThreadLocal(numberedBatch);
        return sink;
    }

    /**
     * One DELIVERY shared by two sessions of a fan-out, each numbering it: the first to write gets a copy (the
     * other still holds the bytes), the last numbers it in place. Per message (two frames written).
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long encodeNumberedFanOutOfTwo()
    {
        FastThreadLocalThread.runWithFastThreadLocal(fanOutBatch);
        return sink;
    }

    /** The baseline of {@link #encodeNumberedFanOutOfTwo}: one DELIVERY shared by two sessions, not numbered (before). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long encodeSharedOfTwoUnnumbered()
    {
        FastThreadLocalThread.runWithFastThreadLocal(sharedBatch);
        return sink;
    }

    /** The router's PUBLISH_ACK frame, written without protobuf objects into one buffer per read batch (AckBatch). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long encodePublishAck()
    {
        FastThreadLocalThread.runWithFastThreadLocal(ackBatch);
        return sink;
    }

    /** A control frame through protobuf (Frames.encode): the control-plane path, allocation expected. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long encodeControlFrameWithProtobuf()
    {
        FastThreadLocalThread.runWithFastThreadLocal(controlBatch);
        return sink;
    }

    private int decodeOne()
    {
        decoderChannel.writeInbound(read.retainedDuplicate());
        int bytes = 0;
        ByteBuf frame;
        while ((frame = decoderChannel.readInbound()) != null)
        {
            bytes += frame.readableBytes();
            frame.release();
        }
        return bytes;
    }

    private int deliveryOne()
    {
        final ByteBuf frame = DeliveryFrames.delivery(alloc, index++, envelope, 0, envelope.readableBytes(),
            1_760_000_000_000_000L, 0, header);
        final int size = frame.readableBytes();
        frame.release();
        return size;
    }

    private int numberedOne()
    {
        final ByteBuf frame = DeliveryFrames.numbered(DeliveryFrames.delivery(alloc, index++, envelope, 0,
            envelope.readableBytes(), 1_760_000_000_000_000L, 0, header), ++deliverySeq, alloc);
        final int size = frame.readableBytes();
        frame.release();
        return size;
    }

    private int fanOutOne()
    {
        final ByteBuf frame = DeliveryFrames.delivery(alloc, index++, envelope, 0, envelope.readableBytes(),
            1_760_000_000_000_000L, 0, header);
        final ByteBuf copy = DeliveryFrames.numbered(frame.retainedDuplicate(), ++deliverySeq, alloc);
        final ByteBuf own = DeliveryFrames.numbered(frame, deliverySeq, alloc);
        final int size = copy.readableBytes() + own.readableBytes();
        copy.release();
        own.release();
        return size;
    }

    private int sharedOne()
    {
        final ByteBuf frame = DeliveryFrames.delivery(alloc, index++, envelope, 0, envelope.readableBytes(),
            1_760_000_000_000_000L, 0, header);
        final ByteBuf share = frame.retainedDuplicate();
        final int size = share.readableBytes() + frame.readableBytes();
        share.release();
        frame.release();
        return size;
    }

    private int ackOne()
    {
        if (acks.writableBytes() < 64)
        {
            acks.clear(); // the router hands its batch to the channel at 32 KiB and starts a new one
        }
        DeliveryFrames.writePublishAck(acks, origin, 123_456, index++, false);
        return acks.writerIndex();
    }

    private int controlOne()
    {
        final ByteBuf frame = Frames.encode(alloc, FrameType.PUBLISH_ACK, ack);
        final int size = frame.readableBytes();
        frame.release();
        return size;
    }
}
