package io.emcomm.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A replay or latest-positions query in progress, in one of three shapes: collecting its items (no listener, no
 * handler), streaming them to a {@link DeliveryListener} on the dispatch thread, or streaming them in place to a
 * {@link DeliveryHandler} on the network thread ({@link #inPlace()}). The first two get {@link Delivery} objects on the
 * dispatch thread, in the order they arrived; the third gets the connection's {@link DeliveryView} flyweight and is
 * ended on the network thread too, after its last item.
 */
final class ReplayCall
{
    final CompletableFuture<ReplayResult> future = new CompletableFuture<>();
    private final List<Delivery> items = new ArrayList<>();
    private final DeliveryListener listener;
    private final DeliveryHandler handler;

    ReplayCall(final DeliveryListener listener)
    {
        this(listener, null);
    }

    private ReplayCall(final DeliveryListener listener, final DeliveryHandler handler)
    {
        this.listener = listener;
        this.handler = handler;
    }

    /** A call whose items go to {@code handler} through the flyweight, on the network thread. */
    static ReplayCall inPlace(final DeliveryHandler handler)
    {
        return new ReplayCall(null, handler);
    }

    /** True when items go to a {@link DeliveryHandler} on the network thread, not through the dispatch thread. */
    boolean inPlace()
    {
        return handler != null;
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

    /**
     * Network thread, {@link #inPlace()} calls only: one item through the flyweight. A handler that throws loses
     * only that item (as the live {@link DeliveryHandler} path, which leaves the delivery unacknowledged and goes
     * on): the exception goes to the thread's uncaught exception handler and the replay continues.
     */
    void accept(final DeliveryView item)
    {
        try
        {
            handler.onDelivery(item);
        }
        catch (final RuntimeException | java.lang.Error ex)
        {
            final Thread t = Thread.currentThread();
            t.getUncaughtExceptionHandler().uncaughtException(t, ex);
        }
    }

    /** After the last item: the dispatch thread, or the network thread for an {@link #inPlace()} call. */
    void end(final long count, final long lastIndex, final long damaged)
    {
        future.complete(new ReplayResult(items, count, lastIndex, damaged));
    }
}
