package io.emcomm.router.counters;

import java.util.concurrent.atomic.LongAdder;

/**
 * The values of the router's counters, one per {@link CounterDescriptor} (and one per slot of its
 * {@link CounterDescriptor.Breakdown}). Incremented on the hot path through the named methods: each is one
 * {@link LongAdder} increment on a final field, with no lookup and no boxing (a {@code LongAdder} does not
 * allocate once its cells exist). Read generically by {@link #get(CounterDescriptor)} (metrics, status) and by
 * name (tests, the demo).
 *
 * <p>Thread-safety: every method may be called from any thread; a read sums the cells at that moment, so
 * counters read one after another are not a consistent snapshot.
 */
public final class RouterCounters
{
    /** Highest precedence number (FLASH = 4); arrays indexed by precedence number, 0 = unspecified. */
    public static final int MAX_PRECEDENCE = 4;
    /** Highest NackReason number counted by reason; larger numbers are counted under 0. */
    public static final int MAX_NACK_REASON = 15;

    private static final CounterDescriptor[] DESCRIPTORS = CounterDescriptor.values();

    /** Totals, indexed by {@link CounterDescriptor#ordinal()}. */
    private final LongAdder[] totals = totals();
    /** Breakdown slots, indexed by ordinal then by protocol number; null for a counter without a breakdown. */
    private final LongAdder[][] slots = slots();

    // the hot path's view: the same adders as in the arrays above, one field each, so an increment is one field
    // load and no array index or enum lookup
    private final LongAdder published = totals[CounterDescriptor.PUBLISHED.ordinal()];
    private final LongAdder journaled = totals[CounterDescriptor.JOURNALED.ordinal()];
    private final LongAdder duplicates = totals[CounterDescriptor.DUPLICATES.ordinal()];
    private final LongAdder nacked = totals[CounterDescriptor.NACKED.ordinal()];
    private final LongAdder delivered = totals[CounterDescriptor.DELIVERED.ordinal()];
    private final LongAdder deliveryAcks = totals[CounterDescriptor.DELIVERY_ACKS.ordinal()];
    private final LongAdder expired = totals[CounterDescriptor.EXPIRED.ordinal()];
    private final LongAdder slowConsumerDrops = totals[CounterDescriptor.SLOW_CONSUMER_DEFERRALS.ordinal()];
    private final LongAdder slowConsumerDisconnects = totals[CounterDescriptor.SLOW_CONSUMER_DISCONNECTS.ordinal()];
    private final LongAdder superseded = totals[CounterDescriptor.SUPERSEDED.ordinal()];
    private final LongAdder flashResends = totals[CounterDescriptor.FLASH_RESENDS.ordinal()];
    private final LongAdder receipts = totals[CounterDescriptor.RECEIPTS.ordinal()];
    private final LongAdder notAuthorized = totals[CounterDescriptor.NOT_AUTHORIZED.ordinal()];
    private final LongAdder rateLimited = totals[CounterDescriptor.RATE_LIMITED.ordinal()];
    private final LongAdder authenticationFailures = totals[CounterDescriptor.AUTHENTICATION_FAILURES.ordinal()];
    private final LongAdder nonDeliveryReceipts = totals[CounterDescriptor.NON_DELIVERY_RECEIPTS.ordinal()];
    private final LongAdder protocolErrors = totals[CounterDescriptor.PROTOCOL_ERRORS.ordinal()];
    private final LongAdder sessionsOpened = totals[CounterDescriptor.SESSIONS_OPENED.ordinal()];
    private final LongAdder sessionsReplaced = totals[CounterDescriptor.SESSIONS_REPLACED.ordinal()];
    private final LongAdder imported = totals[CounterDescriptor.IMPORTED.ordinal()];
    private final LongAdder importDuplicates = totals[CounterDescriptor.IMPORT_DUPLICATES.ordinal()];
    private final LongAdder importRefused = totals[CounterDescriptor.IMPORT_REFUSED.ordinal()];
    private final LongAdder routed = totals[CounterDescriptor.ROUTED.ordinal()];
    private final LongAdder routedCopies = totals[CounterDescriptor.ROUTED_COPIES.ordinal()];
    private final LongAdder[] journaledByPrecedence = slots[CounterDescriptor.JOURNALED.ordinal()];
    private final LongAdder[] deliveredByPrecedence = slots[CounterDescriptor.DELIVERED.ordinal()];
    private final LongAdder[] nackedByReason = slots[CounterDescriptor.NACKED.ordinal()];

