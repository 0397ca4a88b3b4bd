package io.emcomm.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Where publishes are encoded: one pooled buffer that PUBLISH frames are appended to, written to the connection
 * as one slice per {@link #flush} (Netty's explicit-flush idiom: many writes, one syscall). The buffer also backs
 * the {@link PublishLedger}'s copies of the frames, which hold a reference on it until their publish is answered,
 * so a resend after a reconnect costs no re-encoding; a full buffer is left to those references and a new one
 * started.
 *
 * <p>Not thread-safe: guarded by the {@link ClientConductor}'s lock.
 */
final class OutboundBatch
{
    /**
     * Fifty-odd 300-byte publishes; a larger frame gets a buffer of its own size. A batch written when full must stay
     * well under the channel's 64 KiB write high-water mark, or one full batch alone would make it unwritable.
     */
    static final int BATCH_BYTES = 16 * 1024;

    private final ByteBufAllocator allocator;
    private ByteBuf buffer;
    private int flushedIndex;

    OutboundBatch(final ByteBufAllocator allocator)
    {
        this.allocator = allocator;
    }

    /**
     * A buffer with room for {@code bytes} more at its writer index. When the current one is too full, what it holds
     * unflushed is written to {@code out} first (null while no connection is welcomed) and a new one is started.
     */
    ByteBuf reserve(final int bytes, final RouterProxy out)
    {
        ByteBuf b = buffer;
        if (b == null || b.writableBytes() < bytes)
        {
            if (b != null)
            {
                flush(out);
                b.release(); // the ledger's references keep it while its publishes wait
            }
            b = allocator.directBuffer(Math.max(BATCH_BYTES, bytes));
            buffer = b;
            flushedIndex = 0;
        }
        return b;
    }

    /** True when frames were appended since the last flush. */
    boolean hasUnflushed()
    {
        return buffer != null && buffer.writerIndex() > flushedIndex;
    }

    /**
     * Writes and flushes what was appended since the last flush to {@code out}; with {@code out} null (not welcomed)
     * it is dropped from the wire, as the ledger sends every unanswered publish again after the next WELCOME.
     */
    void flush(final RouterProxy out)
    {
        final ByteBuf b = buffer;
        if (b == null)
        {
            return;
        }
        final int end = b.writerIndex();
        if (end > flushedIndex)
        {
            if (out != null)
            {
                out.writeAndFlush(b.retainedSlice(flushedIndex, end - flushedIndex));
            }
            flushedIndex = end;
        }
    }

    /** Marks everything appended as handled without writing it (the WELCOME resend writes it from the ledger). */
    void skipUnflushed()
    {
        if (buffer != null)
        {
            flushedIndex = buffer.writerIndex();
        }
    }

    /** Drops the batch's own reference (the session ended). */
    void close()
    {
        if (buffer != null)
        {
            buffer.release();
            buffer = null;
        }
    }
}
