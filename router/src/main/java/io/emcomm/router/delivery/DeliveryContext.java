package io.emcomm.router.delivery;

import io.emcomm.router.terminal.CursorStore;
import io.emcomm.router.counters.RouterCounters;
import io.emcomm.router.journal.Journal;

import java.util.function.LongSupplier;

/**
 * What every {@link DeliveryFeed} shares. {@code publishLock} is the lock the publish path holds from
 * journal append to the end of routing, so that journal order is hand-off order; a feed takes it only once a
 * minute, to move an idle live terminal's cursor over others' traffic ({@code FeedWatchdog}). {@code outbound} is the router-wide memory budget of delivery frames.
 */
public record DeliveryContext(
    Journal journal,
    CursorStore cursors,
    Object publishLock,
    RouterCounters counters,
    LongSupplier clockMicros,
    DeliveryEvents events,
    String routerId,
    int window,
    int inFlightLimit,
    int queueLimit,
    long flashAckTimeoutMicros,
    long slowConsumerDisconnectMicros,
    OutboundBudget outbound)
{
}
