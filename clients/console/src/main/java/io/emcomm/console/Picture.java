package io.emcomm.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emcomm.protocol.region.RegionCode;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The post's operating picture: the latest position of each terminal, one entry per terminal id.
 *
 * <p>A position report does not say what kind of terminal sent it or where it is registered; the project's
 * convention says it in the channel it is published to, {@code channel:positions.<region>.<kind>} (the demo)
 * or {@code channel:positions.<kind>} (simulate). A report whose channel names a region outside the post's
 * subtree is not part of the picture. An older report (lower journal index) never replaces a newer one,
 * whatever order they arrive in. Thread-safe.
 */
final class Picture
{
    private static final List<String> KINDS = List.of("air", "space", "ground", "command-post");

    private final String postRegion;
    private final Map<String, ObjectNode> byTerminal = new HashMap<>();

    Picture(final String postRegion)
    {
        this.postRegion = postRegion;
    }

    /**
     * Takes a position delivery (JSON from {@link EnvelopeJson#delivery}).
     *
     * @return a copy of the terminal's new entry, or null when the report is older than the one held or lies
     * outside the post's subtree
     */
    synchronized ObjectNode update(final ObjectNode delivery)
    {
        final String terminal = delivery.get("origin").asText();
        final long index = delivery.get("index").asLong();
        String region = "";
        String kind = "";
        for (final var to : delivery.get("to"))
        {
            final String address = to.asText();
            if (!address.startsWith("channel:positions."))
            {
                continue;
            }
            for (final String token : address.substring("channel:positions.".length()).split("\\."))
            {
                if (RegionCode.isValid(token))
                {
                    region = token;
                }
                else if (KINDS.contains(token.toLowerCase(Locale.ROOT)))
                {
                    kind = token.toLowerCase(Locale.ROOT);
                }
            }
        }
        if (!region.isEmpty() && !RegionCode.contains(postRegion, region))
        {
            return null;
        }
        final ObjectNode known = byTerminal.get(terminal);
        if (known != null && known.get("index").asLong() >= index)
        {
            return null;
        }
        final ObjectNode p = (ObjectNode)delivery.get("position");
        final ObjectNode entry = JsonNodeFactory.instance.objectNode()
            .put("terminal", terminal)
            .put("kind", !kind.isEmpty() ? kind : known != null ? known.get("kind").asText() : "")
            .put("region", region)
            .put("index", index)
            .put("at", delivery.get("journaledAt").asLong());
        entry.setAll(p);
        byTerminal.put(terminal, entry);
        return entry.deepCopy();
    }

    synchronized ArrayNode snapshot()
    {
        final ArrayNode all = JsonNodeFactory.instance.arrayNode();
        byTerminal.values().forEach(e -> all.add(e.deepCopy()));
        return all;
    }
}
