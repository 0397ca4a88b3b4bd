package io.emcomm.cli;

import io.emcomm.client.ClientOptions;
import io.emcomm.client.ConnectionState;
import io.emcomm.client.Delivery;
import io.emcomm.client.DeliveryListener;
import io.emcomm.client.EmcommClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A receiving terminal of {@link ClusterChaosTest} on the public client with auto-ack (every delivery is acknowledged
 * as it is handled): it keeps each delivery from the test's publishers with the journal index it came under and the
 * number of the connection it came on (1 for the first login, +1 at every WELCOME after a reconnect), so the test
 * can tell a repeat across a reconnect (allowed, docs/delivery.md) from a repeat on one connection (not allowed).
 */
final class ChaosSubscriber extends ConnectionTrail implements DeliveryListener, AutoCloseable
{
    /** One delivery: the message's id, its journal index, the connection it came on, when (nanoTime). */
    record Received(String id, long journalIndex, int connection, long atNanos)
    {
    }

    private final String origins;
    private final List<Received> received = new ArrayList<>();
    private final Set<String> distinct = new HashSet<>();
    private int connection;
    /** When each connection (by number) was lost, nanoTime. */
    private final Map<Integer, Long> lostAt = new HashMap<>();
    private EmcommClient client;

    /** @param originPrefix deliveries from origins starting with it are kept (the test's publishers), others ignored */
    ChaosSubscriber(final String originPrefix)
    {
        this.origins = originPrefix;
    }

    /** Logs in with {@code options} (to which this adds itself as delivery and connection listener). */
    ChaosSubscriber connect(final ClientOptions.Builder options)
    {
        client = EmcommClient.connect(options.deliveryListener(this).connectionListener(this).build());
        return this;
    }

    EmcommClient client()
    {
        return client;
    }

    String id()
    {
        return client.terminalId();
    }

    @Override
    public synchronized void onDelivery(final Delivery d)
    {
        if (!d.origin().startsWith(origins))
        {
            return;
        }
        final String id = d.messageId();
        received.add(new Received(id, d.journalIndex(), Math.max(1, connection), System.nanoTime()));
        if (distinct.add(id))
        {
            notifyAll();
        }
    }

    @Override
    public synchronized void onStateChange(final ConnectionState state, final Throwable cause)
    {
        // counted here, under this object's lock as deliveries are, on the dispatch thread that also delivers
        if (state == ConnectionState.CONNECTED)
        {
            connection++;
        }
        else if (state == ConnectionState.DISCONNECTED)
        {
            lostAt.putIfAbsent(connection, System.nanoTime());
            lost(cause);
        }
    }

    /**
     * Waits until every message of {@code ids} has arrived at least once.
     *
     * @return the ids still missing at the deadline (empty when all arrived)
     */
    synchronized Set<String> awaitAll(final Set<String> ids, final Duration timeout) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true)
        {
            final Set<String> missing = new HashSet<>(ids);
            missing.removeAll(distinct);
            final long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (missing.isEmpty() || leftMs <= 0)
            {
                return missing;
            }
            wait(leftMs);
        }
    }

    /** How many of {@code ids} arrived at least once. */
    synchronized long receivedOf(final Set<String> ids)
    {
        return ids.stream().filter(distinct::contains).count();
    }

    /** Everything received from the test's publishers, in arrival order. */
    synchronized List<Received> received()
    {
        return List.copyOf(received);
    }

    /** Messages that came more than once on one connection, with how often: each is a broken promise. */
    synchronized Map<String, Integer> repeatsOnOneConnection()
    {
        final Map<String, Integer> times = new HashMap<>();
        for (final Received r : received)
        {
            times.merge(r.id() + " on connection " + r.connection(), 1, Integer::sum);
        }
        times.values().removeIf(n -> n == 1);
        return times;
    }

    /** Deliveries that repeated a message already received on an earlier connection. */
    synchronized long repeatsAcrossReconnects()
    {
        final Map<String, Integer> firstOn = new HashMap<>();
        long repeats = 0;
        for (final Received r : received)
        {
            final Integer first = firstOn.putIfAbsent(r.id(), r.connection());
            if (first != null && first < r.connection())
            {
                repeats++;
            }
        }
        return repeats;
    }

    /**
     * Of the messages repeated across a reconnect, the longest time between a message's first delivery (acknowledged
     * at once) and the loss of the connection it came on, in ms: how far behind the stored cursor was when the node
     * died (docs/cluster.md: cursors are written at most every 50 ms; a record lost with a node means redelivery).
     */
    synchronized long oldestRepeatMs()
    {
        final Map<String, Received> first = new HashMap<>();
        long oldest = 0;
        for (final Received r : received)
        {
            final Received f = first.putIfAbsent(r.id(), r);
            if (f != null && f.connection() < r.connection() && lostAt.containsKey(f.connection()))
            {
                oldest = Math.max(oldest, TimeUnit.NANOSECONDS.toMillis(lostAt.get(f.connection()) - f.atNanos()));
            }
        }
        return oldest;
    }

    @Override
    public void close()
    {
        if (client != null)
        {
            client.close();
        }
    }
}
