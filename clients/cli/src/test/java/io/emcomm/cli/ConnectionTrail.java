package io.emcomm.cli;

import io.emcomm.client.ConnectionListener;
import io.emcomm.client.ConnectionState;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * The routers a terminal of {@link ClusterChaosTest} was welcomed by, in order ({@link ConnectionListener#onConnected}):
 * evidence of failover for the test log. Called on the client's dispatch thread, read by the test thread.
 */
class ConnectionTrail implements ConnectionListener
{
    private final List<Integer> ports = new ArrayList<>();
    private final Map<String, Integer> losses = new TreeMap<>();

    @Override
    public void onStateChange(final ConnectionState state, final Throwable cause)
    {
        if (state == ConnectionState.DISCONNECTED)
        {
            lost(cause);
        }
    }

    /** Why connections were lost, with how often: a node killed reads "Connection reset" or "closed by the router". */
    synchronized Map<String, Integer> losses()
    {
        return new TreeMap<>(losses);
    }

    void lost(final Throwable cause)
    {
        final String why = cause == null ? "no cause" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        synchronized (this)
        {
            losses.merge(why, 1, Integer::sum);
        }
    }

    @Override
    public synchronized void onConnected(final InetSocketAddress router)
    {
        ports.add(router.getPort());
    }

    /** The port of the router that welcomed the client last, -1 before the first WELCOME. */
    synchronized int lastPort()
    {
        return ports.isEmpty() ? -1 : ports.get(ports.size() - 1);
    }

    /** How many times the client was welcomed (1 when it never reconnected). */
    synchronized int connections()
    {
        return ports.size();
    }

    /** "node-1 > node-2 > ...": the nodes welcomed in order, named by {@code nameOfPort}. */
    synchronized String describe(final IntFunction<String> nameOfPort)
    {
        return String.join(" > ", ports.stream().map(nameOfPort::apply).toList());
    }
}
