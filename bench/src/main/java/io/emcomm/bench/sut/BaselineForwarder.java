package io.emcomm.bench.sut;

import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.FrameType;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The ceiling for this stack on this machine: a raw Netty forwarder with no routing, no journal and no
 * protobuf. A connection joins numbered groups; a PUBLISH to a group is forwarded, frame and all, to every
 * member (retained duplicates of the received buffer), and acknowledged at once when the publisher asks.
 *
 * <pre>
 *   HELLO     [len][1]                          -> WELCOME [len][2]
 *   SUBSCRIBE [len][6][group:u32]               -> SUBSCRIPTION_ACK [len][8][group:u32]
 *   PUBLISH   [len][3][group:u32][seq:u64][flags:u8][payload]
 *             -> the same frame to each member; PUBLISH_ACK [len][4][seq:u64] when flags bit 0 is set
 * </pre>
 *
 * Runs in a child JVM with the same flags, heap and Netty defaults as the router, so the two are compared
 * like for like. Usage: {@code BaselineForwarder <port>}.
 */
public final class BaselineForwarder implements AutoCloseable
{
    static final int GROUP_OFFSET = Frames.HEADER_BYTES;
    static final int SEQUENCE_OFFSET = GROUP_OFFSET + 4;
    static final int FLAGS_OFFSET = SEQUENCE_OFFSET + 8;
    static final int PAYLOAD_OFFSET = FLAGS_OFFSET + 1;
    static final int FLAG_WANT_ACK = 1;
    static final int MAX_GROUPS = 1 << 16;

    private final EventLoopGroup boss = NettyTransport.newGroup(1);
    private final EventLoopGroup workers = NettyTransport.newGroup(Math.max(1, Runtime.getRuntime().availableProcessors()));
    private final AtomicReferenceArray<Channel[]> groups = new AtomicReferenceArray<>(MAX_GROUPS);
    private final Channel server;

    private BaselineForwarder(final int port) throws InterruptedException
    {
        server = new ServerBootstrap()
            .group(boss, workers)
            .channel(NettyTransport.serverChannel())
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<Channel>()
            {
                @Override
                protected void initChannel(final Channel ch)
                {
                    ch.pipeline().addLast(
                        new LengthFieldBasedFrameDecoder(Frames.LENGTH_FIELD_BYTES + Frames.DEFAULT_MAX_FRAME_BYTES,
                            0, Frames.LENGTH_FIELD_BYTES, 0, 0),
                        new ForwardingHandler());
                }
            })
            .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
    }

    /**
     * Child-JVM entry point: binds 127.0.0.1:{@code args[0]} (0 or none: any free port), announces the port to the
     * harness and forwards until the harness says stop or closes stdin.
     */
    public static void main(final String[] args) throws Exception
    {
        final int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        try (BaselineForwarder forwarder = new BaselineForwarder(port))
        {
            ChildControl.serve(((InetSocketAddress)forwarder.server.localAddress()).getPort());
        }
    }

    private synchronized void join(final int group, final Channel channel)
    {
        final Channel[] members = groups.get(group);
        final Channel[] next;
        if (members == null)
        {
            next = new Channel[] {channel};
        }
        else
        {
            next = java.util.Arrays.copyOf(members, members.length + 1);
            next[members.length] = channel;
        }
        groups.set(group, next);
    }

    private synchronized void leaveAll(final Channel channel)
    {
        for (int g = 0; g < MAX_GROUPS; g++)
        {
            final Channel[] members = groups.get(g);
            if (members != null)
            {
                final Channel[] next = java.util.Arrays.stream(members).filter(c -> c != channel).toArray(Channel[]::new);
                if (next.length != members.length)
                {
                    groups.set(g, next.length == 0 ? null : next);
                }
            }
        }
    }

    @Override
    public void close()
    {
        server.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One per connection; all its methods run on the connection's event loop. */
    private final class ForwardingHandler extends ChannelInboundHandlerAdapter
    {
        /** Channels written to during this read batch, flushed once at its end. */
        private final List<Channel> dirty = new ArrayList<>();

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            final ByteBuf frame = (ByteBuf)msg;
            try
            {
                final int base = frame.readerIndex();
                final int type = frame.getUnsignedByte(base + Frames.LENGTH_FIELD_BYTES);
                switch (type)
                {
                    case FrameType.PUBLISH_VALUE:
                        forward(ctx, frame, base);
                        break;
                    case FrameType.HELLO_VALUE:
                    {
                        final ByteBuf welcome = ctx.alloc().ioBuffer(Frames.HEADER_BYTES);
                        Frames.writeHeader(welcome, FrameType.WELCOME, 0);
                        ctx.write(welcome, ctx.voidPromise());
                        markDirty(ctx.channel());
                        break;
                    }
                    case FrameType.SUBSCRIBE_VALUE:
                    {
                        final int group = frame.getInt(base + GROUP_OFFSET);
                        join(group, ctx.channel());
                        final ByteBuf ack = ctx.alloc().ioBuffer(Frames.HEADER_BYTES + 4);
                        Frames.writeHeader(ack, FrameType.SUBSCRIPTION_ACK, 4);
                        ack.writeInt(group);
                        ctx.write(ack, ctx.voidPromise());
                        markDirty(ctx.channel());
                        break;
                    }
                    default:
                        break;
                }
            }
            finally
            {
                frame.release();
            }
        }

        private void forward(final ChannelHandlerContext ctx, final ByteBuf frame, final int base)
        {
            final Channel[] members = groups.get(frame.getInt(base + GROUP_OFFSET) & (MAX_GROUPS - 1));
            if (members != null)
            {
                for (final Channel member : members)
                {
                    member.write(frame.retainedDuplicate(), member.voidPromise());
                    markDirty(member);
                }
            }
            if ((frame.getByte(base + FLAGS_OFFSET) & FLAG_WANT_ACK) != 0)
            {
                final ByteBuf ack = ctx.alloc().ioBuffer(Frames.HEADER_BYTES + 8);
                Frames.writeHeader(ack, FrameType.PUBLISH_ACK, 8);
                ack.writeLong(frame.getLong(base + SEQUENCE_OFFSET));
                ctx.write(ack, ctx.voidPromise());
                markDirty(ctx.channel());
            }
        }

        private void markDirty(final Channel channel)
        {
            final List<Channel> dirty = this.dirty;
            for (int i = 0, n = dirty.size(); i < n; i++)
            {
                if (dirty.get(i) == channel)
                {
                    return;
                }
            }
            dirty.add(channel);
        }

        @Override
        public void channelReadComplete(final ChannelHandlerContext ctx)
        {
            final List<Channel> dirty = this.dirty;
            for (int i = 0, n = dirty.size(); i < n; i++)
            {
                dirty.get(i).flush();
            }
            dirty.clear();
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx)
        {
            leaveAll(ctx.channel());
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            ctx.close();
        }
    }
}
