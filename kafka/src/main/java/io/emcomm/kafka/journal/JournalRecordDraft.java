package io.emcomm.kafka.journal;

import io.netty.buffer.ByteBuf;
import org.apache.kafka.common.serialization.Serializer;

/**
 * One record about to be produced: the offer's arguments held by reference until the producer's serializer,
 * which runs inside {@code KafkaProducer.send} on the offering thread, writes them into the record's value
 * ({@link JournalRecord#encode}). One draft per {@link ProducerLane}, reused under the lane's lock, so an offer
 * allocates nothing of its own besides the value array Kafka's {@link Serializer} contract requires.
 */
final class JournalRecordDraft
{
    long journaledAtMicros;
    int originKind;
    String region;
    String ingress;
    long publishToken;
    ByteBuf envelope;
    int offset;
    int length;

    void set(final long journaledAtMicros, final int originKind, final String region, final String ingress,
        final long publishToken, final ByteBuf envelope, final int offset, final int length)
    {
        this.journaledAtMicros = journaledAtMicros;
        this.originKind = originKind;
        this.region = region;
        this.ingress = ingress;
        this.publishToken = publishToken;
        this.envelope = envelope;
        this.offset = offset;
        this.length = length;
    }

    /** @return the value's size in bytes, for the ROUTINE cap */
    int encodedLength(final String routerId)
    {
        return JournalRecord.encodedLength(region, ingress, routerId, length);
    }

    /** Writes drafts of one node (its router id) as journal record values; the offering thread, inside send. */
    static final class RecordSerializer implements Serializer<JournalRecordDraft>
    {
        private final String routerId;

        RecordSerializer(final String routerId)
        {
            this.routerId = routerId;
        }

        @Override
        public byte[] serialize(final String topic, final JournalRecordDraft d)
        {
            final byte[] value = new byte[d.encodedLength(routerId)];
            JournalRecord.encode(value, 0, d.journaledAtMicros, d.originKind, d.region, d.ingress, routerId, d.publishToken,
                d.envelope, d.offset, d.length);
            d.envelope = null; // the draft must not pin the caller's buffer past the offer
            return value;
        }
    }
}
