package io.emcomm.router.delivery;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ring of (delivery_seq, journal index) of one connection's written deliveries. */
class InFlightRingTest
{
    @Test
    void framesAreNumberedOneTwoThreeAndAckedThroughNFromTheFront()
    {
        final InFlightRing ring = new InFlightRing(4);
        assertEquals(0, ring.lastSeq());
        assertTrue(ring.isEmpty());
        assertFalse(ring.hasThrough(1));
        assertEquals(1, ring.add(700));
        assertEquals(2, ring.add(900)); // a FLASH written before an older ROUTINE
        assertEquals(3, ring.add(800));
        assertEquals(3, ring.lastSeq());

        assertTrue(ring.hasThrough(2));
        assertEquals(1, ring.firstSeq());
        assertEquals(700, ring.firstIndex());
        ring.removeFirst();
        assertEquals(900, ring.firstIndex());
        ring.removeFirst();
        assertFalse(ring.hasThrough(2), "800 was numbered 3: an ack through 2 leaves it");
        assertTrue(ring.hasThrough(3));
        assertEquals(800, ring.firstIndex());
        assertEquals(1, ring.size());
        ring.removeFirst();
        assertTrue(ring.isEmpty());
        assertEquals(3, ring.lastSeq(), "numbers go on across an empty ring");
        assertEquals(4, ring.add(1000));
    }

    @Test
    void growingKeepsEveryEntryUnderItsNumberAcrossTheWrap()
    {
        final InFlightRing ring = new InFlightRing(4);
        long next = 1;
        long firstHeld = 1;
        // wrap around a few times, then hold more than the capacity (urgent messages are not capped)
        for (int round = 0; round < 10; round++)
        {
            for (int i = 0; i < 3; i++)
            {
                assertEquals(next, ring.add(next * 10));
                next++;
            }
            while (ring.hasThrough(next - 2))
            {
                assertEquals(firstHeld * 10, ring.firstIndex());
                ring.removeFirst();
                firstHeld++;
            }
        }
        for (int i = 0; i < 100; i++)
        {
            assertEquals(next, ring.add(next * 10));
            next++;
        }
        assertEquals(next - firstHeld, ring.size());
        for (long seq = firstHeld; seq < next; seq++)
        {
            assertEquals(seq, ring.firstSeq());
            assertEquals(seq * 10, ring.firstIndex());
            ring.removeFirst();
        }
        assertTrue(ring.isEmpty());
    }
}