    /** Where journal append times go; set once by the metrics before the router takes traffic. */
    private volatile LatencyRecorder appendLatency = nanos -> { };

    /** Receives one latency sample in nanoseconds. Must not allocate or block: called on the publish path. */
    @FunctionalInterface
    public interface LatencyRecorder
    {
        void recordNanos(long nanos);
    }

    private static LongAdder[] totals()
    {
        final LongAdder[] a = new LongAdder[DESCRIPTORS.length];
        for (int i = 0; i < a.length; i++)
        {
            a[i] = new LongAdder();
        }
        return a;
    }

    private static LongAdder[][] slots()
    {
        final LongAdder[][] a = new LongAdder[DESCRIPTORS.length][];
        for (final CounterDescriptor d : DESCRIPTORS)
        {
            final int n = d.breakdown().slots();
            if (n > 0)
            {
                a[d.ordinal()] = new LongAdder[n];
                for (int i = 0; i < n; i++)
                {
                    a[d.ordinal()][i] = new LongAdder();
                }
            }
        }
        return a;
    }

    /** The total of a counter since start. Any thread. */
    public long get(final CounterDescriptor counter)
    {
        return totals[counter.ordinal()].sum();
    }

    /**
     * One slot of a counter's breakdown since start: {@code number} is the protocol number (a precedence, a
     * NackReason); out of range reads slot 0, where such numbers are counted. Any thread.
     *
     * @throws IllegalArgumentException when the counter has no breakdown.
     */
    public long get(final CounterDescriptor counter, final int number)
    {
        final LongAdder[] s = slots[counter.ordinal()];
        if (s == null)
        {
            throw new IllegalArgumentException(counter + " has no breakdown");
        }
        return s[counter.breakdown().slot(number)].sum();
    }

    private static int clamp(final int value, final int max)
    {
        return value < 0 || value > max ? 0 : value;
    }

    /** Where {@link #recordJournalAppend} sends its samples; set once, before the router takes traffic. */
    public void appendLatency(final LatencyRecorder recorder)
    {
        appendLatency = recorder;
    }

    /** Records how long one journal append took, in nanoseconds. Publish path: must not allocate. */
    public void recordJournalAppend(final long nanos)
    {
        appendLatency.recordNanos(nanos);
    }

    // Increments, hot path: one LongAdder increment each (two for a counter with a breakdown).

    /** {@link CounterDescriptor#PUBLISHED}: a PUBLISH frame was received. */
    public void incPublished()
    {
        published.increment();
    }

    /** {@link CounterDescriptor#JOURNALED}, total only: a message was journaled. */
    public void incJournaled()
    {
        journaled.increment();
    }

    /** {@link CounterDescriptor#JOURNALED}: a message of this precedence number was journaled (from a terminal or the router). */
    public void incJournaled(final int precedence)
    {
        journaled.increment();
        journaledByPrecedence[clamp(precedence, MAX_PRECEDENCE)].increment();
    }

    /** {@link CounterDescriptor#DUPLICATES}: a retried publish was answered with its original index. */
    public void incDuplicates()
    {
        duplicates.increment();
    }

    /** {@link CounterDescriptor#NACKED}, total only: a publish was refused. */
    public void incNacked()
    {
        nacked.increment();
    }

    /** {@link CounterDescriptor#NACKED}: a publish was refused for this NackReason number. */
    public void incNacked(final int reason)
    {
        nacked.increment();
        nackedByReason[clamp(reason, MAX_NACK_REASON)].increment();
    }

    /** {@link CounterDescriptor#DELIVERED}, breakdown only: one DELIVERY frame of this precedence number was written. */
    public void incDelivered(final int precedence)
    {
        deliveredByPrecedence[clamp(precedence, MAX_PRECEDENCE)].increment();
    }

    /** {@link CounterDescriptor#DELIVERED}, total only: {@code n} DELIVERY frames were handed to a connection. */
    public void addDelivered(final long n)
    {
        delivered.add(n);
    }

