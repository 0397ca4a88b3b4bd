package io.emcomm.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the post has received, by journal index, oldest first, at most {@link #CAPACITY} entries (the oldest
 * fall off; REPLAY reads further back). An entry counts its copies: the same journal index delivered again is
 * a FLASH resend, a redelivery after a reconnect, or a router restart (docs/delivery.md), not a new message.
 *
 * <p>A FLASH waits for the officer: it is {@code held} until {@link #acknowledge(long)}, and only then does
 * the console send the DELIVERY_ACK. Thread-safe (one lock); JSON handed out is a copy.
 */
final class Feed
{
    static final int CAPACITY = 2_000;

    private final Map<Long, ObjectNode> byIndex = new LinkedHashMap<>();

    /** What {@link #record} decided. */
    record Recorded(ObjectNode entry, boolean ackNow)
    {
    }

    /**
     * Records a delivery (its JSON from {@link EnvelopeJson}) or counts a repeat of one already here.
     *
     * @param holdForOfficer true for a FLASH: it is acknowledged only when the officer says so
     * @return a copy of the entry, and whether the caller should acknowledge it to the router now: always for
     * an entry not held, and for a repeat of one the officer has already acknowledged
     */
    synchronized Recorded record(final long index, final ObjectNode delivery, final boolean holdForOfficer)
    {
        final ObjectNode known = byIndex.get(index);
        if (known != null)
        {
            known.put("copies", known.get("copies").asInt() + 1);
            return new Recorded(known.deepCopy(), !known.get("held").asBoolean());
        }
        delivery.put("copies", 1);
        delivery.put("held", holdForOfficer);
        delivery.put("ackedAt", 0L);
        byIndex.put(index, delivery);
        if (byIndex.size() > CAPACITY)
        {
            final Iterator<Long> oldest = byIndex.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        return new Recorded(delivery.deepCopy(), !holdForOfficer);
    }

    /**
     * The officer acknowledged a held entry.
     *
     * @return a copy of the entry now released, or null when no entry with this index is held (unknown, never
     * held, or already acknowledged: acknowledging twice changes nothing)
     */
    synchronized ObjectNode acknowledge(final long index, final long nowMillis)
    {
        final ObjectNode entry = byIndex.get(index);
        if (entry == null || !entry.get("held").asBoolean())
        {
            return null;
        }
        entry.put("held", false);
        entry.put("ackedAt", nowMillis);
        return entry.deepCopy();
    }

    /** Indexes of the entries still held for the officer, oldest first. */
    synchronized List<Long> held()
    {
        final List<Long> held = new ArrayList<>();
        byIndex.forEach((index, entry) ->
        {
            if (entry.get("held").asBoolean())
            {
                held.add(index);
            }
        });
        return held;
    }

    /** Every entry, oldest first (the page sorts). */
    synchronized ArrayNode snapshot()
    {
        final ArrayNode all = JsonNodeFactory.instance.arrayNode();
        byIndex.values().forEach(e -> all.add(e.deepCopy()));
        return all;
    }
}
