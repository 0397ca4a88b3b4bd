package io.emcomm.kafka.journal;

import io.netty.buffer.ByteBuf;
import org.apache.kafka.common.serialization.Serializer;

/**
 * One record about to be produced: the offer's arguments held by reference until the producer's serializer,
 * which runs inside {@code KafkaProducer.send} on the offering thread, writes them into the record's value
 * ({@link JournalRecord#encode}). One draft per {@link ProducerLane}, reused under the lane's lock, and value arrays
 * reused by length ({@link RecordSerializer}), so an offer allocates nothing of ours after warm-up (Kafka's client
 * still makes its ProducerRecord, future and callback wrapper).
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

    /**
     * Writes drafts of one node (its router id) as journal record values; the offering thread, inside send, under
     * the lane's lock (one serializer per lane, so its state is single-threaded).
     *
     * <p>Kafka's {@link Serializer} must return an array of exactly the value's length, so a value up to
     * {@link #REUSED_LENGTH} bytes is written into an array kept for that length and reused by the next value of the
     * same length: {@code KafkaProducer.send} copies the value into its batch before it returns
     * ({@code RecordAccumulator.append}) and keeps no reference to the array. Typical envelopes therefore cost no
     * allocation of ours after warm-up; a larger value gets an array of its own. If a Kafka version ever kept the
     * array, records of equal length would carry each other's tokens: JournalApplierTest checks every token.
     */
    static final class RecordSerializer implements Serializer<JournalRecordDraft>
    {
        /** Values up to this many bytes are written into a reused array of their length. */
        static final int REUSED_LENGTH = 2048;

        private final String routerId;
        private final byte[][] byLength = new byte[REUSED_LENGTH + 1][];

        RecordSerializer(final String routerId)
        {
            this.routerId = routerId;
        }

        @Override
        public byte[] serialize(final String topic, final JournalRecordDraft d)
        {
            final int length = d.encodedLength(routerId);
            byte[] value;
            if (length <= REUSED_LENGTH)
            {
                value = byLength[length];
                if (value == null)
                {
                    value = byLength[length] = new byte[length];
                }
            }
            else
            {
                value = new byte[length];
            }
            JournalRecord.encode(value, 0, d.journaledAtMicros, d.originKind, d.region, d.ingress, routerId, d.publishToken,
                d.envelope, d.offset, d.length);
            d.envelope = null; // the draft must not pin the caller's buffer past the offer
            return value;
        }
    }
}
