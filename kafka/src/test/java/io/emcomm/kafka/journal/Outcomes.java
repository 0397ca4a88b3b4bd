package io.emcomm.kafka.journal;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** A {@link JournalProducer.Completion} that remembers every outcome by token, and waits for them. */
final class Outcomes implements JournalProducer.Completion
{
    private final Map<Long, Long> committed = new HashMap<>();
    private final Map<Long, String> failed = new HashMap<>();

    @Override
    public synchronized void committed(final long token, final long offset)
    {
        if (committed.put(token, offset) != null || failed.containsKey(token))
        {
            fail("a second outcome for token " + token);
        }
        notifyAll();
    }

    @Override
    public synchronized void failed(final long token, final String detail)
    {
        if (failed.put(token, detail) != null || committed.containsKey(token))
        {
            fail("a second outcome for token " + token);
        }
        notifyAll();
    }

    /** Waits until {@code token} has an outcome. @return true when committed */
    synchronized boolean await(final long token, final long timeoutSeconds) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!committed.containsKey(token) && !failed.containsKey(token))
        {
            final long left = deadline - System.nanoTime();
            assertTrue(left > 0, "no outcome for token " + token + " within " + timeoutSeconds + " s");
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return committed.containsKey(token);
    }

    synchronized long offset(final long token)
    {
        return committed.get(token);
    }

    synchronized String failure(final long token)
    {
        return failed.get(token);
    }

    synchronized Map<Long, Long> committed()
    {
        return new HashMap<>(committed);
    }
}
