package io.emcomm.console;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PictureTest
{
    private static ObjectNode report(final String origin, final long index, final double lat, final String channel)
    {
        final ObjectNode d = JsonNodeFactory.instance.objectNode().put("origin", origin).put("index", index)
            .put("journaledAt", 1_000L * index);
        d.putArray("to").add(channel);
        d.putObject("position").put("lat", lat).put("lon", 106.7);
        return d;
    }

    @Test
    void kindAndRegionComeFromTheChannelAndTheSubtreeBounds()
    {
        final Picture picture = new Picture("5201");
        final ObjectNode uav = picture.update(report("uav-7", 10, 26.4, "channel:positions.520111.air"));
        assertEquals("air", uav.get("kind").asText());
        assertEquals("520111", uav.get("region").asText());
        assertNull(picture.update(report("van-9", 11, 27.7, "channel:positions.5203.ground")), "Zunyi is outside 5201");
        assertEquals("space", picture.update(report("bd-1", 12, 26.5, "channel:positions.space")).get("kind").asText());
        assertEquals(2, picture.snapshot().size());
    }

    @Test
    void anOlderReportNeverReplacesANewerOne()
    {
        final Picture picture = new Picture("52");
        picture.update(report("uav-7", 20, 26.5, "channel:positions.520111.air"));
        assertNull(picture.update(report("uav-7", 19, 26.4, "channel:positions.520111.air")));
        assertEquals(26.5, picture.snapshot().get(0).get("lat").asDouble());
        assertEquals(26.6, picture.update(report("uav-7", 21, 26.6, "channel:positions.520111.air")).get("lat").asDouble());
    }
}
