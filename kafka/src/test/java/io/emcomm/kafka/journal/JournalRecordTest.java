package io.emcomm.kafka.journal;

import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.protocol.wire.Precedence;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The journal record's layout (issue 15 Deliver 1): every field round-trips; every malformed value is named. */
class JournalRecordTest
{
    @Test
    void everyFieldReadsBackInPlaceAndTheEnvelopeIsTheBytesAsReceived()
    {
        final byte[] envelope = Records.envelope("veh-1", 7, Precedence.FLASH, 20);
        final byte[] framed = new byte[envelope.length + 5]; // the envelope inside a larger buffer, as in a frame
        System.arraycopy(envelope, 0, framed, 3, envelope.length);
        final byte[] value = new byte[JournalRecord.encodedLength("R1.A.7", "link-north", "node-2", envelope.length) + 4];
        final int end = JournalRecord.encode(value, 4, 1_234_567_890_123L, 5, "R1.A.7", "link-north", "node-2", -77L,
            Unpooled.wrappedBuffer(framed), 3, envelope.length);
        assertEquals(value.length, end);

        final JournalRecord r = new JournalRecord();
        assertTrue(r.wrap(value, 4, value.length - 4), r.problem());
        assertNull(r.problem());
        assertEquals(1_234_567_890_123L, r.journaledAtMicros());
        assertEquals(5, r.originKind());
        assertEquals("R1.A.7", r.originRegion());
        assertEquals("link-north", r.ingress());
        assertEquals("node-2", r.routerId());
        assertTrue(r.producedBy("node-2"));
        assertFalse(r.producedBy("node-1"));
        assertFalse(r.producedBy("node-22"));
        assertEquals(-77L, r.publishToken());
        assertArrayEquals(envelope, Arrays.copyOfRange(r.array(), r.envelopeOffset(), r.envelopeOffset() + r.envelopeLength()));
        final EnvelopeHeader h = new EnvelopeHeader();
        assertTrue(h.wrap(r.array(), r.envelopeOffset(), r.envelopeLength()));
        assertEquals("veh-1", h.origin());
        assertEquals(7, h.originSequence());
    }

    @Test
    void aRecordThatEnteredAtThisSiteHasAnEmptyIngress()
    {
        final JournalRecord r = new JournalRecord();
        assertTrue(r.wrap(Records.value("veh-1", 1, "n1", 9)));
        assertEquals("", r.ingress());
        assertEquals(0, r.ingressLength());
        assertEquals(9, r.publishToken());
    }

    @Test
    void malformedValuesAreRefusedWithTheProblemNamedNeverAnException()
    {
        final JournalRecord r = new JournalRecord();
        assertFalse(r.wrap(null));
        assertEquals(JournalRecord.NO_VALUE, r.problem());
        assertFalse(r.wrap(new byte[JournalRecord.FIXED_BYTES - 1]));
        assertEquals(JournalRecord.TOO_SHORT, r.problem());

        final byte[] good = Records.value("veh-1", 1, "n1", 9);
        final byte[] version = good.clone();
        version[0] = 2;
        assertFalse(r.wrap(version));
        assertEquals(JournalRecord.BAD_VERSION, r.problem());

        final byte[] overrun = good.clone();
        overrun[10] = (byte)250; // the region's length byte: runs past the end
        assertFalse(r.wrap(overrun));
        assertEquals(JournalRecord.TEXT_OVERRUN, r.problem());

        final int header = good.length - Records.envelope("veh-1", 1, Precedence.ROUTINE, 8).length;
        assertFalse(r.wrap(Arrays.copyOf(good, header)));
        assertEquals(JournalRecord.NO_ENVELOPE, r.problem());
        assertFalse(r.wrap(Arrays.copyOf(good, header - 3)));
        assertEquals(JournalRecord.TEXT_OVERRUN, r.problem());

        assertTrue(r.wrap(good), "a good value after bad ones");
        assertNull(r.problem());
    }

    @Test
    void encodingRefusesAnEmptyEnvelopeAndOverlongText()
    {
        final byte[] dst = new byte[1024];
        assertThrows(IllegalArgumentException.class, () -> JournalRecord.encode(dst, 0, 0, 0, "R", "", "n", 0,
            Unpooled.wrappedBuffer(new byte[1]), 0, 0));
        assertThrows(IllegalArgumentException.class, () -> JournalRecord.encode(dst, 0, 0, 0, "R".repeat(256), "", "n", 0,
            Unpooled.wrappedBuffer(new byte[1]), 0, 1));
    }
}