    /** {@link CounterDescriptor#DELIVERY_ACKS}: a DELIVERY_ACK frame was received. */
    public void incDeliveryAcks()
    {
        deliveryAcks.increment();
    }

    /** {@link CounterDescriptor#ROUTED} and {@link CounterDescriptor#ROUTED_COPIES}: a message reached {@code recipients} live sessions. */
    public void addFanOut(final int recipients)
    {
        routed.increment();
        routedCopies.add(recipients);
    }

    /** {@link CounterDescriptor#EXPIRED}: a message was not delivered because it had expired. */
    public void incExpired()
    {
        expired.increment();
    }

    /** {@link CounterDescriptor#IMPORTED}: a message a peer router forwarded was journaled. */
    public void incImported()
    {
        imported.increment();
    }

    /** {@link CounterDescriptor#IMPORT_DUPLICATES}: a message a peer router forwarded was already journaled. */
    public void incImportDuplicates()
    {
        importDuplicates.increment();
    }

    /** {@link CounterDescriptor#IMPORT_REFUSED}: a message a peer router forwarded was refused. */
    public void incImportRefused()
    {
        importRefused.increment();
    }

    /** {@link CounterDescriptor#IMPORTED}. */
    public long imported()
    {
        return imported.sum();
    }

    /** {@link CounterDescriptor#IMPORT_DUPLICATES}. */
    public long importDuplicates()
    {
        return importDuplicates.sum();
    }

    /** {@link CounterDescriptor#IMPORT_REFUSED}. */
    public long importRefused()
    {
        return importRefused.sum();
    }

    /** {@link CounterDescriptor#SUPERSEDED}: a queued position report was replaced by a newer one. */
    public void incSuperseded()
    {
        superseded.increment();
    }

    /** {@link CounterDescriptor#SLOW_CONSUMER_DEFERRALS}: a session fell behind and went back to the journal. */
    public void incSlowConsumerDrops()
    {
        slowConsumerDrops.increment();
    }

    /** {@link CounterDescriptor#SLOW_CONSUMER_DISCONNECTS}: a session was closed with SLOW_CONSUMER. */
    public void incSlowConsumerDisconnects()
    {
        slowConsumerDisconnects.increment();
    }

    /** {@link CounterDescriptor#FLASH_RESENDS}: an unacknowledged FLASH message was sent again. */
    public void incFlashResends()
    {
        flashResends.increment();
    }

    /** {@link CounterDescriptor#RECEIPTS}: a DELIVERED receipt was journaled. */
    public void incReceipts()
    {
        receipts.increment();
    }

    /** {@link CounterDescriptor#NON_DELIVERY_RECEIPTS}: a NOT_DELIVERED receipt was journaled. */
    public void incNonDeliveryReceipts()
    {
        nonDeliveryReceipts.increment();
    }

    /** {@link CounterDescriptor#PROTOCOL_ERRORS}: an ERROR frame was sent for bad input. */
    public void incProtocolErrors()
    {
        protocolErrors.increment();
    }

    /** {@link CounterDescriptor#SESSIONS_OPENED}: a login was accepted. */
    public void incSessionsOpened()
    {
        sessionsOpened.increment();
    }

    /** {@link CounterDescriptor#SESSIONS_REPLACED}: a login replaced an older session. */
    public void incSessionsReplaced()
    {
        sessionsReplaced.increment();
    }

    /** {@link CounterDescriptor#NOT_AUTHORIZED}: a publish or subscription was refused by the access policy. */
    public void incNotAuthorized()
    {
        notAuthorized.increment();
    }

    /** {@link CounterDescriptor#RATE_LIMITED}: a publish was refused by the rate limit. */
    public void incRateLimited()
    {
        rateLimited.increment();
    }

    /** {@link CounterDescriptor#AUTHENTICATION_FAILURES}: a login was refused. */
    public void incAuthenticationFailures()
    {
        authenticationFailures.increment();
    }

    // Reads by name, for tests and the demo; each is get(descriptor) without the array.

    /** {@link CounterDescriptor#PUBLISHED}: PUBLISH frames received. */
    public long published()
    {
        return published.sum();
    }

    /** {@link CounterDescriptor#JOURNALED}: messages appended to the journal (acknowledged as new). */
    public long journaled()
    {
        return journaled.sum();
    }

