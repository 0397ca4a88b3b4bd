package io.emcomm.router.counters;

import java.util.concurrent.atomic.LongAdder;

/**
 * Event counters of one router. Incremented on the hot path (a {@link LongAdder} increment does not
 * allocate once its cells exist); read by tests, the demo and metrics.
 */
public final class RouterCounters
{
    final LongAdder published = new LongAdder();
    final LongAdder journaled = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    final LongAdder nacked = new LongAdder();
    final LongAdder delivered = new LongAdder();
    final LongAdder deliveryAcks = new LongAdder();
    final LongAdder expired = new LongAdder();
    final LongAdder slowConsumerDrops = new LongAdder();
    final LongAdder slowConsumerDisconnects = new LongAdder();
    final LongAdder superseded = new LongAdder();
    final LongAdder flashResends = new LongAdder();
    final LongAdder receipts = new LongAdder();
    final LongAdder notAuthorized = new LongAdder();
    final LongAdder rateLimited = new LongAdder();
    final LongAdder authenticationFailures = new LongAdder();
    final LongAdder nonDeliveryReceipts = new LongAdder();
    final LongAdder protocolErrors = new LongAdder();
    final LongAdder sessionsOpened = new LongAdder();
    final LongAdder sessionsReplaced = new LongAdder();

    /** Highest precedence number (FLASH = 4); arrays indexed by precedence number, 0 = unspecified. */
    public static final int MAX_PRECEDENCE = 4;
    /** Highest NackReason number counted by reason; larger numbers are counted under 0. */
    public static final int MAX_NACK_REASON = 15;

    private final LongAdder[] journaledByPrecedence = adders(MAX_PRECEDENCE + 1);
    private final LongAdder[] deliveredByPrecedence = adders(MAX_PRECEDENCE + 1);
    private final LongAdder[] nackedByReason = adders(MAX_NACK_REASON + 1);
    private final LongAdder routed = new LongAdder();
    private final LongAdder routedCopies = new LongAdder();
    /** Where journal append times go; set once by the metrics before the router takes traffic. */
    private volatile LatencyRecorder appendLatency = nanos -> { };

    /** Receives one latency sample in nanoseconds. Must not allocate or block: called on the publish path. */
    @FunctionalInterface
    public interface LatencyRecorder
    {
        void recordNanos(long nanos);
    }

    private static LongAdder[] adders(final int n)
    {
        final LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = new LongAdder();
        }
        return a;
    }

    private static int clamp(final int value, final int max)
    {
        return value < 0 || value > max ? 0 : value;
    }

    /** A message of this precedence number was journaled (published by a terminal or by the router). */
    public void incJournaled(final int precedence)
    {
        journaled.increment();
        journaledByPrecedence[clamp(precedence, MAX_PRECEDENCE)].increment();
    }

    public long journaled(final int precedence)
    {
        return journaledByPrecedence[clamp(precedence, MAX_PRECEDENCE)].sum();
    }

    /** One DELIVERY frame of this precedence number was handed to a connection. */
    public void incDelivered(final int precedence)
    {
        deliveredByPrecedence[clamp(precedence, MAX_PRECEDENCE)].increment();
    }

    public long delivered(final int precedence)
    {
        return deliveredByPrecedence[clamp(precedence, MAX_PRECEDENCE)].sum();
    }

    /** A publish was refused for this NackReason number. */
    public void incNacked(final int reason)
    {
        nacked.increment();
        nackedByReason[clamp(reason, MAX_NACK_REASON)].increment();
    }

    public long nacked(final int reason)
    {
        return nackedByReason[clamp(reason, MAX_NACK_REASON)].sum();
    }

    /** A journaled message was handed to {@code recipients} live sessions (its fan-out). */
    public void addFanOut(final int recipients)
    {
        routed.increment();
        routedCopies.add(recipients);
    }

    /** Messages routed (journaled messages, whether or not any live session was reached). */
    public long routed()
    {
        return routed.sum();
    }

    /** Live-session copies made by routing; divided by {@link #routed()} it is the mean fan-out. */
    public long routedCopies()
    {
        return routedCopies.sum();
    }

    public void appendLatency(final LatencyRecorder recorder)
    {
        appendLatency = recorder;
    }

    /** Records how long one journal append took. */
    public void recordJournalAppend(final long nanos)
    {
        appendLatency.recordNanos(nanos);
    }

    /** PUBLISH frames received. */
    public long published()
    {
        return published.sum();
    }

    /** Messages appended to the journal (acknowledged as new). */
    public long journaled()
    {
        return journaled.sum();
    }

    /** Retried publishes answered with their original index. */
    public long duplicates()
    {
        return duplicates.sum();
    }

    public long nacked()
    {
        return nacked.sum();
    }

    /** DELIVERY frames handed to a connection. */
    public long delivered()
    {
        return delivered.sum();
    }

    public long deliveryAcks()
    {
        return deliveryAcks.sum();
    }

    /** Messages not delivered because they had expired. */
    public long expired()
    {
        return expired.sum();
    }

    /** Position reports not sent to a narrow link because a newer one from the same source was queued. */
    public long superseded()
    {
        return superseded.sum();
    }

    public long slowConsumerDisconnects()
    {
        return slowConsumerDisconnects.sum();
    }

    public long flashResends()
    {
        return flashResends.sum();
    }

    /** Publishes and subscriptions refused by the access policy. */
    public long notAuthorized()
    {
        return notAuthorized.sum();
    }

    public long rateLimited()
    {
        return rateLimited.sum();
    }

    public long authenticationFailures()
    {
        return authenticationFailures.sum();
    }

    public void incNotAuthorized()
    {
        notAuthorized.increment();
    }

    public void incRateLimited()
    {
        rateLimited.increment();
    }

    public void incAuthenticationFailures()
    {
        authenticationFailures.increment();
    }

    public long receipts()
    {
        return receipts.sum();
    }

    public long nonDeliveryReceipts()
    {
        return nonDeliveryReceipts.sum();
    }

    public void incSuperseded()
    {
        superseded.increment();
    }

    public void incSlowConsumerDisconnects()
    {
        slowConsumerDisconnects.increment();
    }

    public void incFlashResends()
    {
        flashResends.increment();
    }

    public void incReceipts()
    {
        receipts.increment();
    }

    public void incNonDeliveryReceipts()
    {
        nonDeliveryReceipts.increment();
    }

    /** Times a session fell behind and went back to reading from the journal. */
    public long slowConsumerDrops()
    {
        return slowConsumerDrops.sum();
    }

    public long protocolErrors()
    {
        return protocolErrors.sum();
    }

    public long sessionsOpened()
    {
        return sessionsOpened.sum();
    }

    public long sessionsReplaced()
    {
        return sessionsReplaced.sum();
    }

    public void incPublished()
    {
        published.increment();
    }

    public void incJournaled()
    {
        journaled.increment();
    }

    public void incDuplicates()
    {
        duplicates.increment();
    }

    public void incNacked()
    {
        nacked.increment();
    }

    public void addDelivered(final long n)
    {
        delivered.add(n);
    }

    public void incDeliveryAcks()
    {
        deliveryAcks.increment();
    }

    public void incExpired()
    {
        expired.increment();
    }

    public void incSlowConsumerDrops()
    {
        slowConsumerDrops.increment();
    }

    public void incProtocolErrors()
    {
        protocolErrors.increment();
    }

    public void incSessionsOpened()
    {
        sessionsOpened.increment();
    }

    public void incSessionsReplaced()
    {
        sessionsReplaced.increment();
    }
}
