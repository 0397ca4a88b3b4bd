package io.emcomm.kafka.journal;

import io.emcomm.protocol.wire.Precedence;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One lane of the journal producer against Kafka's MockProducer (issue 15 Tests: "MockProducer"): completions
 * are matched to tokens in send order with no object per record, failures carry Kafka's error, the byte cap and
 * the ring answer BUSY, and a failure Kafka reports inside send (thrown, or through the callback on the sending
 * thread) retracts that record without shifting the tokens of the others.
 */
class ProducerLaneTest
{
    private static final String TOPIC = "lane-test.journal";

    /** A MockProducer that, for a record whose token is {@code poison}, reports an error inside send as KafkaProducer does. */
    private static final class Producer extends MockProducer<byte[], JournalRecordDraft>
    {
        long poison = -1;

        Producer()
        {
            super(false, null, new ByteArraySerializer(), new JournalRecordDraft.RecordSerializer("n1"));
        }

        @Override
        public synchronized Future<RecordMetadata> send(final ProducerRecord<byte[], JournalRecordDraft> record, final Callback callback)
        {
            if (record.value().publishToken == poison)
            {
                // KafkaProducer.doSend: an ApiException before the record is appended completes the callback here
                callback.onCompletion(null, new RecordTooLargeException("too large"));
                return CompletableFuture.failedFuture(new RecordTooLargeException("too large"));
            }
            return super.send(record, callback);
        }
    }

    private static JournalProducer.Offer offer(final ProducerLane lane, final long token, final int padding)
    {
        final ByteBuf e = Unpooled.wrappedBuffer(Records.envelope("veh-1", token, Precedence.ROUTINE, padding));
        return lane.offer(token, e, 0, e.readableBytes(), 1L, 3, "R1", "");
    }

    @Test
    void completionsAreMatchedToTokensInSendOrderAndFailuresNameKafkasError() throws Exception
    {
        final Producer producer = new Producer();
        final Outcomes outcomes = new Outcomes();
        final ProducerLane lane = new ProducerLane("routine", producer, TOPIC, "n1", outcomes, 16, Long.MAX_VALUE);
        for (long token = 10; token <= 12; token++)
        {
            assertEquals(JournalProducer.Offer.QUEUED, offer(lane, token, 20));
        }
        assertEquals(3, lane.recordsInFlight());
        assertTrue(lane.bytesInFlight() > 0);
        assertTrue(producer.completeNext());
        assertTrue(producer.errorNext(new NotEnoughReplicasException("2 of 3 brokers down")));
        assertTrue(producer.completeNext());

        assertTrue(outcomes.await(10, 1));
        assertFalse(outcomes.await(11, 1));
        assertEquals("Kafka: NotEnoughReplicasException: 2 of 3 brokers down", outcomes.failure(11));
        assertTrue(outcomes.await(12, 1));
        assertTrue(outcomes.offset(10) < outcomes.offset(12));
        assertEquals(0, lane.recordsInFlight());
        assertEquals(0, lane.bytesInFlight());
    }

    @Test
    void theByteCapAndTheRingAnswerBusyAtOnce()
    {
        final Producer producer = new Producer();
        final Outcomes outcomes = new Outcomes();
        final ProducerLane capped = new ProducerLane("routine", producer, TOPIC, "n1", outcomes, 16, 1000);
        assertEquals(JournalProducer.Offer.QUEUED, offer(capped, 1, 500));
        assertEquals(JournalProducer.Offer.BUSY, offer(capped, 2, 500), "past the byte cap");
        assertTrue(producer.completeNext());
        assertEquals(JournalProducer.Offer.QUEUED, offer(capped, 3, 500), "the cap frees on completion");

        final ProducerLane ring = new ProducerLane("urgent", new Producer(), TOPIC, "n1", outcomes, 4, Long.MAX_VALUE);
        for (long token = 10; token < 14; token++)
        {
            assertEquals(JournalProducer.Offer.QUEUED, offer(ring, token, 10));
        }
        assertEquals(JournalProducer.Offer.BUSY, offer(ring, 14, 10), "the ring of records in flight is full");
        ring.close(java.time.Duration.ZERO);
        assertEquals(JournalProducer.Offer.CLOSED, offer(ring, 15, 10));
    }

    @Test
    void aFailureInsideSendRetractsThatRecordAndLeavesTheOthersMatched() throws Exception
    {
        final Producer producer = new Producer();
        final Outcomes outcomes = new Outcomes();
        final ProducerLane lane = new ProducerLane("routine", producer, TOPIC, "n1", outcomes, 16, Long.MAX_VALUE);
        assertEquals(JournalProducer.Offer.QUEUED, offer(lane, 1, 10));
        producer.poison = 2;
        assertEquals(JournalProducer.Offer.QUEUED, offer(lane, 2, 10));
        assertFalse(outcomes.await(2, 1), "failed before offer returned");
        assertEquals("Kafka: RecordTooLargeException: too large", outcomes.failure(2));
        producer.sendException = new KafkaException("producer closed");
        assertEquals(JournalProducer.Offer.QUEUED, offer(lane, 3, 10));
        assertFalse(outcomes.await(3, 1));
        assertEquals("Kafka: KafkaException: producer closed", outcomes.failure(3));
        producer.sendException = null;
        assertEquals(JournalProducer.Offer.QUEUED, offer(lane, 4, 10));
        assertEquals(2, lane.recordsInFlight(), "tokens 1 and 4");

        assertTrue(producer.completeNext());
        assertTrue(producer.completeNext());
        assertTrue(outcomes.await(1, 1));
        assertTrue(outcomes.await(4, 1));
        assertEquals(outcomes.offset(1) + 1, outcomes.offset(4), "token 4 got the second record's outcome, not a retracted one's");
        assertEquals(0, lane.bytesInFlight());
    }
}
