package io.emcomm.router.delivery;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** FLASH deadlines alone, on explicit times: resend once, then not delivered; acks and expiry end the watch. */
@Timeout(10)
class FlashWatchTest
{
    private static final long TIMEOUT = 30_000_000L;
    private static final long T0 = 1_767_225_600_000_000L;

    /** What the watch decided, as "resend 7", "notDelivered 7", "expired 7". */
    private final List<String> decided = new ArrayList<>();
    private final FlashWatch.Actions actions = new FlashWatch.Actions()
    {
        @Override
        public void expired(final long index)
        {
            decided.add("expired " + index);
        }

        @Override
        public void resend(final long index)
        {
            decided.add("resend " + index);
        }

        @Override
        public void notDelivered(final long index)
        {
            decided.add("notDelivered " + index);
        }
    };

    @Test
    void anUnacknowledgedFlashIsResentAtTheDeadlineAndReportedAtTheNext()
    {
        final FlashWatch watch = new FlashWatch();
        watch.sent(7, T0, 0);
        watch.check(T0 + TIMEOUT - 1, TIMEOUT, actions);
        assertEquals(List.of(), decided);

        watch.check(T0 + TIMEOUT, TIMEOUT, actions);
        assertEquals(List.of("resend 7"), decided);
        watch.sent(7, T0 + TIMEOUT + 5, 0); // the resend is written: its clock restarted at the check, not now

        watch.check(T0 + 2 * TIMEOUT - 1, TIMEOUT, actions);
        assertEquals(1, decided.size());
        watch.check(T0 + 2 * TIMEOUT, TIMEOUT, actions);
        assertEquals(List.of("resend 7", "notDelivered 7"), decided);
        assertEquals(0, watch.size());

        watch.check(T0 + 10 * TIMEOUT, TIMEOUT, actions);
        assertEquals(2, decided.size(), "reported once");
    }

    @Test
    void anAcknowledgementEndsTheWatch()
    {
        final FlashWatch watch = new FlashWatch();
        watch.sent(7, T0, 0);
        watch.sent(8, T0, 0);
        watch.acked(7);
        watch.acked(99); // never watched: nothing happens
        watch.check(T0 + TIMEOUT, TIMEOUT, actions);
        assertEquals(List.of("resend 8"), decided);
        watch.acked(8);
        watch.check(T0 + 3 * TIMEOUT, TIMEOUT, actions);
        assertEquals(List.of("resend 8"), decided);
        assertEquals(0, watch.size());
    }

    @Test
    void aFlashThatExpiredByItsDeadlineIsLetGoWithoutResendOrReport()
    {
        final FlashWatch watch = new FlashWatch();
        watch.sent(7, T0, T0 + TIMEOUT / 2);
        watch.sent(8, T0, T0 + TIMEOUT + TIMEOUT / 2); // expires between resend and report
        watch.check(T0 + TIMEOUT, TIMEOUT, actions);
        assertEquals(List.of("expired 7", "resend 8"), decided);
        watch.check(T0 + 2 * TIMEOUT, TIMEOUT, actions);
        assertEquals(List.of("expired 7", "resend 8", "expired 8"), decided);
        assertEquals(0, watch.size());
    }
}
