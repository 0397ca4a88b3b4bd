package io.emcomm.client;

import java.util.List;

/**
 * The router's PUBLISH_ACK: the message is in the journal.
 *
 * @param origin           this terminal's id
 * @param originSequence   the message's sequence number from this terminal
 * @param journalIndex     where the router journaled it; opaque, strictly increasing
 * @param duplicate        the router had journaled this (origin, sequence) before, so this is the original
 *                         index and the message was not routed again (a retry after a reconnect, typically)
 * @param deliveredNow     connected sessions the router handed the message to at once (PUBLISH_ACK
 *                         {@code delivered_now}); 0 for a duplicate, and from a router that does not report it
 * @param unknownTerminals {@code terminal:} destinations naming an id the router has never seen (PUBLISH_ACK
 *                         {@code unknown_terminals}): kept for them, but perhaps a typing error; never null
 */
public record PublishResult(String origin, long originSequence, long journalIndex, boolean duplicate, int deliveredNow,
                            List<String> unknownTerminals)
{
    public PublishResult
    {
        unknownTerminals = unknownTerminals == null ? List.of() : List.copyOf(unknownTerminals);
    }

    /** A result without the delivery report (as from a router that predates it). */
    public PublishResult(final String origin, final long originSequence, final long journalIndex, final boolean duplicate)
    {
        this(origin, originSequence, journalIndex, duplicate, 0, List.of());
    }

    /** The message id as people write it: {@code origin/sequence}. */
    public String messageId()
    {
        return origin + "/" + originSequence;
    }
}
