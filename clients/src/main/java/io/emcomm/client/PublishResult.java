package io.emcomm.client;

/**
 * The router's PUBLISH_ACK: the message is in the journal.
 *
 * @param origin         this terminal's id
 * @param originSequence the message's sequence number from this terminal
 * @param journalIndex   where the router journaled it; opaque, strictly increasing
 * @param duplicate      the router had journaled this (origin, sequence) before, so this is the original
 *                       index and the message was not routed again (a retry after a reconnect, typically)
 */
public record PublishResult(String origin, long originSequence, long journalIndex, boolean duplicate)
{
    /** The message id as people write it: {@code origin/sequence}. */
    public String messageId()
    {
        return origin + "/" + originSequence;
    }
}
