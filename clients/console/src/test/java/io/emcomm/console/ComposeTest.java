package io.emcomm.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.emcomm.protocol.wire.Alert;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ComposeTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Compose compose(final String json) throws Exception
    {
        return JSON.readValue(json, Compose.class);
    }

    @Test
    void anAlertCarriesItsCapFieldsAndAClosedPolygon() throws Exception
    {
        final Compose c = compose("{\"body\":\"alert\",\"to\":[\"region:5201/air+ground\"],\"precedence\":\"flash\"," +
            "\"title\":\"洪水\",\"text\":\"river rising\",\"alert\":{\"event\":\"Flood\",\"severity\":\"Extreme\"," +
            "\"urgency\":\"expected\",\"certainty\":\"Likely\",\"polygon\":[[26.5,106.6],[26.6,106.7],[26.5,106.8]]," +
            "\"circle\":[26.57,106.71,3]}}");
        final Alert a = c.capAlert();
        assertEquals("Flood", a.getEvent());
        assertEquals(Alert.Severity.EXTREME, a.getSeverity());
        assertEquals(Alert.Urgency.EXPECTED, a.getUrgency());
        assertEquals(Alert.Certainty.LIKELY, a.getCertainty());
        assertEquals("洪水", a.getHeadline());
        assertEquals("river rising", a.getDescription());
        assertEquals(4, a.getAreas(0).getPolygonCount(), "closed: the first point repeated at the end");
        assertEquals(a.getAreas(0).getPolygon(0), a.getAreas(0).getPolygon(3));
        assertEquals(3.0, a.getAreas(0).getCircle().getRadiusKm());
        assertEquals(io.emcomm.protocol.wire.Precedence.FLASH, c.precedenceValue());
    }

    @Test
    void badInputIsOneLineNamingTheProblem() throws Exception
    {
        assertEquals("no destination: add a terminal:, channel:, region: or up: address",
            assertThrows(IllegalArgumentException.class, () -> compose("{\"body\":\"text\",\"text\":\"x\"}").toMessage(1)).getMessage());
        assertEquals("the text is empty", assertThrows(IllegalArgumentException.class,
            () -> compose("{\"body\":\"text\",\"to\":[\"terminal:a\"],\"text\":\" \"}").toMessage(1)).getMessage());
        assertEquals("an alert polygon needs at least 3 points", assertThrows(IllegalArgumentException.class,
            () -> compose("{\"body\":\"alert\",\"to\":[\"up:5201\"],\"alert\":{\"event\":\"Flood\",\"polygon\":[[1,2],[3,4]]}}")
                .toMessage(1)).getMessage());
        assertEquals("unknown CAP severity 'Huge'", assertThrows(IllegalArgumentException.class,
            () -> compose("{\"body\":\"alert\",\"to\":[\"up:5201\"],\"alert\":{\"event\":\"Flood\",\"severity\":\"Huge\"}}")
                .toMessage(1)).getMessage());
        assertEquals("point 95.0,106.0 is not a WGS84 latitude,longitude", assertThrows(IllegalArgumentException.class,
            () -> compose("{\"body\":\"alert\",\"to\":[\"up:5201\"],\"alert\":{\"event\":\"Flood\",\"circle\":[95,106,3]}}")
                .toMessage(1)).getMessage());
        assertEquals("unknown message body 'memo' (text, task, alert)", assertThrows(IllegalArgumentException.class,
            () -> compose("{\"body\":\"memo\",\"to\":[\"up:5201\"]}").toMessage(1)).getMessage());
    }

    @Test
    void capEnumsAreWrittenAsCapSpellsThem()
    {
        assertEquals("Immediate", EnvelopeJson.cap("URGENCY_IMMEDIATE", "URGENCY_"));
        assertEquals("Unknown", EnvelopeJson.cap("SEVERITY_UNKNOWN", "SEVERITY_"));
        assertEquals("Extreme", EnvelopeJson.cap("EXTREME", "SEVERITY_"));
        assertEquals("", EnvelopeJson.cap("MSG_TYPE_UNSPECIFIED", "MSG_TYPE_"));
    }
}
