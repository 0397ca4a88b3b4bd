package io.emcomm.cli;

import io.emcomm.client.EmcommClient;
import io.emcomm.client.Message;
import io.emcomm.client.PublishRejectedException;
import io.emcomm.client.PublishResult;
import io.emcomm.protocol.wire.Precedence;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * A terminal of {@link ClusterChaosTest} that publishes a paced stream (the public client, {@link EmcommClient#publish})
 * from a thread of its own, at most {@link #WINDOW} publishes unanswered, and records every outcome: which
 * (origin, sequence) were acknowledged under which journal index, at what precedence, when; how many were nacked (by
 * reason) or timed out. The client's own failover (reconnect, resend of the unacknowledged with their sequence)
 * is what is under test; this class only counts.
 */
final class ChaosPublisher implements AutoCloseable
{
    /** Publishes unanswered at once: enough to have some in flight at every kill, few enough to pace. */
    static final int WINDOW = 16;

    /** One acknowledged publish. */
    record Acked(long sequence, Precedence precedence, long journalIndex, boolean duplicate, long issuedNanos, long ackedNanos)
    {
    }

    private final EmcommClient client;
    private final ConnectionTrail trail;
    private final String[] to;
    private final IntFunction<Precedence> precedence;
    private final long intervalNanos;
    private final Semaphore window = new Semaphore(WINDOW);
    private final Map<Long, Acked> acked = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> refused = new ConcurrentHashMap<>();
    private final AtomicLong offered = new AtomicLong();
    /** The latest issue time among acknowledged publishes: the wait for flowing acks tests this, not the whole map. */
    private long latestIssuedAcked;
    private boolean anyAcked;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param client     the logged-in terminal
     * @param trail      the client's connection listener
     * @param perSecond  the offered rate
     * @param precedence the precedence of the i-th publish (from 0)
     * @param to         the addresses of every publish
     */
    ChaosPublisher(final EmcommClient client, final ConnectionTrail trail, final int perSecond, final IntFunction<Precedence> precedence, final String... to)
    {
        this.client = client;
        this.trail = trail;
        this.to = to.clone();
        this.precedence = precedence;
        this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
        thread = new Thread(this::run, "publish-" + client.terminalId());
        thread.setDaemon(true);
    }

    String id()
    {
        return client.terminalId();
    }

    void start()
    {
        thread.start();
    }

    private void run()
    {
        long next = System.nanoTime();
        for (int i = 0; running; i++)
        {
            try
            {
                while (running && !window.tryAcquire(200, TimeUnit.MILLISECONDS))
                {
                    // the window is full while a node or the journal is down: wait for answers
                }
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            if (!running)
            {
                return;
            }
            final Precedence p = precedence.apply(i);
            final long issued = System.nanoTime();
            offered.incrementAndGet();
            client.publish(Message.text(id() + " chaos " + i).to(to).precedence(p)).whenComplete((r, ex) -> answered(p, issued, r, ex));
            // pacing, not synchronisation: a steady stream whose rate does not depend on how fast acks come back
            next += intervalNanos;
            final long ahead = next - System.nanoTime();
            if (ahead > 0)
            {
                LockSupport.parkNanos(ahead);
            }
            else
            {
                next = System.nanoTime();
            }
        }
    }

    private void answered(final Precedence p, final long issued, final PublishResult r, final Throwable ex)
    {
        window.release();
        if (ex == null)
        {
            acked.put(r.originSequence(), new Acked(r.originSequence(), p, r.journalIndex(), r.duplicate(), issued, System.nanoTime()));
            synchronized (this)
            {
                latestIssuedAcked = anyAcked && latestIssuedAcked - issued > 0 ? latestIssuedAcked : issued;
                anyAcked = true;
                notifyAll();
            }
            return;
        }
        final Throwable cause = ex instanceof java.util.concurrent.CompletionException && ex.getCause() != null ? ex.getCause() : ex;
        final String why = cause instanceof PublishRejectedException nack ? "nack " + nack.reason()
            : cause instanceof TimeoutException ? "timeout" : cause.getClass().getSimpleName();
        refused.computeIfAbsent(why, k -> new AtomicLong()).incrementAndGet();
    }

    /**
     * Waits until a publish issued after {@code sinceNanos} has been acknowledged and returns when that first
     * happened (the acks of this terminal flow again).
     *
     * @throws AssertionError after {@code timeout}
     */
    long awaitAckIssuedAfter(final long sinceNanos, final Duration timeout) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this)
        {
            while (true)
            {
                if (anyAcked && latestIssuedAcked - sinceNanos > 0)
                {
                    return firstAckIssuedAfter(sinceNanos);
                }
                final long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (leftMs <= 0)
                {
                    throw new AssertionError(id() + ": no publish issued after the kill was acknowledged within "
                        + timeout.toSeconds() + " s; refused so far " + refused() + ", state " + client.state());
                }
                wait(leftMs);
            }
        }
    }

    private long firstAckIssuedAfter(final long sinceNanos)
    {
        long first = Long.MAX_VALUE;
        for (final Acked a : acked.values())
        {
            if (a.issuedNanos() > sinceNanos && a.ackedNanos() < first)
            {
                first = a.ackedNanos();
            }
        }
        return first;
    }

    /** Stops publishing and waits until every publish made has its answer (ack, nack or timeout). */
    void stopAndAwaitAnswers(final Duration timeout) throws InterruptedException
    {
        running = false;
        thread.join(timeout.toMillis());
        if (!window.tryAcquire(WINDOW, timeout.toMillis(), TimeUnit.MILLISECONDS))
        {
            throw new AssertionError(id() + ": " + (WINDOW - window.availablePermits()) + " publishes still unanswered after "
                + timeout.toSeconds() + " s");
        }
        window.release(WINDOW);
    }

    /** The acknowledged publishes by origin sequence. */
    Map<Long, Acked> acked()
    {
        return new TreeMap<>(acked);
    }

    ConnectionTrail trail()
    {
        return trail;
    }

    long offered()
    {
        return offered.get();
    }

    /** Publishes not acknowledged, by why ("nack JOURNAL_UNAVAILABLE", "timeout", ...). */
    Map<String, Long> refused()
    {
        final Map<String, Long> m = new TreeMap<>();
        refused.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    @Override
    public void close()
    {
        running = false;
        client.close();
    }
}
