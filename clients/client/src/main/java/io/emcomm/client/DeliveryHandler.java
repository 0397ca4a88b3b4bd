package io.emcomm.client;

/**
 * The low-level receive path (Aeron's {@code FragmentHandler}): called for every DELIVERY with a flyweight over the
 * frame as it arrived, on the client's network thread, without a lock and without allocating.
 *
 * <p>The {@link DeliveryView} and the buffer it exposes are valid only during the call; copy out what must outlive
 * it. Do not block and do not wait for a publish future here: the same thread reads every connection of the client
 * (and of other clients in the process sharing the network threads). Use {@link DeliveryListener} for user code
 * that may block: it runs on a dispatch thread of its own.
 *
 * <p>With auto-ack on, a delivery is acknowledged when this method returns normally, batched into one DELIVERY_ACK
 * frame per read from the socket (protocol.md §7: cumulative when the router's WELCOME offers it, one per journal
 * index otherwise). If it throws, the delivery is not acknowledged and the router delivers it again after a
 * reconnect; the exception goes to the thread's uncaught exception handler.
 *
 * <p>When both a handler and a {@link DeliveryListener} are configured, the handler receives deliveries and the
 * listener only replay items it was given for.
 */
@FunctionalInterface
public interface DeliveryHandler
{
    /** One DELIVERY frame, valid for the duration of the call. */
    void onDelivery(DeliveryView delivery);
}
