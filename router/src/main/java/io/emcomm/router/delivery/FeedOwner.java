package io.emcomm.router.delivery;

import io.emcomm.router.address.PeerScope;
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

    /**
     * For the session of a peer link (federation, issue 16): which messages cross it. The feed then selects its
     * backlog by the scope's rules instead of a terminal's, skips what came over this link, writes the peer variant of
     * DELIVERY (origin kind and region) and keeps no FLASH deadlines or receipts. Null for a terminal (the default).
     */
    default PeerScope peerScope()
    {
        return null;
    }
}
