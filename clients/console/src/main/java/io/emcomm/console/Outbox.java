package io.emcomm.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the post has sent, by message id ({@code origin/sequence}), with the receipts that came back for each
 * (docs/delivery.md, Receipts and non-delivery): DELIVERED from every terminal that acknowledged it,
 * NOT_DELIVERED for a FLASH nobody acknowledged. A receipt may be dispatched before the publish future that
 * records the message has run; it waits here until the message is recorded. Thread-safe; JSON handed out is
 * a copy. At most {@link #CAPACITY} messages are kept.
 */
final class Outbox
{
    static final int CAPACITY = 500;

    private final Map<String, ObjectNode> byId = new LinkedHashMap<>();
    private final Map<String, List<ObjectNode>> early = new HashMap<>();

    /** Records a message the router journaled (summary JSON with at least {@code id}); returns a copy. */
    synchronized ObjectNode sent(final ObjectNode message)
    {
        final String id = message.get("id").asText();
        final ArrayNode receipts = message.putArray("receipts");
        final List<ObjectNode> waiting = early.remove(id);
        if (waiting != null)
        {
            waiting.forEach(receipts::add);
        }
        byId.put(id, message);
        if (byId.size() > CAPACITY)
        {
            final Iterator<String> oldest = byId.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        return message.deepCopy();
    }

    /**
     * Adds a receipt (JSON from {@link EnvelopeJson#receipt}) to the message it is about.
     *
     * @return a copy of that message with its receipts, or null when the message is not (yet) known here
     */
    synchronized ObjectNode receipt(final ObjectNode receipt)
    {
        final String id = receipt.get("messageId").asText();
        final ObjectNode message = byId.get(id);
        if (message == null)
        {
            if (early.size() < CAPACITY)
            {
                early.computeIfAbsent(id, k -> new ArrayList<>()).add(receipt);
            }
            return null;
        }
        ((ArrayNode)message.get("receipts")).add(receipt);
        return message.deepCopy();
    }

    synchronized ArrayNode snapshot()
    {
        final ArrayNode all = JsonNodeFactory.instance.arrayNode();
        byId.values().forEach(m -> all.add(m.deepCopy()));
        return all;
    }
}
