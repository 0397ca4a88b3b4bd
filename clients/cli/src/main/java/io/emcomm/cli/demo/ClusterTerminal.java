package io.emcomm.cli.demo;

import io.emcomm.client.ClientOptions;
import io.emcomm.client.EmcommClient;
import io.emcomm.client.EmcommException;

import java.time.Duration;
import java.util.List;

/**
 * One terminal of {@code emcomm demo --cluster}: a real client over TCP, the router nodes it may use in order (its
 * own node first, then the others), and the node it is on now. When its node dies it moves to the next node of its
 * list that is up ({@link #failOver}); its cursor, acks and subscriptions are in the cluster, so it resumes there.
 *
 * <p>Not thread-safe: the scenario thread drives it; its deliveries go to the {@link Tally} on the client's thread.
 */
final class ClusterTerminal implements AutoCloseable
{
    private final Roster.Member member;
    private final List<RouterNodes.Node> order;
    private final Tally tally;
    private EmcommClient client;
    private RouterNodes.Node node;

    /**
     * @param member the terminal
     * @param order  the nodes it may use, its own first
     * @param tally  where its deliveries are counted
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

    /** The node it is logged in to now (or was, while it moves). */
    String node()
    {
        return node.id();
    }

    EmcommClient client()
    {
        return client;
    }

    /** Logs in to the first node of its list that is up and subscribes to its channels. */
    void connect() throws InterruptedException
    {
        for (final RouterNodes.Node n : order)
        {
            if (n.isAlive())
            {
                connect(n);
                return;
            }
        }
        throw new Demo.DemoException(member.id() + ": none of its nodes is up");
    }

    /**
     * Its node is gone: leaves the dead connection and logs in to the next node of its list that is up, which
     * resumes it from the cursor the cluster keeps (what it missed meanwhile is caught up from the journal).
     *
     * @return the node it moved to
     */
    String failOver() throws InterruptedException
    {
        final RouterNodes.Node from = node;
        client.close();
        final int at = order.indexOf(from);
        for (int i = 1; i < order.size(); i++)
        {
            final RouterNodes.Node next = order.get((at + i) % order.size());
            if (next.isAlive())
            {
                connect(next);
                return next.id();
            }
        }
        throw new Demo.DemoException(member.id() + ": no other node is up to fail over to");
    }

    private void connect(final RouterNodes.Node to) throws InterruptedException
    {
        final ClientOptions options = ClientOptions.builder()
            .router("127.0.0.1", to.port())
            .terminal(member.id(), member.kind(), member.region())
            .linkProfile(member.linkProfile())
            .requestTimeout(Demo.ACK_WAIT)
            .reconnectBackoff(Duration.ofMillis(50), Duration.ofSeconds(1))
            .clientName("emcomm-demo")
            .deliveryListener(d -> tally.onDelivery(member.id(), d))
            .build();
        try
        {
            client = EmcommClient.connect(options);
        }
        catch (final EmcommException ex)
        {
            throw new Demo.DemoException(member.id() + " could not log in to " + to.id() + ": " + ex.getMessage());
        }
        node = to;
        if (!member.channels().isEmpty())
        {
            Demo.await(client.subscribe(member.channels().toArray(String[]::new)), member.id() + " subscribing");
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
