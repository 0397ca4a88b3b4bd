package io.emcomm.router.delivery;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The byte accounts alone, with fake sessions: what each admits, and whom the router-wide limit disconnects. */
@Timeout(30)
class OutboundBudgetTest
{
    private static final int KIB = 1024;
    private static final long SECOND = 1_000_000;

    /** A session as the budget sees it: its account and whether it was told to disconnect. */
    private static final class FakeSession
    {
        final AtomicInteger disconnects = new AtomicInteger();
        final SessionOutbound account;

        FakeSession(final OutboundBudget budget)
        {
            account = budget.open(disconnects::incrementAndGet);
        }
    }

    @Test
    void chargesAndCreditsAddUpPerSessionAndRouterWide()
    {
        final OutboundBudget budget = new OutboundBudget(1024 * KIB, 256 * KIB, SECOND);
        final FakeSession a = new FakeSession(budget);
        final FakeSession b = new FakeSession(budget);
        a.account.charge(60 * KIB);
        a.account.charge(60 * KIB);
        b.account.charge(60 * KIB);
        a.account.noteWritten(64 * KIB);
        assertEquals(184 * KIB, a.account.held());
        assertEquals(120 * KIB, a.account.queued());
        assertEquals(60 * KIB, b.account.held());
        assertEquals(244 * KIB, budget.held());

        a.account.credit(60 * KIB);
        a.account.noteWritten(4 * KIB);
        assertEquals(64 * KIB, a.account.held());
        assertEquals(124 * KIB, budget.held());

        a.account.credit(60 * KIB);
        a.account.close();
        a.account.close();
        b.account.credit(60 * KIB);
        assertEquals(0, budget.held(), "every byte charged is credited once the sessions are gone");
        assertEquals(1, budget.sessions());
        b.account.close();
        assertEquals(0, budget.sessions());
    }

    @Test
    void aSessionAdmitsLiveFramesUpToItsOwnLimitInBytes()
    {
        final OutboundBudget budget = new OutboundBudget(10 * 1024 * KIB, 256 * KIB, SECOND);
        final SessionOutbound s = new FakeSession(budget).account;
        s.stalledSince(5 * SECOND);
        int queued = 0;
        while (s.admitsLive(60 * KIB))
        {
            s.charge(60 * KIB);
            queued++;
        }
        assertEquals(4, queued, "four 60 KiB frames fit in 256 KiB, a fifth does not, however few frames that is");
        assertTrue(s.admitsLive(16 * KIB), "a small one still fits");
        assertFalse(s.mayRead(), "catching up waits until less than half the limit is queued");
        s.credit(60 * KIB);
        s.credit(60 * KIB);
        s.credit(60 * KIB);
        assertTrue(s.mayRead());
        s.noteWritten(200 * KIB);
        assertFalse(s.admitsLive(60 * KIB), "what the connection has not sent yet counts");
        assertTrue(s.mayRead(), "but only what is queued holds back catching up");
    }

    @Test
    void nearTheRouterLimitOnlySessionsThatTakeNothingFallBack()
    {
        final OutboundBudget budget = new OutboundBudget(1024 * KIB, 1024 * KIB, SECOND);
        final SessionOutbound heavy = new FakeSession(budget).account;
        final SessionOutbound other = new FakeSession(budget).account;
        heavy.charge(500 * KIB);
        other.charge(200 * KIB);
        other.stalledSince(5 * SECOND);
        assertFalse(budget.isNear(), "700 of 1024 KiB is below three quarters");
        assertTrue(other.admitsLive(KIB));
        other.charge(100 * KIB);
        assertTrue(budget.isNear(), "800 of 1024 KiB");
        assertFalse(budget.isOver());
        assertFalse(other.admitsLive(KIB), "a session that takes nothing is given nothing more that can wait");
        assertFalse(other.mayRead());
        other.stalledSince(-1);
        assertTrue(other.admitsLive(KIB), "once it takes again, it is");
        assertTrue(other.mayRead());
        assertTrue(heavy.admitsLive(KIB), "a session that takes is, near the limit too");
    }

