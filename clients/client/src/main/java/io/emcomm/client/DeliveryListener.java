package io.emcomm.client;

/**
 * Receives the messages the router delivers to this terminal: unicast, channel subscriptions, region and
 * chain-of-command traffic, and receipts.
 *
 * <p>Called on the client's single dispatch thread, one delivery at a time in the order the router sent
 * them, never on the network thread. A slow listener slows only this client: the client stops reading from
 * the socket while too many deliveries wait for it. It may call any {@link EmcommClient} method, including
 * blocking on a publish future.
 */
@FunctionalInterface
public interface DeliveryListener
{
    /**
     * One delivered message. With auto-ack on, the delivery is acknowledged when this method returns
     * normally; if it throws, it is not acknowledged and the router delivers it again after a reconnect.
     */
    void onDelivery(Delivery delivery);
}
