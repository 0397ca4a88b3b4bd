package io.emcomm.console;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeedTest
{
    private static ObjectNode delivery(final long index)
    {
        return JsonNodeFactory.instance.objectNode().put("index", index).put("text", "m" + index);
    }

    @Test
    void aFlashIsHeldUntilAcknowledgedOnceAndItsRepeatsAreCountedNotAdded()
    {
        final Feed feed = new Feed();
        final Feed.Recorded first = feed.record(7, delivery(7), true);
        assertFalse(first.ackNow(), "a FLASH waits for the officer");
        assertTrue(first.entry().get("held").asBoolean());
        final Feed.Recorded resend = feed.record(7, delivery(7), true);
        assertFalse(resend.ackNow(), "the router's resend still waits for the officer");
        assertEquals(2, resend.entry().get("copies").asInt());
        assertEquals(List.of(7L), feed.held());

        final ObjectNode acked = feed.acknowledge(7, 1_000);
        assertFalse(acked.get("held").asBoolean());
        assertEquals(1_000, acked.get("ackedAt").asLong());
        assertNull(feed.acknowledge(7, 2_000), "acknowledging twice changes nothing");
        assertTrue(feed.record(7, delivery(7), true).ackNow(), "a repeat after the acknowledgement is acked at once");
        assertEquals(1, feed.snapshot().size());
    }

    @Test
    void everythingElseIsAcknowledgedOnReceiptAndCannotBeAcknowledgedByHand()
    {
        final Feed feed = new Feed();
        assertTrue(feed.record(3, delivery(3), false).ackNow());
        assertNull(feed.acknowledge(3, 1));
        assertNull(feed.acknowledge(99, 1), "unknown index");
    }

    @Test
    void theOldestEntriesFallOffPastTheCapacity()
    {
        final Feed feed = new Feed();
        for (long i = 1; i <= Feed.CAPACITY + 5; i++)
        {
            feed.record(i, delivery(i), false);
        }
        assertEquals(Feed.CAPACITY, feed.snapshot().size());
        assertEquals(6, feed.snapshot().get(0).get("index").asLong());
    }
}
