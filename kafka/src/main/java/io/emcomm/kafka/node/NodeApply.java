package io.emcomm.kafka.node;

import io.emcomm.kafka.journal.ApplyHandler;
import io.emcomm.kafka.journal.JournalRecord;
import io.emcomm.router.sequence.Sequencer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What a router node does with each journal record, on the apply thread, in offset order: names it to the mirror
 * ({@link MirrorJournal#applying}) and hands it to the router's {@link Sequencer#apply}, which dedupes, mirrors,
 * routes and answers; a record this node produced carries the token of the publisher waiting for it.
 *
 * <p>Apply thread. Per record it allocates the heap buffer around the consumer's array (Kafka's consumer allocates
 * that array anyway); the origin region's string is kept from one record to the next while it does not change.
 */
final class NodeApply implements ApplyHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(NodeApply.class);

    private final Sequencer sequencer;
    private final MirrorJournal journal;
    private final String routerId;
    private final Runnable onStop;
    private byte[] regionBytes = new byte[0];
    private String region = "";

    NodeApply(final Sequencer sequencer, final MirrorJournal journal, final String routerId, final Runnable onStop)
    {
        this.sequencer = sequencer;
        this.journal = journal;
        this.routerId = routerId;
        this.onStop = onStop;
    }

    /** Offset 0 is never a journal index: 0 means "none" in protocol version 1 (a DELIVERY_ACK's field, a cursor). */
    static final long RESERVED_OFFSET = 0;

    @Override
    public void apply(final long offset, final JournalRecord record)
    {
        final long token = record.producedBy(routerId) ? record.publishToken() : 0;
        if (offset == RESERVED_OFFSET)
        {
            // every node skips it alike; a new journal topic gets a marker there (KafkaJournalBackend), so only a
            // publish that raced the marker lands here, and its publisher is told to publish again
            sequencer.logFailed(token, "offset 0 of the journal topic is not a journal index; publish again");
            return;
        }
        final ByteBuf value = Unpooled.wrappedBuffer(record.array());
        journal.applying(offset, record);
        sequencer.apply(offset, value, record.envelopeOffset(), record.envelopeLength(), record.journaledAtMicros(),
            record.originKind(), region(record), token);
    }

    private String region(final JournalRecord r)
    {
        final byte[] a = r.array();
        final int from = r.regionOffset();
        final int to = from + r.regionLength();
        if (!Arrays.equals(a, from, to, regionBytes, 0, regionBytes.length))
        {
            regionBytes = Arrays.copyOfRange(a, from, to);
            region = new String(regionBytes, StandardCharsets.US_ASCII);
        }
        return region;
    }

    @Override
    public void stopped(final Throwable failure)
    {
        LOG.error("journal apply loop stopped: this node no longer follows the journal and stops taking publishes", failure);
        onStop.run();
    }
}
