package io.emcomm.bench.load;

/**
 * Called for every message a bench client receives (a delivery, a reply, or a publish acknowledgement),
 * on whatever thread the client library delivers on. Implementations must be thread-safe and cheap.
 */
@FunctionalInterface
public interface MessageListener
{
    MessageListener IGNORE = (stampNanos, flash) -> {};

    /**
     * @param stampNanos the intended send time carried in the payload (System.nanoTime of the harness).
     * @param flash      true when the payload is marked FLASH.
     */
    void onMessage(long stampNanos, boolean flash);
}