    @Test
    void overTheLimitTheStalledSessionsHoldingMostAreDisconnectedFirstAndOnlyThey()
    {
        final OutboundBudget budget = new OutboundBudget(1000 * KIB, 500 * KIB, SECOND);
        final long now = 100 * SECOND;
        final FakeSession small = new FakeSession(budget);
        final FakeSession large = new FakeSession(budget);
        final FakeSession medium = new FakeSession(budget);
        final FakeSession healthy = new FakeSession(budget);
        final FakeSession justStalled = new FakeSession(budget);
        small.account.charge(100 * KIB);
        large.account.charge(400 * KIB);
        medium.account.charge(250 * KIB);
        healthy.account.charge(300 * KIB);
        justStalled.account.charge(450 * KIB);
        small.account.stalledSince(now - 10 * SECOND);
        large.account.stalledSince(now - 10 * SECOND);
        medium.account.stalledSince(now - 10 * SECOND);
        justStalled.account.stalledSince(now - SECOND / 2);
        assertTrue(budget.isOver());

        // 1,500 KiB held; below 750 KiB needs 750 KiB gone: large (400) and medium (250) are not enough, small too
        assertEquals(3, budget.relieve(now));
        assertEquals(1, large.disconnects.get());
        assertEquals(1, medium.disconnects.get());
        assertEquals(1, small.disconnects.get());
        assertEquals(0, healthy.disconnects.get(), "a session that makes progress is never picked");
        assertEquals(0, justStalled.disconnects.get(), "nor one that stalled only a moment ago");

        assertEquals(0, budget.relieve(now), "the bytes of those told to go are counted as going");
        assertEquals(1, large.disconnects.get(), "told once");
    }

    @Test
    void reliefStopsOnceTheRestIsBelowThreeQuarters()
    {
        final OutboundBudget budget = new OutboundBudget(1000 * KIB, 500 * KIB, SECOND);
        final long now = 100 * SECOND;
        final List<FakeSession> sessions = new ArrayList<>();
        for (int i = 1; i <= 5; i++)
        {
            final FakeSession s = new FakeSession(budget);
            s.account.charge(i * 100 * KIB);
            s.account.stalledSince(0);
            sessions.add(s);
        }
        // 1,500 KiB held; 500 and 400 go, 600 KiB are left
        assertEquals(2, budget.relieve(now));
        assertEquals(List.of(0, 0, 0, 1, 1), sessions.stream().map(s -> s.disconnects.get()).toList());
    }

    @Test
    void nothingHappensBelowTheLimitOrToAClosedSession()
    {
        final OutboundBudget budget = new OutboundBudget(1000 * KIB, 500 * KIB, SECOND);
        final FakeSession stalled = new FakeSession(budget);
        stalled.account.charge(700 * KIB);
        stalled.account.stalledSince(0);
        assertEquals(0, budget.relieve(10 * SECOND), "700 of 1000 KiB");
        final FakeSession closing = new FakeSession(budget);
        closing.account.charge(400 * KIB);
        closing.account.stalledSince(0);
        closing.account.close();
        assertEquals(1, budget.relieve(10 * SECOND));
        assertEquals(1, stalled.disconnects.get());
        assertEquals(0, closing.disconnects.get(), "closed already: its queue is being released");
    }

    @Test
    void eachQueueHoldingASharedFrameIsChargedItsWholeSizeUntilItLetsGo()
    {
        final OutboundBudget budget = new OutboundBudget(10 * 1024 * KIB, 1024 * KIB, SECOND);
        final SessionOutbound a = new FakeSession(budget).account;
        final SessionOutbound b = new FakeSession(budget).account;
        final PrecedenceQueue qa = new PrecedenceQueue(a);
        final PrecedenceQueue qb = new PrecedenceQueue(b);
        final ByteBuf frame = ByteBufAllocator.DEFAULT.directBuffer(60 * KIB);
        frame.writeZero(60 * KIB);
        // as the sequencer does for a fan-out: one buffer, a retained duplicate for all but the last
        qa.offer(frame.retainedDuplicate(), 1);
        qb.offer(frame, 1);
        assertEquals(frame.capacity(), a.held(), "a duplicate keeps the whole buffer alive");
        assertEquals(frame.capacity(), b.held());
        assertEquals(2L * frame.capacity(), budget.held());

        final ByteBuf polled = qa.poll();
        assertEquals(0, a.held(), "taken out to be written");
        qa.holdBack(polled);
        assertEquals(frame.capacity(), a.held(), "held back: still this session's");
        qa.clear();
        qb.clear();
        assertEquals(0, budget.held());
        assertEquals(0, frame.refCnt(), "both references released");
    }

    @Test
    void concurrentChargesFromManyThreadsBalance() throws Exception
    {
        final OutboundBudget budget = new OutboundBudget(1L << 40, 1L << 30, SECOND);
        final SessionOutbound s = new FakeSession(budget).account;
        final int threads = 4;
        final CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++)
        {
            new Thread(() ->
            {
                for (int i = 0; i < 100_000; i++)
                {
                    s.charge(100 + i % 7);
                    s.credit(100 + i % 7);
                }
                done.countDown();
            }).start();
        }
        assertTrue(done.await(20, TimeUnit.SECONDS));
        assertEquals(0, s.held());
        assertEquals(0, budget.held());
    }

    @Test
    void aSessionLimitAboveTheRoutersIsRefused()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> new OutboundBudget(KIB, 2 * KIB, SECOND));
        assertTrue(ex.getMessage().contains("session 2048 bytes"), ex.getMessage());
    }
}
