package io.emcomm.router.delivery;

import io.emcomm.protocol.wire.Precedence;
import io.emcomm.router.RouterCounters;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.internal.PlatformDependent;

import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The frames waiting to go out on one connection, one lane per precedence. Any thread may
 * {@link #offer}; only the connection's event loop drains, always from the highest non-empty lane, so
 * a FLASH frame overtakes every queued lower-precedence frame. What is already handed to Netty is bounded
 * by the channel's write-buffer high watermark, so a FLASH frame waits behind at most that many bytes.
 *
 * <p>Draining runs as one task per burst of offers (not per frame) and flushes once at the end, so a
 * burst of deliveries costs one syscall.
 */
public final class Outbound implements Runnable
{
    private static final int LANES = 4;

    private final Channel channel;
    private final RouterCounters counters;
    private final int limit;
    @SuppressWarnings("unchecked")
    private final Queue<ByteBuf>[] lanes = new Queue[LANES];
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile boolean closed;

    public Outbound(final Channel channel, final RouterCounters counters, final int limit)
    {
        this.channel = channel;
        this.counters = counters;
        this.limit = limit;
        for (int i = 0; i < LANES; i++)
        {
            lanes[i] = PlatformDependent.newMpscQueue();
        }
    }

    /** Lane 0 is FLASH, 3 is ROUTINE. */
    static int lane(final int precedenceNumber)
    {
        return Precedence.FLASH_VALUE - precedenceNumber;
    }

    /**
     * Queues a complete frame; takes ownership of {@code frame}.
     *
     * @return false when the connection is closed or over its limit: the frame was released and not queued.
     */
    public boolean offer(final ByteBuf frame, final int precedenceNumber)
    {
        if (closed || queued.get() >= limit)
        {
            frame.release();
            return false;
        }
        lanes[lane(precedenceNumber)].offer(frame);
        queued.incrementAndGet();
        if (closed)
        {
            releaseAll();
            return false;
        }
        if (scheduled.compareAndSet(false, true))
        {
            channel.eventLoop().execute(this);
        }
        return true;
    }

    public int queued()
    {
        return queued.get();
    }

    @Override
    public void run()
    {
        scheduled.set(false);
        drain();
    }

    /** Writes queued frames in precedence order while the channel is writable. Event loop only. */
    public void drain()
    {
        if (closed)
        {
            releaseAll();
            return;
        }
        int written = 0;
        while (channel.isWritable())
        {
            final ByteBuf frame = poll();
            if (frame == null)
            {
                break;
            }
            channel.write(frame, channel.voidPromise());
            written++;
        }
        if (written > 0)
        {
            queued.addAndGet(-written);
            counters.addDelivered(written);
            channel.flush();
        }
    }

    private ByteBuf poll()
    {
        for (int i = 0; i < LANES; i++)
        {
            final ByteBuf frame = lanes[i].poll();
            if (frame != null)
            {
                return frame;
            }
        }
        return null;
    }

    /** Drops everything queued; later offers are refused. Safe from any thread. */
    public void close()
    {
        closed = true;
        releaseAll();
    }

    private void releaseAll()
    {
        for (final Queue<ByteBuf> lane : lanes)
        {
            ByteBuf frame;
            while ((frame = lane.poll()) != null)
            {
                frame.release();
                queued.decrementAndGet();
            }
        }
    }
}
