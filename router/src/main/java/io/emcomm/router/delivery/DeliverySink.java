package io.emcomm.router.delivery;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Where a {@link DeliveryFeed} writes its DELIVERY frames, and the single thread (event loop) the feed runs on.
 * The network layer implements it over its connection ({@link ChannelSink} over a Netty channel); tests implement
 * it with a recorder and a task list they run by hand, so the feed can be driven by direct calls on a manual
 * clock.
 *
 * <p>Threading: {@link #execute}, {@link #schedule} and {@link #inLoop} on any thread; everything else on the
 * sink's loop. Hot path: {@link #write}, {@link #isWritable} and {@link #flush} are called per frame or per batch
 * and must not allocate.
 */
public interface DeliverySink
{
    /** The allocator for frames read back from the journal (catch-up, FLASH resends). */
    ByteBufAllocator alloc();

    /**
     * Whether the connection takes more now (below its write-buffer high-water mark, 64 KiB). When it turns
     * writable again, the network layer calls {@link DeliveryFeed#drain()}.
     */
    boolean isWritable();

    /** Writes one frame without flushing; the sink takes ownership of {@code frame} (releases it). */
    void write(ByteBuf frame);

    /** Hands what {@link #write} gathered to the socket. */
    void flush();

    /** Bytes written and not yet handed to the socket, for the memory budgets ({@link SessionOutbound}). */
    long pendingWriteBytes();

    /** Runs {@code task} on the sink's loop, later; any thread. */
    void execute(Runnable task);

    /** Runs {@code task} on the sink's loop once {@code delayMicros} have passed; any thread. */
    void schedule(Runnable task, long delayMicros);

    /** Whether the calling thread is the sink's loop. */
    boolean inLoop();

    /** Who is at the other end, for log lines (the remote address). */
    String describe();
}
