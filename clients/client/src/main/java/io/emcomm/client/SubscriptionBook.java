package io.emcomm.client;

import io.emcomm.protocol.wire.ErrorCode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The channel subscriptions a client holds, which it renews after every welcome, and the subscribe calls
 * still waiting for the router's SUBSCRIPTION_ACK (by request id, or for the next welcome when the
 * client is disconnected).
 *
 * <p>Not thread-safe: guarded by the {@link ClientConductor}'s lock.
 */
final class SubscriptionBook
{
    record Call(List<String> addresses, CompletableFuture<Void> future)
    {
        /**
         * Completes the call with the router's SUBSCRIPTION_ACK; a refusal fails it with BAD_ADDRESS_PATTERN and the
         * router's detail; {@code removal} for an UNSUBSCRIBE. Outside the lock.
         */
        void answer(final boolean ok, final String detail, final boolean removal)
        {
            if (ok)
            {
                future.complete(null);
            }
            else
            {
                future.completeExceptionally(new EmcommException("the router refused " + (removal ? "to remove " : "") +
                    "the subscription to " + addresses + ": " + detail, ErrorCode.BAD_ADDRESS_PATTERN, null));
            }
        }
    }

    private final Set<String> addresses = new LinkedHashSet<>();
    private final Map<Long, List<Call>> sent = new HashMap<>();
    private final List<Call> waiting = new ArrayList<>();
    /** UNSUBSCRIBE requests sent and not yet answered; they are not renewed, so they fail on a disconnect. */
    private final Map<Long, Call> removing = new HashMap<>();

    /**
     * Sends {@code call} on {@code link} under the next request id, or keeps it for the next welcome when
     * {@code link} is null; returns the last request id used.
     */
    long subscribe(final Call call, final RouterProxy link, final long lastRequestId)
    {
        if (link == null)
        {
            waitForWelcome(call);
            return lastRequestId;
        }
        final long requestId = lastRequestId + 1;
        sent(requestId, call);
        link.subscribe(requestId, call.addresses(), true);
        return requestId;
    }

    /**
     * After a welcome on {@code link}: renews every address in one SUBSCRIBE under the next request id (not
     * flushed), which also answers every call still open; returns the last request id used.
     */
    long renew(final RouterProxy link, final long lastRequestId)
    {
        final long requestId = lastRequestId + 1;
        final List<String> renewed = renew(requestId);
        if (renewed.isEmpty())
        {
            return lastRequestId;
        }
        link.subscribe(requestId, renewed, false);
        return requestId;
    }

    /** Records a call sent now under {@code requestId}. */
    void sent(final long requestId, final Call call)
    {
        addresses.addAll(call.addresses());
        sent.computeIfAbsent(requestId, id -> new ArrayList<>()).add(call);
    }

    /** Records an unsubscribe call sent now under {@code requestId}: its addresses are no longer renewed. */
    void unsubscribed(final long requestId, final Call call)
    {
        call.addresses().forEach(addresses::remove);
        removing.put(requestId, call);
    }

    /** The router answered an unsubscribe call; null when {@code requestId} is not one. */
    Call answeredUnsubscribe(final long requestId)
    {
        return removing.remove(requestId);
    }

    /** Records a call to be sent with the next welcome. */
    void waitForWelcome(final Call call)
    {
        addresses.addAll(call.addresses());
        waiting.add(call);
    }

    /**
     * After a welcome: every address is subscribed again in one request, which also answers every call
     * still open. Returns the addresses to send, or an empty list when there is nothing to renew.
     */
    List<String> renew(final long requestId)
    {
        if (addresses.isEmpty() && waiting.isEmpty())
        {
            return List.of();
        }
        final List<Call> open = new ArrayList<>(waiting);
        sent.values().forEach(open::addAll);
        sent.clear();
        waiting.clear();
        sent.put(requestId, open);
        return List.copyOf(addresses);
    }

    /**
     * The connection dropped: unanswered subscribe calls wait for the renewal after the next welcome; the
     * unanswered unsubscribe calls are returned, to fail.
     */
    List<Call> disconnected()
    {
        sent.values().forEach(waiting::addAll);
        sent.clear();
        final List<Call> lost = List.copyOf(removing.values());
        removing.clear();
        return lost;
    }

    /** The router answered {@code requestId}; a refusal forgets the refused addresses. Null when unknown. */
    List<Call> answered(final long requestId, final boolean ok)
    {
        final List<Call> calls = sent.remove(requestId);
        if (calls != null && !ok)
        {
            calls.forEach(c -> c.addresses().forEach(addresses::remove));
        }
        return calls;
    }

    /** An ERROR refused a subscription without naming the request: it answers the oldest one sent. */
    List<Call> refuseOldest()
    {
        final Long oldest = sent.keySet().stream().min(Long::compare).orElse(null);
        return oldest == null ? List.of() : answered(oldest, false);
    }

    /** Empties the book (the client is closing) and returns the futures to fail. */
    List<CompletableFuture<?>> drain()
    {
        final List<CompletableFuture<?>> futures = new ArrayList<>();
        sent.values().forEach(calls -> calls.forEach(c -> futures.add(c.future())));
        waiting.forEach(c -> futures.add(c.future()));
        removing.values().forEach(c -> futures.add(c.future()));
        removing.clear();
        sent.clear();
        waiting.clear();
        addresses.clear();
        return futures;
    }
}
