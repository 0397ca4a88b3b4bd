package io.emcomm.client;

import java.util.List;

/**
 * What a dropped connection leaves behind ({@link ClientConductor#linkLost}): whether the router had welcomed it,
 * and the unsubscribe and replay calls that were waiting on it, to fail (the {@link ConnectionSupervisor} words
 * the reason). Subscribe calls are not among them: they wait for the renewal after the next WELCOME.
 */
record LinkLoss(boolean wasWelcomed, List<SubscriptionBook.Call> unsubscribes, List<ReplayCall> replays)
{
}
