package io.emcomm.router.journal;

import io.netty.buffer.ByteBuf;

/**
 * The durable, append-only record of every accepted message. A message is acknowledged only after
 * {@link #append} returned its index. Implementations: {@link ChronicleJournal}; a replicated one (Kafka)
 * can slot in behind this interface.
 *
 * <p>Thread-safety: {@link #append} may be called from any thread; each thread appends through its own
 * appender, and appends from different threads are serialised by the implementation. Readers are
 * single-threaded objects.
 */
public interface Journal extends AutoCloseable
{
    /** Returned by {@link #append} when the message could not be journaled; nothing was stored. */
    long NOT_JOURNALED = -1;

    /**
     * Appends the envelope bytes exactly as received, with the router's metadata, as having entered at this router
     * (ingress ""): {@link #append(ByteBuf, int, int, long, int, String, String)} with {@code ingress} "".
     *
     * @return the journal index (strictly increasing), or {@link #NOT_JOURNALED}.
     */
    default long append(final ByteBuf envelope, final int offset, final int length, final long journaledAtMicros,
        final int originKind, final String originRegion)
    {
        return append(envelope, offset, length, journaledAtMicros, originKind, originRegion, "");
    }

    /**
     * Appends the envelope bytes exactly as received, with the router's metadata.
     *
     * @param originKind   the origin's {@code TerminalKind} number as it logged in where the message entered (0-255)
     * @param originRegion the origin's region code there, ASCII digits, "" for none
     * @param ingress      the router id of the peer link the message came over (federation, issue 16), or "" when it
     *                     entered at this router; ASCII, at most 255 characters
     * @return the journal index (strictly increasing), or {@link #NOT_JOURNALED}.
     */
    long append(ByteBuf envelope, int offset, int length, long journaledAtMicros, int originKind, String originRegion,
        String ingress);

    /** Why {@link #append} returned {@link #NOT_JOURNALED}, for the nack's detail; control plane. */
    default String unavailableDetail()
    {
        return "the journal could not store the message";
    }

    /** Forces everything appended by the calling thread so far to disk (blocking). */
    void sync();

    /**
     * Group commit for {@code emcomm.journal.sync=batch}: the syncer that makes every thread's appends durable off
     * the event loops, or null when this journal has none (sync none, or a journal that syncs only inline through
     * {@link #sync()}).
     */
    default JournalSyncer syncer()
    {
        return null;
    }

    /**
     * The last index the calling thread appended, -1 for none: what must be durable before that thread's acks go
     * out. The default, the journal's last index, is never too low.
     */
    default long appendedByThisThread()
    {
        return lastIndex();
    }

    /** A new reader positioned at the start of the journal. */
    JournalReader newReader();

    /** The last index appended, or -1 when the journal is empty. */
    long lastIndex();

    /** The first index still held, or -1 when the journal is empty. */
    long firstIndex();

    @Override
    void close();
}
