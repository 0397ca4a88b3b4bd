package io.emcomm.bench.scenario;

import io.emcomm.bench.load.LatencySink;
import io.emcomm.bench.load.MessageSource;
import io.emcomm.bench.sut.BenchClient;
import io.emcomm.bench.sut.Destination;

import java.util.ArrayList;
import java.util.List;

/** The clients of one scenario on one system, and the message source the sender drives through them. */
final class Topology implements AutoCloseable
{
    private final List<BenchClient> clients = new ArrayList<>();
    private final List<AutoCloseable> servers = new ArrayList<>();
    MessageSource source;
    int deliveriesPerMessage = 1;
    /**
     * FLASH-marked messages to the same subscriber as {@link #source}, receipts to {@link #flashSink}; null when the
     * scenario measures no FLASH trials (hop1, hop2 do: {@link FlashTrials}).
     */
    MessageSource flash;
    LatencySink flashSink;

    <T extends BenchClient> T add(final T client)
    {
        clients.add(client);
        return client;
    }

    /** Servers started for this topology alone (a federation's routers), closed after its clients. */
    <T extends AutoCloseable> T own(final T server)
    {
        servers.add(server);
        return server;
    }

    @Override
    public void close()
    {
        closeAll(clients);
        closeAll(servers);
    }

    private static void closeAll(final List<? extends AutoCloseable> all)
    {
        for (int i = all.size() - 1; i >= 0; i--)
        {
            try
            {
                all.get(i).close();
            }
            catch (final Exception ignore)
            {
                // closing the rest matters more than why one failed
            }
        }
        all.clear();
    }

    /** Every message from one client to one destination. */
    static MessageSource single(final BenchClient client, final Destination to, final boolean flash)
    {
        return new MessageSource()
        {
            @Override
            public boolean send(final long index, final long intendedNanos)
            {
                return client.publish(to, intendedNanos, flash);
            }

            @Override
            public void flush()
            {
                client.flush();
            }
        };
    }

    /** Message i from client i mod n to that client's own destination; flushes only the clients written to. */
    static MessageSource roundRobin(final BenchClient[] clients, final Destination[] destinations)
    {
        return new MessageSource()
        {
            private final int[] dirty = new int[clients.length];
            private final boolean[] isDirty = new boolean[clients.length];
            private int dirtyCount;

            @Override
            public boolean send(final long index, final long intendedNanos)
            {
                final int i = (int)(index % clients.length);
                if (!clients[i].publish(destinations[i], intendedNanos, false))
                {
                    return false;
                }
                if (!isDirty[i])
                {
                    isDirty[i] = true;
                    dirty[dirtyCount++] = i;
                }
                return true;
            }

            @Override
            public void flush()
            {
                for (int k = 0; k < dirtyCount; k++)
                {
                    final int i = dirty[k];
                    clients[i].flush();
                    isDirty[i] = false;
                }
                dirtyCount = 0;
            }
        };
    }
}
