package io.emcomm.router.delivery;

import io.netty.buffer.ByteBuf;
import io.netty.util.internal.PlatformDependent;

import java.util.Queue;

/**
 * The DELIVERY frames that publishing event loops hand to one {@link DeliveryFeed}, waiting for the feed's own
 * event loop to take them: a bounded, lock-free multi-producer single-consumer queue (JCTools'
 * {@code MpscChunkedArrayQueue}, through Netty's {@link PlatformDependent#newMpscQueue(int, int)}), in the manner of
 * Aeron's conductor queues and Netty's own task queues. A publisher never touches the feed's state; the feed's loop
 * alone decides what each frame becomes (see {@link DeliveryFeed#handOff}).
 *
 * <p><b>Full.</b> A frame that does not fit is not queued (the publisher releases it) and the queue is marked
 * <i>overflowed</i>. From then on every offer is refused, without trying the queue, until the consumer
 * {@linkplain #takeOverflow() takes the mark}: so every frame ever queued precedes, in journal order, every frame
 * refused, and the consumer knows where the gap starts - after what it polled before it took the mark. It then
 * reads the gap back from the journal (the feed falls back to catching up), which is why nothing is lost.
 *
 * <p>Order: offers must be made in journal order, one at a time. The publish path holds the publish lock
 * while it hands a frame off, which gives both.
 *
 * <p>Memory: a chunk of {@value #CHUNK} slots is made with the queue; under load it links more chunks of that size,
 * up to {@code capacity}, and drops them as the consumer passes (about 4 bytes per frame beyond the first chunk,
 * as the lanes of the {@link PrecedenceQueue}). Nothing is allocated per frame while the consumer is less than a
 * chunk behind. The frames' bytes are not charged to the session's byte budget while
 * they are in here: the queue is bounded in frames, and the feed's loop takes them out each time it runs, where
 * the budget applies.
 *
 * <p>Threading: {@link #offer} on publishing threads (see "Order"); everything else on the feed's event loop,
 * except {@link #clear()}, also on it.
 */
final class HandOffQueue
{
    /**
     * Slots made at once (about 530 bytes per session); a producer may run this many frames, less one, ahead of
     * the consumer before a chunk is linked. 1to1 at 100,000-300,000 msgs/s hands a subscriber 30-100 frames per
     * wake-up.
     */
    static final int CHUNK = 128;
    /**
     * Frames waiting at most, with the default queue limit: about 160 ms of 1to1 at 100,000 msgs/s, so that a subscriber's loop
     * held up for a moment on a busy machine (other connections, GC, the kernel) does not fall back to the journal,
     * which costs it a re-read of what was dropped. An overflow sends the feed back to the journal, as the queue
     * limit ({@code emcomm.outbound.queue.limit}) does; at ~340 bytes a frame it holds at most ~5.5 MB.
     */
    static final int CAPACITY = 16_384;

    /**
     * The capacity for a feed whose precedence queue holds at most {@code queueLimit} frames
     * ({@code emcomm.outbound.queue.limit}): no more than that limit allows (a deployment that keeps few frames per
     * session keeps few in transit too), at least {@code 2 x} {@value #CHUNK}, at most {@value #CAPACITY}; a power
     * of two.
     */
    static int capacityFor(final int queueLimit)
    {
        final int atLeast = Math.max(2 * CHUNK, Math.min(CAPACITY, queueLimit));
        return Integer.bitCount(atLeast) == 1 ? atLeast : Integer.highestOneBit(atLeast) << 1;
    }

    private final Queue<ByteBuf> frames;
    /** Set by a publisher whose frame did not fit; cleared only by the consumer. */
    private volatile boolean overflowed;

    /** @param capacity frames waiting at most (a power of two, at least 2 x {@value #CHUNK}). */
    HandOffQueue(final int capacity)
    {
        if (capacity < 2 * CHUNK || Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("hand-off capacity " + capacity + " must be a power of two >= " + 2 * CHUNK);
        }
        this.frames = PlatformDependent.newMpscQueue(CHUNK, capacity);
    }

    /**
     * Queues a frame. Publishing thread, in journal order (under the publish lock); no allocation while the
     * consumer keeps up.
     *
     * @return false when the queue is full or has overflowed since the consumer last looked: the frame was not
     *     queued and the caller still owns it.
     */
    boolean offer(final ByteBuf frame)
    {
        if (overflowed)
        {
            return false;
        }
        if (!frames.offer(frame))
        {
            overflowed = true;
            return false;
        }
        return true;
    }

    /** The oldest frame handed off, or null. Consumer only. */
    ByteBuf poll()
    {
        return frames.poll();
    }

    /** Whether a frame was refused since the last {@link #takeOverflow()}; any thread. */
    boolean hasOverflowed()
    {
        return overflowed;
    }

    /**
     * Takes the overflow mark: publishers may queue again. Consumer only; call it after polling what was queued
     * before the gap, and go back to the journal for what follows.
     *
     * @return whether frames were refused since the last call.
     */
    boolean takeOverflow()
    {
        if (!overflowed)
        {
            return false;
        }
        overflowed = false;
        return true;
    }

    /** Frames waiting (a snapshot). Any thread. */
    int size()
    {
        return frames.size();
    }

    /** Nothing waits (a snapshot). Consumer only. */
    boolean isEmpty()
    {
        return frames.isEmpty();
    }

    /** Releases every waiting frame. Consumer, or after the producers have stopped. */
    void clear()
    {
        ByteBuf frame;
        while ((frame = frames.poll()) != null)
        {
            frame.release();
        }
    }
}
