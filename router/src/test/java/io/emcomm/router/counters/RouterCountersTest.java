package io.emcomm.router.counters;

import io.emcomm.protocol.wire.NackReason;
import io.emcomm.protocol.wire.Precedence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The counters' enumeration: each named increment lands in its descriptor's value and only there. */
@Timeout(10)
class RouterCountersTest
{
    /** The hot path's increment of each counter; a descriptor missing here fails {@link #everyCounterHasItsIncrement}. */
    private static final Map<CounterDescriptor, Consumer<RouterCounters>> INCREMENTS = new EnumMap<>(Map.ofEntries(
        Map.entry(CounterDescriptor.PUBLISHED, RouterCounters::incPublished),
        Map.entry(CounterDescriptor.JOURNALED, c -> c.incJournaled(Precedence.FLASH_VALUE)),
        Map.entry(CounterDescriptor.DUPLICATES, RouterCounters::incDuplicates),
        Map.entry(CounterDescriptor.DELIVERED, c -> c.addDelivered(1)),
        Map.entry(CounterDescriptor.NACKED, c -> c.incNacked(NackReason.BAD_SEQUENCE_VALUE)),
        Map.entry(CounterDescriptor.DELIVERY_ACKS, RouterCounters::incDeliveryAcks),
        Map.entry(CounterDescriptor.ROUTED, c -> c.addFanOut(0)),
        Map.entry(CounterDescriptor.ROUTED_COPIES, c -> c.addFanOut(1)),
        Map.entry(CounterDescriptor.EXPIRED, RouterCounters::incExpired),
        Map.entry(CounterDescriptor.SUPERSEDED, RouterCounters::incSuperseded),
        Map.entry(CounterDescriptor.SLOW_CONSUMER_DEFERRALS, RouterCounters::incSlowConsumerDrops),
        Map.entry(CounterDescriptor.SLOW_CONSUMER_DISCONNECTS, RouterCounters::incSlowConsumerDisconnects),
        Map.entry(CounterDescriptor.FLASH_RESENDS, RouterCounters::incFlashResends),
        Map.entry(CounterDescriptor.RECEIPTS, RouterCounters::incReceipts),
        Map.entry(CounterDescriptor.NON_DELIVERY_RECEIPTS, RouterCounters::incNonDeliveryReceipts),
        Map.entry(CounterDescriptor.PROTOCOL_ERRORS, RouterCounters::incProtocolErrors),
        Map.entry(CounterDescriptor.SESSIONS_OPENED, RouterCounters::incSessionsOpened),
        Map.entry(CounterDescriptor.SESSIONS_REPLACED, RouterCounters::incSessionsReplaced),
        Map.entry(CounterDescriptor.NOT_AUTHORIZED, RouterCounters::incNotAuthorized),
        Map.entry(CounterDescriptor.RATE_LIMITED, RouterCounters::incRateLimited),
        Map.entry(CounterDescriptor.AUTHENTICATION_FAILURES, RouterCounters::incAuthenticationFailures),
        Map.entry(CounterDescriptor.IMPORTED, RouterCounters::incImported),
        Map.entry(CounterDescriptor.IMPORT_DUPLICATES, RouterCounters::incImportDuplicates),
        Map.entry(CounterDescriptor.IMPORT_REFUSED, RouterCounters::incImportRefused)));

    /** Counters that move together: a fan-out of one is a routed message and one copy. */
    private static final Map<CounterDescriptor, CounterDescriptor> ALSO = Map.of(CounterDescriptor.ROUTED_COPIES, CounterDescriptor.ROUTED);

    /** The read by name of each counter, which tests and the demo use. */
    private static final Map<CounterDescriptor, ToLongFunction<RouterCounters>> READS = new EnumMap<>(Map.ofEntries(
        Map.entry(CounterDescriptor.PUBLISHED, RouterCounters::published),
        Map.entry(CounterDescriptor.JOURNALED, RouterCounters::journaled),
        Map.entry(CounterDescriptor.DUPLICATES, RouterCounters::duplicates),
        Map.entry(CounterDescriptor.DELIVERED, RouterCounters::delivered),
        Map.entry(CounterDescriptor.NACKED, RouterCounters::nacked),
        Map.entry(CounterDescriptor.DELIVERY_ACKS, RouterCounters::deliveryAcks),
        Map.entry(CounterDescriptor.ROUTED, RouterCounters::routed),
        Map.entry(CounterDescriptor.ROUTED_COPIES, RouterCounters::routedCopies),
        Map.entry(CounterDescriptor.EXPIRED, RouterCounters::expired),
        Map.entry(CounterDescriptor.SUPERSEDED, RouterCounters::superseded),
        Map.entry(CounterDescriptor.SLOW_CONSUMER_DEFERRALS, RouterCounters::slowConsumerDrops),
        Map.entry(CounterDescriptor.SLOW_CONSUMER_DISCONNECTS, RouterCounters::slowConsumerDisconnects),
        Map.entry(CounterDescriptor.FLASH_RESENDS, RouterCounters::flashResends),
        Map.entry(CounterDescriptor.RECEIPTS, RouterCounters::receipts),
        Map.entry(CounterDescriptor.NON_DELIVERY_RECEIPTS, RouterCounters::nonDeliveryReceipts),
        Map.entry(CounterDescriptor.PROTOCOL_ERRORS, RouterCounters::protocolErrors),
        Map.entry(CounterDescriptor.SESSIONS_OPENED, RouterCounters::sessionsOpened),
        Map.entry(CounterDescriptor.SESSIONS_REPLACED, RouterCounters::sessionsReplaced),
        Map.entry(CounterDescriptor.NOT_AUTHORIZED, RouterCounters::notAuthorized),
        Map.entry(CounterDescriptor.RATE_LIMITED, RouterCounters::rateLimited),
        Map.entry(CounterDescriptor.AUTHENTICATION_FAILURES, RouterCounters::authenticationFailures),
        Map.entry(CounterDescriptor.IMPORTED, RouterCounters::imported),
        Map.entry(CounterDescriptor.IMPORT_DUPLICATES, RouterCounters::importDuplicates),
        Map.entry(CounterDescriptor.IMPORT_REFUSED, RouterCounters::importRefused)));

