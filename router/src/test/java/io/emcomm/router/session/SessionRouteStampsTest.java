package io.emcomm.router.session;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A session's routing stamps: the first slots live in the session, higher ones (many routers in one JVM) in an
 * array made at their first stamp; either way a slot reads back what its routing thread wrote, and only that.
 */
class SessionRouteStampsTest
{
    private static Session session()
    {
        return new Session(null, null, null, null, null, null);
    }

    @Test
    void everySlotReadsBackItsOwnStampAndNoOther()
    {
        final Session session = session();
        for (int slot = 0; slot < Session.MAX_ROUTING_THREADS; slot++)
        {
            assertEquals(0, session.routeStamp(slot), "a fresh session has no stamp in slot " + slot);
        }
        session.routeStamp(1, 11);
        session.routeStamp(Session.INLINE_ROUTE_SLOTS, 22);
        session.routeStamp(Session.MAX_ROUTING_THREADS - 1, 33);

        assertEquals(11, session.routeStamp(1));
        assertEquals(22, session.routeStamp(Session.INLINE_ROUTE_SLOTS));
        assertEquals(33, session.routeStamp(Session.MAX_ROUTING_THREADS - 1));
        assertEquals(0, session.routeStamp(0));
        assertEquals(0, session.routeStamp(Session.INLINE_ROUTE_SLOTS + 1));
    }

    /** Threads of high slots stamping the same session at once: the array is made once and no stamp is lost. */
    @Test
    void highSlotsStampedAtOnceKeepEveryStamp() throws Exception
    {
        final int threads = 8;
        for (int round = 0; round < 50; round++)
        {
            final Session session = session();
            final java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
            final Thread[] stampers = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                final int slot = Session.INLINE_ROUTE_SLOTS + t;
                stampers[t] = new Thread(() ->
                {
                    try
                    {
                        start.await();
                    }
                    catch (final Exception ex)
                    {
                        throw new IllegalStateException(ex);
                    }
                    session.routeStamp(slot, 1000 + slot);
                });
                stampers[t].start();
            }
            for (final Thread t : stampers)
            {
                t.join(5_000);
            }
            for (int t = 0; t < threads; t++)
            {
                final int slot = Session.INLINE_ROUTE_SLOTS + t;
                assertEquals(1000 + slot, session.routeStamp(slot), "round " + round + ", slot " + slot);
            }
        }
    }
}
