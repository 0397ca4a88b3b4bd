package io.emcomm.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Replays and latest-positions queries waiting for their REPLAY_END, by request id.
 *
 * <p>Threads: calls are added under the conductor's lock (request ids grow in the order requests are written) and
 * drained under it when a connection drops or the session ends; the network thread finds and removes them without
 * it, for every REPLAY_ITEM, REPLAY_END and BAD_REPLAY_REQUEST: a concurrent map, so that replay traffic does not
 * take the conductor's monitor. A call is added before its request is written, so its items always find it; a
 * call both answered and drained goes to whichever removes it first, once.
 */
final class ReplayBook
{
    private final Map<Long, ReplayCall> byRequestId = new ConcurrentHashMap<>();

    void add(final long requestId, final ReplayCall call)
    {
        byRequestId.put(requestId, call);
    }

    /** The call that {@code requestId} answers, or null. Any thread, lock-free. */
    ReplayCall get(final long requestId)
    {
        return byRequestId.get(requestId);
    }

    ReplayCall remove(final long requestId)
    {
        return byRequestId.remove(requestId);
    }

    /**
     * The call an ERROR without a request id answers: the router answers a session's requests in order, and
     * request ids grow, so it is the one with the smallest id. Null when none waits.
     */
    ReplayCall removeOldest()
    {
        long oldest = Long.MAX_VALUE;
        for (final Long id : byRequestId.keySet())
        {
            oldest = Math.min(oldest, id);
        }
        return oldest == Long.MAX_VALUE ? null : byRequestId.remove(oldest);
    }

    /** Removes and returns every waiting call (the connection dropped or the client closed). */
    List<ReplayCall> drain()
    {
        final List<Map.Entry<Long, ReplayCall>> waiting = new ArrayList<>(byRequestId.entrySet());
        waiting.sort(Map.Entry.comparingByKey()); // oldest first, as they were sent
        byRequestId.clear();
        final List<ReplayCall> calls = new ArrayList<>(waiting.size());
        waiting.forEach(e -> calls.add(e.getValue()));
        return calls;
    }
}
