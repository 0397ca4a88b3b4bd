package io.emcomm.router.delivery;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;

import java.util.concurrent.TimeUnit;

/**
 * A {@link DeliverySink} over a Netty channel: frames go to {@link Channel#write} with the void promise (no
 * allocation per frame), tasks to the channel's event loop. It lives in delivery rather than net because it
 * needs nothing from the network layer but the channel, and net sits above delivery.
 */
public final class ChannelSink implements DeliverySink
{
    private final Channel channel;

    /** @param channel the connection of the session the feed delivers to; the feed runs on its event loop. */
    public ChannelSink(final Channel channel)
    {
        this.channel = channel;
    }

    @Override
    public ByteBufAllocator alloc()
    {
        return channel.alloc();
    }

    @Override
    public boolean isWritable()
    {
        return channel.isWritable();
    }

    @Override
    public void write(final ByteBuf frame)
    {
        channel.write(frame, channel.voidPromise());
    }

    @Override
    public void flush()
    {
        channel.flush();
    }

    @Override
    public long pendingWriteBytes()
    {
        final ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
        return out == null ? 0 : out.totalPendingWriteBytes();
    }

    @Override
    public void execute(final Runnable task)
    {
        channel.eventLoop().execute(task);
    }

    @Override
    public void schedule(final Runnable task, final long delayMicros)
    {
        channel.eventLoop().schedule(task, delayMicros, TimeUnit.MICROSECONDS);
    }

    @Override
    public boolean inLoop()
    {
        return channel.eventLoop().inEventLoop();
    }

    @Override
    public String describe()
    {
        return String.valueOf(channel.remoteAddress());
    }
}
