package io.emcomm.bench.sut;

import io.emcomm.bench.load.MessageListener;

/**
 * One bench client to connect: who it is and what it wants back.
 *
 * @param id          terminal id (unique per system run).
 * @param region      region code of the terminal (EmComm HELLO; peers use it only for command posts).
 * @param commandPost true for a command post: it receives messages sent up the chain from its subtree.
 * @param inbox       true when the client receives messages addressed to its terminal id.
 * @param persisted   true when publishes must be durable and acknowledged (JetStream, MQTT QoS 1, ...).
 * @param maxInFlight most publishes a client keeps unacknowledged before publish() reports back-pressure.
 * @param listener    receives deliveries.
 * @param ackListener receives acknowledgements of publishes (persisted clients only).
 */
public record ClientSpec(
    String id,
    String region,
    boolean commandPost,
    boolean inbox,
    boolean persisted,
    int maxInFlight,
    MessageListener listener,
    MessageListener ackListener)
{
    public static final int DEFAULT_MAX_IN_FLIGHT = 8192;

    /** A plain publisher in region 52 (Guizhou): receives nothing, publishes not persisted, default window. */
    public static ClientSpec publisher(final String id)
    {
        return new ClientSpec(id, "52", false, false, false, DEFAULT_MAX_IN_FLIGHT, MessageListener.IGNORE,
            MessageListener.IGNORE);
    }

    public static ClientSpec subscriber(final String id, final MessageListener listener)
    {
        return new ClientSpec(id, "52", false, false, false, DEFAULT_MAX_IN_FLIGHT, listener, MessageListener.IGNORE);
    }

    public ClientSpec inRegion(final String code)
    {
        return new ClientSpec(id, code, commandPost, inbox, persisted, maxInFlight, listener, ackListener);
    }

    public ClientSpec asCommandPost()
    {
        return new ClientSpec(id, region, true, inbox, persisted, maxInFlight, listener, ackListener);
    }

    public ClientSpec withInbox()
    {
        return new ClientSpec(id, region, commandPost, true, persisted, maxInFlight, listener, ackListener);
    }

    public ClientSpec persistedWithAcks(final MessageListener acks)
    {
        return new ClientSpec(id, region, commandPost, inbox, true, maxInFlight, listener, acks);
    }
}
