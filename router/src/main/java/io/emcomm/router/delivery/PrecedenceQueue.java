package io.emcomm.router.delivery;

import io.emcomm.protocol.wire.Precedence;
import io.netty.buffer.ByteBuf;
import io.netty.util.internal.PlatformDependent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Frames waiting for one connection, one lane per precedence: any thread offers, one consumer (the
 * connection's event loop) polls, always from the highest non-empty lane, so a FLASH frame overtakes
 * every queued lower-precedence frame. A polled frame that cannot go out yet (a shaped link out of budget)
 * is held at the head of its lane and still loses to anything of higher precedence.
 *
 * <p>The lanes are lock-free MPSC queues; nothing is allocated per frame once they have grown. A lane is made
 * at the first frame offered to it and kept from then on: an idle terminal has none (a lane costs ~730 bytes of
 * padded queue and first chunk, and 100,000 idle terminals must fit one router's heap), and a terminal that only
 * ever receives ROUTINE has one. While a frame is queued its capacity is charged to the session's
 * {@link SessionOutbound} account (the memory budgets).
 */
public final class PrecedenceQueue
{
    static final int LANES = 4;
    /**
     * Lanes grow in chunks of this many slots: small, because most of 10,000 idle terminals never have more
     * than a few frames queued, and a lane that fills under load links more chunks as it goes.
     */
    private static final int CHUNK = 32;

    /** Lane i, or null until its first frame; set once (compare-and-set by any producer), read with acquire. */
    private static final VarHandle LANE = MethodHandles.arrayElementVarHandle(Queue[].class);

    @SuppressWarnings("unchecked")
    private final Queue<ByteBuf>[] lanes = new Queue[LANES];
    private final ByteBuf[] held = new ByteBuf[LANES];
    private final AtomicInteger size = new AtomicInteger();
    /** Charged each frame's bytes while it is in here; null when nobody counts them. */
    private final SessionOutbound account;
    private int polledLane;

    public PrecedenceQueue()
    {
        this(null);
    }

    /** A queue whose frames' bytes are charged to {@code account} while they are in it (may be null). */
    public PrecedenceQueue(final SessionOutbound account)
    {
        this.account = account;
    }

    /** Lane {@code i}, made now if no frame was ever offered to it (once: a racing producer's lane wins). */
    @SuppressWarnings("unchecked")
    private Queue<ByteBuf> laneForOffer(final int i)
    {
        final Queue<ByteBuf> lane = (Queue<ByteBuf>)LANE.getAcquire(lanes, i);
        if (lane != null)
        {
            return lane;
        }
        final Queue<ByteBuf> made = PlatformDependent.newMpscQueue(CHUNK, 1 << 30);
        final Queue<ByteBuf> witness = (Queue<ByteBuf>)LANE.compareAndExchange(lanes, i, null, made);
        return witness != null ? witness : made;
    }

    /** Lane {@code i}, or null when no frame was ever offered to it (so it is empty). */
    @SuppressWarnings("unchecked")
    private Queue<ByteBuf> existingLane(final int i)
    {
        return (Queue<ByteBuf>)LANE.getAcquire(lanes, i);
    }

    /** Lane 0 is FLASH, 3 is ROUTINE; unknown numbers count as ROUTINE. */
    static int lane(final int precedenceNumber)
    {
        if (precedenceNumber < Precedence.ROUTINE_VALUE || precedenceNumber > Precedence.FLASH_VALUE)
        {
            return LANES - 1;
        }
        return Precedence.FLASH_VALUE - precedenceNumber;
    }

    /** Queues a frame; the queue owns it until polled. Any thread. */
    public void offer(final ByteBuf frame, final int precedenceNumber)
    {
        size.incrementAndGet();
        charge(frame);
        laneForOffer(lane(precedenceNumber)).offer(frame);
    }

    /** The highest-precedence frame, or null. Consumer thread only. */
    public ByteBuf poll()
    {
        return poll(LANES);
    }

    /**
     * The highest-precedence frame of the first {@code laneCount} lanes (1 = FLASH only), or null when those
     * are empty; lower lanes are left alone. Consumer thread only.
     */
    public ByteBuf poll(final int laneCount)
    {
        for (int i = 0; i < laneCount; i++)
        {
            ByteBuf frame = held[i];
            if (frame != null)
            {
                held[i] = null;
            }
            else
            {
                final Queue<ByteBuf> lane = existingLane(i);
                frame = lane != null ? lane.poll() : null;
            }
            if (frame != null)
            {
                polledLane = i;
                size.decrementAndGet();
                credit(frame);
                return frame;
            }
        }
        return null;
    }

    /** Puts the frame last returned by {@link #poll} back at the head of its lane. Consumer thread only. */
    public void holdBack(final ByteBuf frame)
    {
        held[polledLane] = frame;
        size.incrementAndGet();
        charge(frame);
    }

    private void charge(final ByteBuf frame)
    {
        if (account != null)
        {
            account.charge(frame.capacity());
        }
    }

    private void credit(final ByteBuf frame)
    {
        if (account != null)
        {
            account.credit(frame.capacity());
        }
    }

    public int size()
    {
        return size.get();
    }

    /** Releases every queued frame. Consumer thread, or after the producers have stopped. */
    public void clear()
    {
        for (int i = 0; i < LANES; i++)
        {
            if (held[i] != null)
            {
                credit(held[i]);
                held[i].release();
                held[i] = null;
                size.decrementAndGet();
            }
            final Queue<ByteBuf> lane = existingLane(i);
            ByteBuf frame;
            while (lane != null && (frame = lane.poll()) != null)
            {
                credit(frame);
                frame.release();
                size.decrementAndGet();
            }
        }
    }
}
