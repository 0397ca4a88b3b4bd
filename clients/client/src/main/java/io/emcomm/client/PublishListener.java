package io.emcomm.client;

/**
 * Told the outcome of every publish made with a {@link Publisher} (Aeron and nats.java style: one callback
 * registered once, {@link ClientOptions.Builder#publishListener}, instead of a future per message).
 *
 * <p>Called on the client's network thread for answers from the router (keep it short, never block), or on the
 * thread closing the client for publishes still waiting then. Each offered sequence gets exactly one call.
 * Publishes made with {@link EmcommClient#publish} complete their future instead and are not reported here.
 */
public interface PublishListener
{
    /** A listener that ignores every outcome. */
    PublishListener NONE = new PublishListener()
    {
        @Override
        public void onAcknowledged(final long originSequence, final long journalIndex, final boolean duplicate)
        {
        }

        @Override
        public void onFailed(final long originSequence, final Exception cause)
        {
        }
    };

    /**
     * The router journaled the publish (PUBLISH_ACK, protocol.md §4.2).
     *
     * @param originSequence the sequence {@link Publisher#offer} returned
     * @param journalIndex   its index in the router's journal
     * @param duplicate      true when this was a resend the router had already journaled (the original index)
     */
    void onAcknowledged(long originSequence, long journalIndex, boolean duplicate);

    /**
     * No acknowledgement will come for the publish. Whether it was journaled depends on the cause:
     * <ul>
     * <li>{@link PublishRejectedException} (a PUBLISH_NACK of any reason but {@code JOURNAL_UNAVAILABLE}) and
     * {@link EmcommException} with code
     * {@code FRAME_TOO_LARGE} (a router welcomed later accepts smaller frames): it was not journaled;</li>
     * <li>{@link PublishRejectedException} with reason {@code JOURNAL_UNAVAILABLE} (reported only once its resends
     * with the same sequence were still nacked at the request timeout), {@link java.util.concurrent.TimeoutException}
     * (no answer within the request timeout, across reconnects) and
     * {@link EmcommException} for a session that ended first: <b>unknown</b> - the router may have journaled and
     * delivered it. Sending the content again as a new publish may deliver it twice (a new origin sequence is not
     * deduplicated); check with a replay of this origin first if that matters.</li>
     * </ul>
     */
    void onFailed(long originSequence, Exception cause);
}
