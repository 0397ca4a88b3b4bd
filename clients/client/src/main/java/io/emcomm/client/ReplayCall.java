package io.emcomm.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A replay or latest-positions query in progress. Items are collected, or streamed to a listener, on the
 * dispatch thread only, in the order they arrived.
 */
final class ReplayCall
{
    final CompletableFuture<ReplayResult> future = new CompletableFuture<>();
    private final List<Delivery> items = new ArrayList<>();
    private final DeliveryListener listener;

    ReplayCall(final DeliveryListener listener)
    {
        this.listener = listener;
    }

    /** Dispatch thread. */
    void accept(final Delivery item)
    {
        if (listener == null)
        {
            items.add(item);
        }
        else
        {
            Dispatcher.deliver(listener, item);
        }
    }

    /** Dispatch thread, after the last item. */
    void end(final long count, final long lastIndex, final long damaged)
    {
        future.complete(new ReplayResult(items, count, lastIndex, damaged));
    }
}
