package io.emcomm.router.sequence;

/**
 * Where the answer to a publish goes when it is not known before {@link Sequencer#publish} returns (an ordered log:
 * the record is answered once this node applied it, {@link OrderedLog}). The network layer implements it per
 * connection and writes the PUBLISH_ACK or PUBLISH_NACK on the connection's own event loop.
 */
@FunctionalInterface
public interface PublishAnswers
{
    /**
     * The outcome of a publish that was answered {@link PublishOutcome#pending() pending}.
     *
     * @param outcome a fresh instance owned by the receiver (not the per-thread one); accepted or refused
     *                (protocol.md 4.2, 4.3). Called on the apply thread or a log's I/O thread: must not block.
     */
    void answer(PublishOutcome outcome);

    /** Drops answers: for callers that do not wait for a pending publish (tests of the inline path). */
    PublishAnswers NONE = outcome ->
    {
    };
}
