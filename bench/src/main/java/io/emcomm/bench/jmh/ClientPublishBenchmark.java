package io.emcomm.bench.jmh;

import io.emcomm.bench.load.Payload;
import io.emcomm.client.ClientOptions;
import io.emcomm.client.EmcommClient;
import io.emcomm.client.PublishListener;
import io.emcomm.client.Publisher;
import io.emcomm.protocol.frame.FrameDecoder;
import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.frame.ProtoWriter;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Welcome;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
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

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The public client's publish path ({@link Publisher#offerText}): one 256-byte text publish encoded into the outbound
 * buffer, a flush every {@value #BURST} offers, and its PUBLISH_ACK matched back to the {@link PublishListener} on the
 * client's network thread. The router is a stub on loopback in this JVM that welcomes and acknowledges every PUBLISH
 * with a frame written in place, so that {@code -prof gc} counts (nearly) only the client: the row should show 0 B/op
 * apart from what a flush costs spread over its burst.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ClientPublishBenchmark
{
    static final int BURST = 64;

    private EventLoopGroup serverGroup;
    private Channel server;
    private EmcommClient client;
    private Publisher publisher;
    private final ByteBuf payload = Unpooled.buffer(Payload.SIZE);
    private long acked;
    private int inBurst;

    @Setup
    public void setUp()
    {
        serverGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new ServerBootstrap().group(serverGroup).channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<Channel>()
            {
                @Override
                protected void initChannel(final Channel ch)
                {
                    ch.pipeline().addLast(new FrameDecoder(Frames.DEFAULT_MAX_FRAME_BYTES), new AckingRouter());
                }
            }).bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
        final int port = ((InetSocketAddress)server.localAddress()).getPort();
        client = EmcommClient.connect(ClientOptions.builder().router("127.0.0.1", port)
            .terminal("bench-pub", TerminalKind.GROUND, "52").maxPendingPublishes(8_192)
            .publishListener(new PublishListener()
            {
                @Override
                public void onAcknowledged(final long originSequence, final long journalIndex, final boolean duplicate)
                {
                    acked++;
                }

                @Override
                public void onFailed(final long originSequence, final Exception cause)
                {
                    throw new IllegalStateException("publish " + originSequence + " failed", cause);
                }
            }).build());
        publisher = client.publisher("channel:bench.jmh");
        Payload.write(payload, System.nanoTime(), false);
    }

    @TearDown
    public void tearDown()
    {
        client.close();
        server.close().syncUninterruptibly();
        serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One offer of a 256-byte text body; a flush every {@value #BURST}, and at back-pressure until there is room. */
    @Benchmark
    public long offerText()
    {
        long sequence;
        while ((sequence = publisher.offerText(Precedence.ROUTINE, payload, 0, Payload.SIZE)) < 0)
        {
            publisher.flush();
            inBurst = 0;
            Thread.onSpinWait();
        }
        if (++inBurst == BURST)
        {
            publisher.flush();
            inBurst = 0;
        }
        return sequence;
    }

    /** A router stub: WELCOME after HELLO, then a PUBLISH_ACK for every PUBLISH, written per read batch. */
    private static final class AckingRouter extends ChannelInboundHandlerAdapter
    {
        private long journalIndex;
        private ByteBuf out;

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            final ByteBuf frame = (ByteBuf)msg;
            try
            {
                final int type = frame.getUnsignedByte(frame.readerIndex());
                if (type == FrameType.HELLO_VALUE)
                {
                    ctx.writeAndFlush(Frames.encode(ctx.alloc(), FrameType.WELCOME, Welcome.newBuilder().setProtocolVersion(1)
                        .setMaxFrameBytes(Frames.DEFAULT_MAX_FRAME_BYTES).build()));
                }
                else if (type == FrameType.PUBLISH_VALUE)
                {
                    ack(ctx, originSequence(frame));
                }
            }
            finally
            {
                ReferenceCountUtil.release(frame);
            }
        }

        /** The envelope's field 2 (after field 1, the origin, which the client writes first). */
        private static long originSequence(final ByteBuf frame)
        {
            int p = frame.readerIndex() + Frames.TYPE_BYTES + 1; // tag of field 1
            final int originLength = frame.getByte(p++);
            p += originLength + 1; // origin, tag of field 2
            long value = 0;
            for (int shift = 0; ; shift += 7)
            {
                final byte b = frame.getByte(p++);
                value |= (long)(b & 0x7F) << shift;
                if (b >= 0)
                {
                    return value;
                }
            }
        }

        private void ack(final ChannelHandlerContext ctx, final long sequence)
        {
            if (out == null)
            {
                out = ctx.alloc().ioBuffer(16 * 1024);
            }
            final long index = ++journalIndex;
            final int size = ProtoWriter.varintFieldSize(2, sequence) + ProtoWriter.varintFieldSize(3, index);
            Frames.writeHeader(out, FrameType.PUBLISH_ACK, size);
            ProtoWriter.writeVarintField(out, 2, sequence);
            ProtoWriter.writeVarintField(out, 3, index);
        }

        @Override
        public void channelReadComplete(final ChannelHandlerContext ctx)
        {
            if (out != null)
            {
                ctx.writeAndFlush(out, ctx.voidPromise());
                out = null;
            }
        }
    }
}
