package io.emcomm.cli.demo;

import io.emcomm.client.ClientOptions;
import io.emcomm.client.ConnectionListener;
import io.emcomm.client.ConnectionState;
import io.emcomm.client.EmcommClient;
import io.emcomm.client.EmcommException;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One terminal of {@code emcomm demo --cluster}: a real client over TCP given the router nodes of the site in its
 * order (its own node first, then the others: {@link ClientOptions.Builder#routers}), so that when its node dies the
 * client itself goes on to the next node; its cursor, acks and subscriptions are in the cluster, so it resumes there.
 * The terminal notes where it is from the client's {@link ConnectionListener#onConnected} and, once told its node was
 * killed ({@link #nodeKilled}), prints its move in the live log and completes {@link #awaitMove}.
 *
 * <p>Thread-safety: the scenario thread drives it; the client's dispatch thread reports its connections.
 */
final class ClusterTerminal implements AutoCloseable
{
    private final Roster.Member member;
    private final List<RouterNodes.Node> order;
    private final Tally tally;
    private final CompletableFuture<String> moved = new CompletableFuture<>();
    private EmcommClient client;
    private volatile RouterNodes.Node node;
    /** System.nanoTime() of its node's SIGKILL; 0 while its node lives. */
    private volatile long killedAt;

    /**
     * @param member the terminal
     * @param order  the nodes it may use, its own first
     * @param tally  where its deliveries are counted and its move printed
     */
    ClusterTerminal(final Roster.Member member, final List<RouterNodes.Node> order, final Tally tally)
    {
        this.member = member;
        this.order = List.copyOf(order);
        this.tally = tally;
    }

    Roster.Member member()
    {
        return member;
    }

    /** The nodes it may use, its own first. */
    List<RouterNodes.Node> order()
    {
        return order;
    }

    /** The node it is logged in to now (or was last, while it moves). */
    String node()
    {
        return node.id();
    }

    EmcommClient client()
    {
        return client;
    }

    /** Logs in to the first node of its list that welcomes it and subscribes to its channels. */
    void connect() throws InterruptedException
    {
        final ClientOptions options = ClientOptions.builder()
            .routers(order.stream().map(n -> new InetSocketAddress("127.0.0.1", n.port())).toList())
            .terminal(member.id(), member.kind(), member.region())
            .linkProfile(member.linkProfile())
            .requestTimeout(Demo.ACK_WAIT)
            .reconnectBackoff(Duration.ofMillis(50), Duration.ofSeconds(1))
            .clientName("emcomm-demo")
            .deliveryListener(d -> tally.onDelivery(member.id(), d))
            .connectionListener(new ConnectionListener()
            {
                @Override
                public void onStateChange(final ConnectionState state, final Throwable cause)
                {
                    // where it is comes with onConnected; a loss is news only through the move it causes
                }

                @Override
                public void onConnected(final InetSocketAddress router)
                {
                    connected(router);
                }
            })
            .build();
        try
        {
            client = EmcommClient.connect(options);
        }
        catch (final EmcommException ex)
        {
            throw new Demo.DemoException(member.id() + " could not log in: " + ex.getMessage());
        }
        connected(client.connectedRouter());
        if (!member.channels().isEmpty())
        {
            Demo.await(client.subscribe(member.channels().toArray(String[]::new)), member.id() + " subscribing");
        }
    }

    /** Its node was killed at {@code atNanos} (System.nanoTime()): its next login elsewhere is a failover. */
    void nodeKilled(final long atNanos)
    {
        killedAt = atNanos;
    }

    /**
     * Waits until the client has logged in to another node after {@link #nodeKilled}.
     *
     * @return the node it moved to and how long after the kill, e.g. "node-3 (0.21 s after the SIGKILL)"
     * @throws Demo.DemoException when it did not move within {@code timeout}
     */
    String awaitMove(final Duration timeout) throws InterruptedException
    {
        try
        {
            return moved.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            throw new Demo.DemoException(member.id() + " did not fail over to another node within " + timeout.toSeconds() + " s");
        }
    }

    /** On the client's dispatch thread, or the scenario's after the first connect: where it is now. */
    private synchronized void connected(final InetSocketAddress router)
    {
        if (router == null)
        {
            return;
        }
        final RouterNodes.Node from = node;
        for (final RouterNodes.Node n : order)
        {
            if (n.port() == router.getPort())
            {
                node = n;
            }
        }
        final long killed = killedAt;
        if (killed != 0 && from != null && node != from && !moved.isDone())
        {
            final String move = String.format(Locale.ROOT, "%s (%.2f s after the SIGKILL)", node.id(),
                (System.nanoTime() - killed) / 1e9);
            tally.note(String.format(Locale.ROOT, "%-13s fails over: %s -> %s", member.id(), from.id(), move));
            moved.complete(move);
        }
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
