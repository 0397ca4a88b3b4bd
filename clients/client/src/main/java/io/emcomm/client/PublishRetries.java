package io.emcomm.client;

import io.emcomm.protocol.wire.NackReason;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The publishes a router nacked {@code JOURNAL_UNAVAILABLE}, which the client sends again with their own origin
 * sequence instead of failing them (protocol.md §4.3: "retry? yes, later, same id"). On a router node of a Kafka
 * cluster that nack means the cluster did not confirm the record in time, not always that nothing was stored
 * (docs/cluster.md, "A nack after a timeout"): a resend with the same sequence is answered by the router's dedupe
 * with the original index, a new publish of the same content might be delivered twice.
 *
 * <p>Each such publish stays in the {@link PublishLedger} (its frame bytes too) and has a {@link Retry} here: when
 * to send it again ({@value #FIRST_DELAY_MS} ms after the first nack, doubling up to {@value #MAX_DELAY_MS} ms),
 * when to give up (its request deadline, or {@value #BUDGET_WITHOUT_TIMEOUT_S} s after the first nack when the
 * request timeout is zero) and the last nack's reason and detail, which the publish fails with then. Only the nack
 * path and the retry timers come here; the publish and ack paths never do, so a retry of a publish acknowledged
 * meanwhile is dropped by its next timer, which finds the publish no longer in the ledger.
 *
 * <p>Timers: every change of a retry takes a new token, and only the timer carrying the current token acts, so a
 * retry has one live timer however many nacks and reconnects came in between.
 *
 * <p>Threads: guarded by the {@link ClientConductor}'s lock; allocates (the nack path may).
 */
final class PublishRetries
{
    static final long FIRST_DELAY_MS = 250;
    static final long MAX_DELAY_MS = 2_000;
    /** How long a nacked publish is retried when the request timeout is zero (no deadline): the default timeout. */
    static final long BUDGET_WITHOUT_TIMEOUT_S = 30;

    private static final long FIRST_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(FIRST_DELAY_MS);
    private static final long MAX_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(MAX_DELAY_MS);
    private static final long BUDGET_WITHOUT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(BUDGET_WITHOUT_TIMEOUT_S);

    /** One publish nacked JOURNAL_UNAVAILABLE: its last nack, and what its next timer is for. */
    static final class Retry
    {
        final long sequence;
        /** Monotonic nanoseconds after which it fails with the last nack. */
        final long giveUpNanos;
        final long firstNackNanos;
        int nacks;
        int resends;
        NackReason reason;
        String detail;
        /** True while the resend after the last nack is still to be written, at {@link #resendNanos}. */
        boolean resendDue;
        long resendNanos;
        /** The token of the one timer that may act on this retry. */
        int timer;

        Retry(final long sequence, final long giveUpNanos, final long firstNackNanos)
        {
            this.sequence = sequence;
            this.giveUpNanos = giveUpNanos;
            this.firstNackNanos = firstNackNanos;
        }

        /** When the live timer should run: the resend if one is due, else the give-up time. */
        long nextTimerNanos()
        {
            return resendDue && resendNanos - giveUpNanos < 0 ? resendNanos : giveUpNanos;
        }

        /**
         * What the publish fails with when it is given up: the router's last nack (reason and detail), with a
         * {@link TimeoutException} cause saying how long it was retried.
         */
        PublishRejectedException failure(final String terminalId, final long nowNanos)
        {
            final TimeoutException why = new TimeoutException("no acknowledgement for " + terminalId + "/" + sequence
                + " within " + TimeUnit.NANOSECONDS.toMillis(nowNanos - firstNackNanos) + " ms of its first "
                + reason + " nack: nacked " + nacks + " times, sent again " + resends + " times");
            return new PublishRejectedException(reason, detail, sequence, why);
        }
    }

    private final Map<Long, Retry> bySequence = new HashMap<>();

    /** The delay before the resend after the {@code nacks}-th nack: 250 ms, 500 ms, 1 s, then 2 s. */
    static long delayNanos(final int nacks)
    {
        final int doublings = Math.min(nacks - 1, 8);
        return Math.min(MAX_DELAY_NANOS, FIRST_DELAY_NANOS << doublings);
    }

    /**
     * Records a JOURNAL_UNAVAILABLE nack of the publish {@code sequence} and plans its resend.
     *
     * @param hasDeadline   false when the request timeout is zero: then it is given up
     *                      {@value #BUDGET_WITHOUT_TIMEOUT_S} s after its first nack
     * @param deadlineNanos the publish's request deadline in the ledger
     * @param nowNanos      the monotonic time of the nack
     * @return the retry, its {@link Retry#timer} the token of the timer to schedule at {@link Retry#nextTimerNanos()}
     */
    Retry nacked(final long sequence, final boolean hasDeadline, final long deadlineNanos, final long nowNanos,
        final NackReason reason, final String detail)
    {
        final Retry retry = bySequence.computeIfAbsent(sequence,
            s -> new Retry(s, hasDeadline ? deadlineNanos : nowNanos + BUDGET_WITHOUT_TIMEOUT_NANOS, nowNanos));
        retry.nacks++;
        retry.reason = reason;
        retry.detail = detail;
        retry.resendDue = true;
        retry.resendNanos = nowNanos + delayNanos(retry.nacks);
        retry.timer++;
        return retry;
    }

    /** The retry of {@code sequence}, or null. */
    Retry get(final long sequence)
    {
        return bySequence.get(sequence);
    }

    /** True when the publish {@code sequence} was nacked JOURNAL_UNAVAILABLE and is being retried. */
    boolean contains(final long sequence)
    {
        return !bySequence.isEmpty() && bySequence.containsKey(sequence);
    }

    /** Forgets the retry of {@code sequence} (answered, failed or given up); returns it or null. */
    Retry remove(final long sequence)
    {
        return bySequence.isEmpty() ? null : bySequence.remove(sequence);
    }

    /** A WELCOME sent every unanswered publish again: no retry still has a resend to write. */
    void resentAll()
    {
        for (final Retry retry : bySequence.values())
        {
            retry.resendDue = false;
            retry.resends++;
        }
    }

    /** The session ended: its publishes were all failed. */
    void clear()
    {
        bySequence.clear();
    }

    int size()
    {
        return bySequence.size();
    }
}
