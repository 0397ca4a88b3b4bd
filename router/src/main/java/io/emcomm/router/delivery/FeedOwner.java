package io.emcomm.router.delivery;

import io.emcomm.router.terminal.TerminalIdentity;

/**
 * What a {@link DeliveryFeed} needs from the session it serves: whom it delivers to, and how to end the session
 * when the terminal stops reading. The network layer's session implements it, so delivery does not depend on it.
 * Called on the session's event loop.
 */
public interface FeedOwner
{
    /** The terminal this feed delivers to. */
    TerminalIdentity identity();

    /**
     * Ends the session because it stopped reading for longer than the slow-consumer limit (delivery.md, "Slow
     * consumers"); the error frame is written if the socket takes it, the connection is closed at once.
     */
    void slowConsumer();

    /**
     * Ends the session because it took nothing while the router's memory budget for deliveries ran out and it
     * held the most (delivery.md, "The router-wide memory budget").
     */
    void slowConsumerOverBudget();
}
