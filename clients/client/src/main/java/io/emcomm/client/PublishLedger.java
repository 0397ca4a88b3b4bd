package io.emcomm.client;

import io.netty.buffer.ByteBuf;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Publishes the router has not answered yet, kept across reconnects so that each is sent again with its origin
 * sequence (at-least-once, protocol.md §4.3): a ring of positions 1, 2, 3, ... in the order the publishes were
 * numbered, each holding the publish's sequence, its deadline, where its encoded PUBLISH frame lies (a reference on
 * the {@link OutboundBatch} buffer it was written into, released when the publish is answered) and, for a
 * {@link EmcommClient#publish} call, its future. Nothing is allocated per publish: the slots are arrays, allocated a
 * chunk of {@value #CHUNK} at a time as the window first reaches them.
 *
 * <p>Sequences increase with positions but may jump (a WELCOME's {@code last_origin_sequence} above the client's),
 * so an answer's position is found by its offset from the oldest, checked, or else by binary search. Insertion order
 * is deadline order (one request timeout for all), so expiry looks only at the head.
 *
 * <p>Threads: one producer at a time adds (the {@link ClientConductor}'s publish path, under its lock); the network
 * thread answers, expires and resends, without a lock; a slot is answered by whoever wins the compare-and-set of its
 * state (the network thread, or the thread ending the session), so a publish is completed and its buffer released
 * exactly once. {@code head} (every position up to it answered) is written by the network thread only.
 */
final class PublishLedger
{
    static final int CHUNK = 1024;

    private static final class Chunk
    {
        /** The slot's sequence while it waits for an answer, 0 once answered. */
        final AtomicLongArray state = new AtomicLongArray(CHUNK);
        final long[] sequence = new long[CHUNK];
        final long[] deadline = new long[CHUNK];
        final int[] offset = new int[CHUNK];
        final int[] length = new int[CHUNK];
        final ByteBuf[] buffer = new ByteBuf[CHUNK];
        final Object[] future = new Object[CHUNK];
    }

    private final int maxPending;
    private final int mask;
    private final Chunk[] chunks;
    private volatile long head;
    private volatile long tail;

    PublishLedger(final int maxPending)
    {
        this.maxPending = maxPending;
        final int capacity = Math.max(CHUNK, Integer.highestOneBit(Math.max(1, maxPending - 1)) << 1);
        this.mask = capacity - 1;
        this.chunks = new Chunk[capacity / CHUNK];
    }

    // ------------------------------------------------------------------ producer (under the conductor's lock)

    /** True when another publish fits in the window: fewer than the maximum from the oldest unanswered on. */
    boolean hasRoom()
    {
        return tail - head < maxPending;
    }

    /** The window's span: positions from the oldest unanswered to the newest (the count when answers come in order). */
    int size()
    {
        return (int)(tail - head);
    }

    /**
     * Adds a publish whose frame is [offset, offset + length) of {@code buffer}, taking a reference on it; returns its
     * position. {@code future} is null for {@link Publisher#offer}.
     */
    long add(final long sequence, final ByteBuf buffer, final int offset, final int length, final long deadlineNanos,
        final CompletableFuture<PublishResult> future)
    {
        final long position = tail + 1;
        final int slot = (int)(position & mask) & (CHUNK - 1);
        final int index = (int)(position & mask) / CHUNK;
        Chunk chunk = chunks[index];
        if (chunk == null)
        {
            chunk = new Chunk(); // published by the volatile writes below
            chunks[index] = chunk;
        }
        buffer.retain();
        chunk.sequence[slot] = sequence;
        chunk.deadline[slot] = deadlineNanos;
        chunk.offset[slot] = offset;
        chunk.length[slot] = length;
        chunk.buffer[slot] = buffer;
        chunk.future[slot] = future;
        chunk.state.set(slot, sequence);
        tail = position;
        return position;
    }

    // ------------------------------------------------------------------ network thread

    long head()
    {
        return head;
    }

    long tail()
    {
        return tail;
    }

    private Chunk chunk(final long position)
    {
        return chunks[(int)(position & mask) / CHUNK];
    }

    private static int slot(final long position)
    {
        return (int)position & (CHUNK - 1);
    }

    long sequence(final long position)
    {
        return chunk(position).sequence[slot(position)];
    }

    boolean isPending(final long position)
    {
        return chunk(position).state.get(slot(position)) != 0;
    }

    /** The position of the unanswered publish numbered {@code sequence}, or -1 (never sent, or answered already). */
    long find(final long sequence)
    {
        final long first = head + 1;
        final long last = tail;
        if (sequence <= 0 || first > last)
        {
            return -1;
        }
        long position = first + (sequence - sequence(first));
        if (position < first || position > last || sequence(position) != sequence)
        {
            position = search(first, last, sequence);
        }
        return position > 0 && isPending(position) ? position : -1;
    }

    private long search(final long first, final long last, final long sequence)
    {
        long low = first;
        long high = last;
        while (low <= high)
        {
            final long mid = (low + high) >>> 1;
            final long at = sequence(mid);
            if (at < sequence)
            {
                low = mid + 1;
            }
            else if (at > sequence)
            {
                high = mid - 1;
            }
            else
            {
                return mid;
            }
        }
        return -1;
    }

    /** The oldest unanswered position, or -1. */
    long oldest()
    {
        final long last = tail;
        for (long p = head + 1; p <= last; p++)
        {
            if (isPending(p))
            {
                return p;
            }
        }
        return -1;
    }

    /** Takes the answer of {@code position} for the caller; false when someone else answered it first. */
    boolean claim(final long position)
    {
        final Chunk chunk = chunk(position);
        final int slot = slot(position);
        final long sequence = chunk.sequence[slot];
        return sequence != 0 && chunk.state.compareAndSet(slot, sequence, 0);
    }

    long deadline(final long position)
    {
        return chunk(position).deadline[slot(position)];
    }

    int frameOffset(final long position)
    {
        return chunk(position).offset[slot(position)];
    }

    int frameLength(final long position)
    {
        return chunk(position).length[slot(position)];
    }

    ByteBuf frameBuffer(final long position)
    {
        return chunk(position).buffer[slot(position)];
    }

    @SuppressWarnings("unchecked")
    CompletableFuture<PublishResult> future(final long position)
    {
        return (CompletableFuture<PublishResult>)chunk(position).future[slot(position)];
    }

    /**
     * Releases a claimed slot's buffer reference and lets the head pass every answered position. Network thread, or
     * the closing thread once the session has ended (then the head is not moved: nothing is added any more).
     */
    void release(final long position, final boolean moveHead)
    {
        final Chunk chunk = chunk(position);
        final int slot = slot(position);
        final ByteBuf buffer = chunk.buffer[slot];
        chunk.buffer[slot] = null;
        chunk.future[slot] = null;
        if (buffer != null)
        {
            buffer.release();
        }
        if (moveHead)
        {
            long h = head;
            final long last = tail;
            while (h < last && !isPending(h + 1))
            {
                h++;
            }
            head = h;
        }
    }
}
