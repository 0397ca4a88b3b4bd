package io.emcomm.bench.sut;

import io.emcomm.protocol.frame.FrameDecoder;
import io.emcomm.protocol.frame.Frames;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.util.ReferenceCountUtil;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A harness connection that speaks length-prefixed frames ({@link Frames}) over Netty: the lean EmComm
 * driver and the baseline client.
 *
 * <p>Writes are batched per thread: the sender thread appends frames to its own buffer and hands the
 * whole buffer to the event loop on {@link #flush()} (one task per batch, not per message); the event loop
 * appends acknowledgements and replies to a second buffer that goes out at the end of each read batch.
 * Each buffer has exactly one writer thread, so neither needs a lock.
 */
abstract class FramedConnection extends ChannelInboundHandlerAdapter implements BenchClient
{
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);
    private static final int BATCH_BYTES = 16 * 1024;

    protected final CompletableFuture<Void> ready = new CompletableFuture<>();
    protected volatile Channel channel;
    private ByteBuf senderBatch;
    private ByteBuf loopBatch;

    /** Connects and waits for the handshake ({@link #ready}) to complete. */
    final void connect(final int port) throws Exception
    {
        final Bootstrap bootstrap = new Bootstrap()
            .group(ClientLoops.group())
            .channel(NettyTransport.socketChannel())
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(new ChannelInitializer<Channel>()
            {
                @Override
                protected void initChannel(final Channel ch)
                {
                    ch.pipeline().addLast(new FrameDecoder(Frames.DEFAULT_MAX_FRAME_BYTES), FramedConnection.this);
                }
            });
        channel = bootstrap.connect("127.0.0.1", port).sync().channel();
        try
        {
            ready.get(HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (final Exception ex)
        {
            channel.close();
            throw ex;
        }
    }

    @Override
    public final void handlerAdded(final ChannelHandlerContext ctx)
    {
        channel = ctx.channel(); // before any frame can arrive, so handlers may use it
    }

    @Override
    public final void channelActive(final ChannelHandlerContext ctx) throws Exception
    {
        onConnected(ctx);
        super.channelActive(ctx);
    }

    /** Sends the handshake; called on the event loop once the TCP connection is up. */
    protected abstract void onConnected(ChannelHandlerContext ctx);

    /**
     * One frame, starting at its type byte. Called on the event loop; the frame is released afterwards.
     */
    protected abstract void onFrame(ByteBuf frame, int type);

    @Override
    public final void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        final ByteBuf frame = (ByteBuf)msg;
        try
        {
            onFrame(frame, frame.getUnsignedByte(frame.readerIndex()));
        }
        finally
        {
            ReferenceCountUtil.release(frame);
        }
    }

    @Override
    public final void channelReadComplete(final ChannelHandlerContext ctx)
    {
        final ByteBuf batch = loopBatch;
        if (batch != null)
        {
            loopBatch = null;
            ctx.writeAndFlush(batch, ctx.voidPromise());
        }
    }

    @Override
    public final void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        ready.completeExceptionally(new IllegalStateException("connection closed before the handshake"));
        onClosed();
        super.channelInactive(ctx);
    }

    /** The connection closed (by either side). */
    protected void onClosed()
    {
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        ready.completeExceptionally(cause);
        ctx.close();
    }

    /**
     * A buffer with room for {@code bytes} more, owned by the calling thread: the event loop's batch when
     * called on the event loop, the sender's batch otherwise.
     */
    protected final ByteBuf out(final int bytes)
    {
        if (channel.eventLoop().inEventLoop())
        {
            ByteBuf batch = loopBatch;
            if (batch == null)
            {
                batch = channel.alloc().ioBuffer(Math.max(BATCH_BYTES, bytes));
                loopBatch = batch;
            }
            return batch;
        }
        ByteBuf batch = senderBatch;
        if (batch != null && batch.writableBytes() < bytes)
        {
            flush();
            batch = null;
        }
        if (batch == null)
        {
            batch = channel.alloc().ioBuffer(Math.max(BATCH_BYTES, bytes));
            senderBatch = batch;
        }
        return batch;
    }

    /** True when the socket can take more without growing Netty's outbound buffer past its high mark. */
    protected final boolean writable()
    {
        return channel.isWritable();
    }

    @Override
    public final void flush()
    {
        if (channel.eventLoop().inEventLoop())
        {
            return; // the event loop's batch goes out at the end of the read batch
        }
        final ByteBuf batch = senderBatch;
        if (batch != null)
        {
            senderBatch = null;
            channel.writeAndFlush(batch, channel.voidPromise());
        }
    }

    /** Writes one control frame now (control plane: may be called from any thread). */
    protected final void sendNow(final ByteBuf frame)
    {
        channel.writeAndFlush(frame, channel.voidPromise());
    }

    @Override
    public void close()
    {
        if (channel == null)
        {
            return;
        }
        flush();
        channel.close().syncUninterruptibly();
        channel.eventLoop().submit(() ->
        {
            if (loopBatch != null)
            {
                loopBatch.release();
                loopBatch = null;
            }
        }).syncUninterruptibly();
    }
}
