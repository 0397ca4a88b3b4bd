package io.emcomm.router.net;

import io.emcomm.router.counters.RouterCounters;
import io.emcomm.router.config.JournalSync;
import io.emcomm.router.terminal.CursorStore;
import io.emcomm.router.delivery.DeliveryContext;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.journal.Journal;
import io.emcomm.router.journal.DedupeWindows;
import io.emcomm.router.link.PeerLinks;
import io.emcomm.router.route.RoutingTable;
import io.emcomm.router.sequence.Sequencer;
import io.emcomm.router.security.AccessControl;

import java.util.function.LongSupplier;

/**
 * The shared parts every connection handler works with: configuration, journal, dedupe windows, routing table,
 * sequencer, counters, the router's clock (microseconds since the epoch), cursor store, delivery settings, access
 * control, the intake governor (precedence under overload) and the router's side of the federation ({@code links},
 * null when the router takes no peer links: a HELLO of kind ROUTER is then refused). Immutable; built once by the
 * router; any thread.
 */
public record RouterContext(RouterConfig config, Journal journal, DedupeWindows origins, RoutingTable table,
    Sequencer sequencer, RouterCounters counters, LongSupplier clock, CursorStore cursors, DeliveryContext delivery,
    AccessControl accessControl, IntakeGovernor intake, PeerLinks links)
{
    /** The router's parts, with an intake governor made from {@code config} on the monotonic clock and no peer links. */
    public RouterContext(final RouterConfig config, final Journal journal, final DedupeWindows origins,
        final RoutingTable table, final Sequencer sequencer, final RouterCounters counters, final LongSupplier clock,
        final CursorStore cursors, final DeliveryContext delivery, final AccessControl accessControl)
    {
        this(config, journal, origins, table, sequencer, counters, clock, cursors, delivery, accessControl, (PeerLinks)null);
    }

    /** The router's parts, with an intake governor made from {@code config} on the monotonic clock. */
    public RouterContext(final RouterConfig config, final Journal journal, final DedupeWindows origins,
        final RoutingTable table, final Sequencer sequencer, final RouterCounters counters, final LongSupplier clock,
        final CursorStore cursors, final DeliveryContext delivery, final AccessControl accessControl, final PeerLinks links)
    {
        this(config, journal, origins, table, sequencer, counters, clock, cursors, delivery, accessControl,
            IntakeGovernor.fromNanoTime(config.intakeLagMs(), config.intakePauseMaxMs()), links);
    }

    /** The router's clock, in microseconds since the Unix epoch (what HEARTBEATs and envelopes carry). */
    public long clockMicros()
    {
        return clock.getAsLong();
    }

    /** {@code emcomm.journal.sync=batch}: sync the journal at the end of every read batch. */
    public boolean syncEachBatch()
    {
        return config.journalSync() == JournalSync.BATCH;
    }
}
