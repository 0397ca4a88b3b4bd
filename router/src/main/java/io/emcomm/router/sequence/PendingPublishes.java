package io.emcomm.router.sequence;

import io.emcomm.router.session.Session;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The publishes of this node offered to the {@link OrderedLog} and not answered yet, by token. An entry leaves when
 * the apply thread reaches its record, or when the log reports that the record failed; whichever comes first
 * answers the publisher ({@link PublishAnswers}). Any thread.
 */
final class PendingPublishes
{
    /** A publisher waiting for its record. */
    record Waiter(Session session, PublishAnswers answers, long sequence, String[] unknownTerminals, int unknownCount,
        int precedence)
    {
    }

    private final ConcurrentHashMap<Long, Waiter> waiting = new ConcurrentHashMap<>();
    private final AtomicLong tokens = new AtomicLong();

    /** Registers a waiter; @return its token (positive) */
    long add(final Waiter waiter)
    {
        final long token = tokens.incrementAndGet();
        waiting.put(token, waiter);
        return token;
    }

    /** @return the waiter of {@code token} (removed), or null when it was answered already or is not this node's */
    Waiter take(final long token)
    {
        return token <= 0 ? null : waiting.remove(token);
    }

    /** @return publishes waiting now */
    int size()
    {
        return waiting.size();
    }
}