    @Test
    void everyCounterHasItsIncrement()
    {
        for (final CounterDescriptor d : CounterDescriptor.values())
        {
            final RouterCounters counters = new RouterCounters();
            INCREMENTS.get(d).accept(counters);
            for (final CounterDescriptor other : CounterDescriptor.values())
            {
                assertEquals(other == d || other == ALSO.get(d) ? 1 : 0, counters.get(other), other + " after an increment of " + d);
                assertEquals(counters.get(other), READS.get(other).applyAsLong(counters), "read by name of " + other);
            }
        }
    }

    @Test
    void breakdownsCountBySlotAndOutOfRangeNumbersInSlotZero()
    {
        final RouterCounters counters = new RouterCounters();
        counters.incJournaled(Precedence.FLASH_VALUE);
        counters.incJournaled(99);
        counters.incDelivered(Precedence.ROUTINE_VALUE);
        counters.incNacked(NackReason.STALE_SEQUENCE_VALUE);
        counters.incNacked(-1);

        assertEquals(2, counters.get(CounterDescriptor.JOURNALED));
        assertEquals(1, counters.get(CounterDescriptor.JOURNALED, Precedence.FLASH_VALUE));
        assertEquals(1, counters.get(CounterDescriptor.JOURNALED, 0), "99 is counted as unspecified");
        assertEquals(1, counters.journaled(Precedence.FLASH_VALUE));
        assertEquals(1, counters.get(CounterDescriptor.DELIVERED, Precedence.ROUTINE_VALUE));
        assertEquals(0, counters.get(CounterDescriptor.DELIVERED), "the delivered total is counted per drain, apart");
        assertEquals(1, counters.get(CounterDescriptor.NACKED, NackReason.STALE_SEQUENCE_VALUE));
        assertEquals(1, counters.nacked(0));
        assertEquals(2, counters.nacked());
        assertThrows(IllegalArgumentException.class, () -> counters.get(CounterDescriptor.PUBLISHED, 1));
    }

    @Test
    void breakdownMembersAreTheSeriesTheMetricsShow()
    {
        assertEquals(List.of(new CounterDescriptor.Member(1, "routine"), new CounterDescriptor.Member(2, "priority"),
            new CounterDescriptor.Member(3, "immediate"), new CounterDescriptor.Member(4, "flash")),
            CounterDescriptor.Breakdown.PRECEDENCE.members());
        final List<CounterDescriptor.Member> reasons = CounterDescriptor.Breakdown.NACK_REASON.members();
        assertEquals(new CounterDescriptor.Member(0, "other"), reasons.get(0));
        assertTrue(reasons.contains(new CounterDescriptor.Member(NackReason.JOURNAL_UNAVAILABLE_VALUE, "journal_unavailable")));
        assertEquals(NackReason.values().length - 1, reasons.size(), "every reason but UNRECOGNIZED");
        assertEquals(List.of(), CounterDescriptor.Breakdown.NONE.members());
    }

    @Test
    void namesAreUniqueAndEveryStatusFieldHasALabel()
    {
        final Set<String> meters = new HashSet<>();
        final Set<String> fields = new HashSet<>();
        for (final CounterDescriptor d : CounterDescriptor.values())
        {
            assertTrue(!d.hasMeter() || meters.add(d.meterName()), "meter name used twice: " + d.meterName());
            final CounterDescriptor.Status s = d.status();
            assertEquals(s.field() != null, s.inTotals() || s.inRates(), d + ": a field exactly when shown");
            assertTrue(s.field() == null || fields.add(s.field()) && s.label() != null, d + ": field once, with a label");
            assertTrue(!d.description().isEmpty() && !d.description().endsWith("."), d + ": help text");
        }
    }
}
