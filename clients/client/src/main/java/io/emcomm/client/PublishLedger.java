package io.emcomm.client;

import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.PublishAck;
import io.emcomm.protocol.wire.PublishNack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * Publishes the router has not answered yet, by origin sequence. Kept across reconnects so that each is
 * sent again with its sequence; insertion order is sequence order, and (with one request timeout for all)
 * deadline order too, so expiry looks only at the head.
 *
 * <p>Not thread-safe: guarded by the {@link ClientConductor}'s lock.
 */
final class PublishLedger
{
    record Pending(Envelope envelope, CompletableFuture<PublishResult> future, long deadlineNanos)
    {
        /** Completes the future with the router's PUBLISH_ACK. Outside the conductor's lock. */
        void acknowledged(final PublishAck ack)
        {
            future.complete(new PublishResult(ack.getOrigin(), ack.getOriginSequence(), ack.getJournalIndex(),
                ack.getDuplicate(), ack.getDeliveredNow(), ack.getUnknownTerminalsList()));
        }

        /** Fails the future: no answer within the request timeout. Outside the conductor's lock. */
        void expired(final String origin, final Duration timeout)
        {
            future.completeExceptionally(new TimeoutException("no acknowledgement for " + origin + "/" +
                envelope.getOriginSequence() + " within " + timeout.toMillis() + " ms"));
        }

        /** Fails the future with the router's PUBLISH_NACK. Outside the conductor's lock. */
        void rejected(final PublishNack nack)
        {
            future.completeExceptionally(new PublishRejectedException(nack.getReason(), nack.getDetail(), envelope.getOriginSequence()));
        }
    }

    private final LinkedHashMap<Long, Pending> bySequence = new LinkedHashMap<>();

    int size()
    {
        return bySequence.size();
    }

    void add(final Envelope envelope, final CompletableFuture<PublishResult> future, final long deadlineNanos)
    {
        bySequence.put(envelope.getOriginSequence(), new Pending(envelope, future, deadlineNanos));
    }

    /** Everything unanswered, in sequence order: what to send again after a welcome. */
    Collection<Pending> unanswered()
    {
        return bySequence.values();
    }

    Pending remove(final long originSequence)
    {
        return bySequence.remove(originSequence);
    }

    /**
     * The publish a nack without a sequence answers. The router sends one in reply to an envelope it could
     * not read, and answers a session's publishes in order, so it is the oldest still waiting.
     */
    Pending removeOldest()
    {
        final Iterator<Pending> it = bySequence.values().iterator();
        if (!it.hasNext())
        {
            return null;
        }
        final Pending oldest = it.next();
        it.remove();
        return oldest;
    }

    /** Removes and returns the publishes whose deadline has passed; empty when none. */
    List<Pending> expire(final long nowNanos)
    {
        List<Pending> expired = List.of();
        final Iterator<Pending> it = bySequence.values().iterator();
        while (it.hasNext())
        {
            final Pending p = it.next();
            if (nowNanos - p.deadlineNanos() < 0)
            {
                break;
            }
            it.remove();
            if (expired.isEmpty())
            {
                expired = new ArrayList<>();
            }
            expired.add(p);
        }
        return expired;
    }

    /**
     * Removes and returns the publishes whose envelope is longer than {@code maxEnvelopeBytes} (a router with
     * a smaller frame limit than the one they were accepted under); empty when none.
     */
    List<Pending> removeLargerThan(final int maxEnvelopeBytes)
    {
        List<Pending> removed = List.of();
        final Iterator<Pending> it = bySequence.values().iterator();
        while (it.hasNext())
        {
            final Pending p = it.next();
            if (p.envelope().getSerializedSize() > maxEnvelopeBytes)
            {
                it.remove();
                if (removed.isEmpty())
                {
                    removed = new ArrayList<>();
                }
                removed.add(p);
            }
        }
        return removed;
    }

    /** Empties the ledger (the client is closing) and returns the futures to fail. */
    List<CompletableFuture<?>> drain()
    {
        final List<CompletableFuture<?>> futures = new ArrayList<>(bySequence.size());
        bySequence.values().forEach(p -> futures.add(p.future()));
        bySequence.clear();
        return futures;
    }
}
