package io.emcomm.kafka.node;

import io.emcomm.kafka.journal.JournalProducer;
import io.emcomm.router.sequence.OrderedLog;
import io.netty.buffer.ByteBuf;

/**
 * The router's {@link OrderedLog} over the node's {@link JournalProducer}: two precedence lanes, acks=all, the
 * ROUTINE/PRIORITY cap answered {@link Offer#BUSY}. Any thread.
 */
final class KafkaLog implements OrderedLog
{
    private final JournalProducer producer;

    KafkaLog(final JournalProducer producer)
    {
        this.producer = producer;
    }

    @Override
    public Offer offer(final long token, final int precedence, final ByteBuf envelope, final int offset, final int length,
        final long journaledAtMicros, final int originKind, final String originRegion, final String ingress)
    {
        return switch (producer.offer(token, precedence, envelope, offset, length, journaledAtMicros, originKind,
            originRegion, ingress))
        {
            case QUEUED -> Offer.QUEUED;
            case BUSY -> Offer.BUSY;
            case CLOSED -> Offer.CLOSED;
        };
    }

    @Override
    public String unavailableDetail()
    {
        return "the node's Kafka producers are closed (the node is stopping)";
    }
}