    /** {@link CounterDescriptor#JOURNALED} of one precedence number (out of range: slot 0). */
    public long journaled(final int precedence)
    {
        return journaledByPrecedence[clamp(precedence, MAX_PRECEDENCE)].sum();
    }

    /** {@link CounterDescriptor#DUPLICATES}: retried publishes answered with their original index. */
    public long duplicates()
    {
        return duplicates.sum();
    }

    /** {@link CounterDescriptor#NACKED}: publishes refused. */
    public long nacked()
    {
        return nacked.sum();
    }

    /** {@link CounterDescriptor#NACKED} for one NackReason number (out of range: slot 0). */
    public long nacked(final int reason)
    {
        return nackedByReason[clamp(reason, MAX_NACK_REASON)].sum();
    }

    /** {@link CounterDescriptor#DELIVERED}: DELIVERY frames handed to a connection. */
    public long delivered()
    {
        return delivered.sum();
    }

    /** {@link CounterDescriptor#DELIVERED} of one precedence number (out of range: slot 0). */
    public long delivered(final int precedence)
    {
        return deliveredByPrecedence[clamp(precedence, MAX_PRECEDENCE)].sum();
    }

    /** {@link CounterDescriptor#DELIVERY_ACKS}: DELIVERY_ACK frames received. */
    public long deliveryAcks()
    {
        return deliveryAcks.sum();
    }

    /** {@link CounterDescriptor#ROUTED}: messages routed (journaled, whether or not any live session was reached). */
    public long routed()
    {
        return routed.sum();
    }

    /** {@link CounterDescriptor#ROUTED_COPIES}: divided by {@link #routed()} it is the mean fan-out. */
    public long routedCopies()
    {
        return routedCopies.sum();
    }

    /** {@link CounterDescriptor#EXPIRED}: messages not delivered because they had expired. */
    public long expired()
    {
        return expired.sum();
    }

    /** {@link CounterDescriptor#SUPERSEDED}: position reports not sent to a narrow link because a newer one was queued. */
    public long superseded()
    {
        return superseded.sum();
    }

    /** {@link CounterDescriptor#SLOW_CONSUMER_DEFERRALS}: times a session fell behind and went back to the journal. */
    public long slowConsumerDrops()
    {
        return slowConsumerDrops.sum();
    }

    /** {@link CounterDescriptor#SLOW_CONSUMER_DISCONNECTS}: sessions closed with SLOW_CONSUMER. */
    public long slowConsumerDisconnects()
    {
        return slowConsumerDisconnects.sum();
    }

    /** {@link CounterDescriptor#FLASH_RESENDS}: unacknowledged FLASH messages sent again. */
    public long flashResends()
    {
        return flashResends.sum();
    }

    /** {@link CounterDescriptor#RECEIPTS}: DELIVERED receipts journaled. */
    public long receipts()
    {
        return receipts.sum();
    }

    /** {@link CounterDescriptor#NON_DELIVERY_RECEIPTS}: NOT_DELIVERED receipts journaled. */
    public long nonDeliveryReceipts()
    {
        return nonDeliveryReceipts.sum();
    }

    /** {@link CounterDescriptor#PROTOCOL_ERRORS}: ERROR frames sent for bad input. */
    public long protocolErrors()
    {
        return protocolErrors.sum();
    }

    /** {@link CounterDescriptor#SESSIONS_OPENED}: logins accepted. */
    public long sessionsOpened()
    {
        return sessionsOpened.sum();
    }

    /** {@link CounterDescriptor#SESSIONS_REPLACED}: logins that replaced an older session. */
    public long sessionsReplaced()
    {
        return sessionsReplaced.sum();
    }

    /** {@link CounterDescriptor#NOT_AUTHORIZED}: publishes and subscriptions refused by the access policy. */
    public long notAuthorized()
    {
        return notAuthorized.sum();
    }

    /** {@link CounterDescriptor#RATE_LIMITED}: publishes refused by the rate limit. */
    public long rateLimited()
    {
        return rateLimited.sum();
    }

    /** {@link CounterDescriptor#AUTHENTICATION_FAILURES}: logins refused. */
    public long authenticationFailures()
    {
        return authenticationFailures.sum();
    }
}
