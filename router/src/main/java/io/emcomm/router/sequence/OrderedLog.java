package io.emcomm.router.sequence;

import io.netty.buffer.ByteBuf;

/**
 * A replicated, totally ordered log that a router node appends admitted envelopes to, instead of journaling them
 * inline (issue 15: the site's Kafka journal topic, {@code emcomm.journal.backend=kafka}). The seam of the publish
 * path: the {@link Sequencer} <em>admits</em> a publish on the publisher's event loop (header, origin,
 * destinations, body, rate, access) and offers it here; the <em>commit</em> (dedupe, mirror, route, answer) runs
 * later, for every record of the log in log order, on the node's apply thread ({@link Sequencer#apply}), with the
 * record's position in the log as its journal index. A record this node offered carries the offer's token, so the
 * apply step finds the publisher waiting for it.
 *
 * <p>Implemented outside the router (module emcomm-kafka) and found by {@code io.emcomm.router.JournalBackend}.
 * Thread-safety: {@link #offer} from any thread, without blocking.
 */
public interface OrderedLog
{
    /** What {@link #offer} did with a record. */
    enum Offer
    {
        /** Handed to the log: it will be applied (then answered), or fail ({@link Sequencer#logFailed}). */
        QUEUED,
        /** Refused at once: too much ROUTINE/PRIORITY in flight to the log; the publisher is told to retry later. */
        BUSY,
        /** Refused at once: the log is closed (the node is stopping). */
        CLOSED
    }

    /**
     * Offers one admitted envelope. The bytes are copied before this returns; the caller keeps {@code envelope}.
     *
     * @param token             this node's token for the publisher waiting on the record; carried in the record
     * @param precedence        the envelope's precedence number (FLASH and IMMEDIATE must not queue behind ROUTINE)
     * @param envelope          holds the envelope bytes as received
     * @param offset            where they start
     * @param length            their length
     * @param journaledAtMicros this node's clock at admission, microseconds since the epoch (expiry is judged on it)
     * @param originKind        the origin's TerminalKind number
     * @param originRegion      the origin's region code, "" for none
     * @param ingress           "" for a publish that entered at this site
     * @return what was done
     */
    Offer offer(long token, int precedence, ByteBuf envelope, int offset, int length, long journaledAtMicros,
        int originKind, String originRegion, String ingress);

    /** One line for a nack when the log refused or failed a record without a detail of its own. */
    default String unavailableDetail()
    {
        return "the journal log is closed";
    }
}
