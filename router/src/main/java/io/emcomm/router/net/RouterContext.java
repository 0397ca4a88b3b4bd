package io.emcomm.router.net;

import io.emcomm.router.RouterCounters;
import io.emcomm.router.config.JournalSync;
import io.emcomm.router.delivery.CursorStore;
import io.emcomm.router.delivery.DeliveryContext;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.journal.Journal;
import io.emcomm.router.journal.OriginRegistry;
import io.emcomm.router.route.RoutingTable;
import io.emcomm.router.route.Switchboard;
import io.emcomm.router.security.Gatekeeper;

import java.util.function.LongSupplier;

/** The shared parts every connection handler works with. Immutable; built once by the router. */
public record RouterContext(RouterConfig config, Journal journal, OriginRegistry origins, RoutingTable table,
    Switchboard switchboard, RouterCounters counters, LongSupplier clock, CursorStore cursors, DeliveryContext delivery,
    Gatekeeper gatekeeper)
{
    public long clockMicros()
    {
        return clock.getAsLong();
    }

    boolean syncEachBatch()
    {
        return config.journalSync() == JournalSync.BATCH;
    }
}
