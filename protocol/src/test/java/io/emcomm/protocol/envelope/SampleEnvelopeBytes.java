package io.emcomm.protocol.envelope;

import io.emcomm.protocol.wire.Alert;
import io.emcomm.protocol.wire.Area;
import io.emcomm.protocol.wire.Circle;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.IncidentReport;
import io.emcomm.protocol.wire.Point;
import io.emcomm.protocol.wire.PositionReport;
import io.emcomm.protocol.wire.Receipt;
import io.emcomm.protocol.wire.Task;
import io.emcomm.protocol.wire.Text;

import java.io.ByteArrayOutputStream;
import java.util.SplittableRandom;

/**
 * Random valid envelopes built with the generated builders (every body, every field, unicode, empty strings, long
 * repeated fields) and hand-made wire bytes for the cases builders cannot produce.
 */
final class SampleEnvelopeBytes
{
    private static final String[] WORDS = {
        "", "a", "flood", "Überschwemmung", "洪水预警", "Наводнение", "🌊🚁", "\u0000", "x".repeat(300), "é", "\uFFFF",
        "\uD83D\uDE00 emoji", "Ω≈ç√∫", "channel:ops.5201.flood", "up:520102001001", "terminal:ground-520102001001-17",
    };

    private final SplittableRandom random;

    SampleEnvelopeBytes(final long seed)
    {
        random = new SplittableRandom(seed);
    }

    Envelope envelope()
    {
        final Envelope.Builder b = Envelope.newBuilder();
        if (coin())
        {
            b.setOrigin(word());
        }
        b.setOriginSequence(longValue());
        final int destinations = random.nextInt(4) == 0 ? random.nextInt(200) : random.nextInt(4);
        for (int i = 0; i < destinations; i++)
        {
            b.addTo(word());
        }
        b.setPrecedenceValue(random.nextInt(4) == 0 ? random.nextInt() : random.nextInt(5));
        b.setCreatedAtMicros(longValue());
        b.setExpiresAtMicros(longValue());
        b.setWantReceipts(coin());
        switch (random.nextInt(7))
        {
            case 0:
                b.setPosition(PositionReport.newBuilder().setLat(dbl()).setLon(dbl()).setAltitudeM(dbl())
                    .setSpeedMps(dbl()).setHeadingDeg(dbl()).setAccuracyM(dbl()));
                break;
            case 1:
                b.setText(Text.newBuilder().setText(word()));
                break;
            case 2:
                b.setAlert(alert());
                break;
            case 3:
                b.setIncident(IncidentReport.newBuilder().setType(word()).setLocation(point()).setRegionCode(word())
                    .setCasualties(random.nextInt()).setInjured(random.nextInt(10)).setMissing(random.nextInt())
                    .setTrapped(random.nextInt(3)).addNeeds(word()).addNeeds(word()).setDescription(word()));
                break;
            case 4:
                b.setTask(Task.newBuilder().setTaskId(word()).setTitle(word()).setInstruction(word())
                    .setLocation(point()).setDueAtMicros(longValue()));
                break;
            case 5:
                b.setReceipt(Receipt.newBuilder().setMessageOrigin(word()).setMessageOriginSequence(longValue())
                    .setJournalIndex(longValue()).setTerminalId(word()).setStatusValue(random.nextInt(6))
                    .setAtMicros(longValue()));
                break;
            default:
                break; // no body
        }
        return b.build();
    }

    private Alert alert()
    {
        final Alert.Builder a = Alert.newBuilder().setIdentifier(word()).setEvent(word())
            .setStatusValue(random.nextInt(6)).setMsgTypeValue(random.nextInt(6)).setScopeValue(random.nextInt(4))
            .setUrgencyValue(random.nextInt(6)).setSeverityValue(random.nextInt(6)).setCertaintyValue(random.nextInt(-3, 9))
            .setExpiresAtMicros(longValue()).setHeadline(word()).setDescription(word()).setInstruction(word());
        final int areas = random.nextInt(4);
        for (int i = 0; i < areas; i++)
        {
            final Area.Builder area = Area.newBuilder().setDescription(word());
            final int points = random.nextInt(4) == 0 ? random.nextInt(100) : random.nextInt(5);
            for (int p = 0; p < points; p++)
            {
                area.addPolygon(point());
            }
            if (coin())
            {
                area.setCircle(Circle.newBuilder().setCentre(point()).setRadiusKm(dbl()));
            }
            area.addRegionCodes(word()).addRegionCodes("5201");
            a.addAreas(area);
        }
        if (coin())
        {
            a.addReferences(word());
        }
        return a.build();
    }

    private Point point()
    {
        return Point.newBuilder().setLat(dbl()).setLon(dbl()).build();
    }

    String word()
    {
        if (random.nextInt(3) == 0)
        {
            // random code points, surrogate pairs included, never lone surrogates (protobuf would encode them as '?')
            final StringBuilder s = new StringBuilder();
            final int n = random.nextInt(12);
            for (int i = 0; i < n; i++)
            {
                int cp = random.nextInt(4) == 0 ? random.nextInt(0x110000) : random.nextInt(0x800);
                if (cp >= 0xD800 && cp <= 0xDFFF)
                {
                    cp = 'z';
                }
                s.appendCodePoint(cp);
            }
            return s.toString();
        }
        return WORDS[random.nextInt(WORDS.length)];
    }

    private long longValue()
    {
        switch (random.nextInt(4))
        {
            case 0: return 0;
            case 1: return random.nextInt(1000);
            case 2: return -random.nextInt(1000);
            default: return random.nextLong();
        }
    }

    private double dbl()
    {
        return random.nextInt(5) == 0 ? 0.0 : random.nextDouble() * 360 - 180;
    }

    private boolean coin()
    {
        return random.nextBoolean();
    }

    // ------------------------------------------------------------------ hand-made wire bytes

    /** Appends the protobuf wire bytes of a tag or varint value. */
    static void varint(final ByteArrayOutputStream out, final long value)
    {
        long v = value;
        while ((v & ~0x7FL) != 0)
        {
            out.write((int)((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int)v);
    }

    static void tag(final ByteArrayOutputStream out, final int number, final int wire)
    {
        varint(out, ((long)number << 3 | wire) & 0xFFFFFFFFL);
    }

    static void lengthDelimited(final ByteArrayOutputStream out, final int number, final byte[] payload)
    {
        tag(out, number, 2);
        varint(out, payload.length);
        out.writeBytes(payload);
    }

    /** {@code depth} nested unknown groups (field {@code number}), closed properly, wrapping {@code inner}. */
    static byte[] nestedGroups(final int depth, final int number, final byte[] inner)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < depth; i++)
        {
            tag(out, number, 3);
        }
        out.writeBytes(inner);
        for (int i = 0; i < depth; i++)
        {
            tag(out, number, 4);
        }
        return out.toByteArray();
    }

    /**
     * An envelope whose alert (depth 1), area (2), circle (3) and point (4) nest {@code groups} unknown groups inside
     * the innermost of the first {@code messages} of those, so the total depth is {@code messages + groups}.
     */
    static byte[] deepEnvelope(final int messages, final int groups)
    {
        byte[] inner = nestedGroups(groups, 99, new byte[0]);
        // innermost first: point in circle (centre = 1), circle in area (3), area in alert (13), alert in envelope (22)
        final int[] fieldFromOuter = {22, 13, 3, 1};
        for (int level = messages - 1; level >= 0; level--)
        {
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            lengthDelimited(out, fieldFromOuter[level], inner);
            inner = out.toByteArray();
        }
        return inner;
    }
}
