package io.emcomm.router.sequence;

import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.protocol.region.RegionCode;
import io.emcomm.router.address.Destination;
import io.emcomm.router.address.DestinationCache;
import io.emcomm.router.address.PeerScope;
import io.emcomm.router.counters.RouterCounters;
import io.emcomm.router.journal.DedupeWindow;
import io.emcomm.router.journal.DedupeWindows;
import io.emcomm.router.journal.Journal;
import io.emcomm.router.route.RoutingTable;
import io.emcomm.router.session.Session;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.function.LongSupplier;

/**
 * The import of a message a peer router forwarded ({@link Sequencer#importDelivery}; federation, issue 16), in this
 * order:
 * <ol>
 *   <li><b>Well formed</b>: the envelope's header parses, it has an origin, an origin_sequence of 1 or more and at
 *       least one destination, every one of which parses. Otherwise REFUSED (the peer's router accepted it, so this
 *       is a bug or an attack, not a user's mistake).</li>
 *   <li><b>Not this router's own</b>: a message with this router's id as its origin never comes back over a link
 *       (it is never sent back to its ingress), so one that does is forged or looped: REFUSED, from either side.</li>
 *   <li><b>Authority</b> (issue 16 item 5), for a link to a <i>child</i> only: the origin region must be non-empty and
 *       lie in the child's region, and when the terminal registry lists the origin id its registered region must lie
 *       there too. Otherwise REFUSED. What comes from the parent is trusted; the access policy applied where the
 *       message entered and is not applied again.</li>
 *   <li><b>Dedupe</b> by (origin, origin_sequence) in the {@link DedupeWindows} local publishes use, under the publish
 *       lock: a message seen before is a DUPLICATE (the link dropped mid-batch and sent again, or it arrived over
 *       another path). A sequence older than the origin's window ({@link DedupeWindow#STALE}, possible when FLASH
 *       overtook more than {@value DedupeWindow#WINDOW} ROUTINE of one origin on the link) cannot be told apart and
 *       is journaled anyway: across a link a rare duplicate beats a loss. It is not recorded in the window, where
 *       it would push out a newer sequence.</li>
 *   <li><b>Expiry</b>: an expired message is not journaled (EXPIRED, counted as expired).</li>
 *   <li><b>Journal and route</b>: the envelope bytes as received, with the original origin kind and region and the
 *       ingress = the peer's router id; then routed to local sessions and other links, never back to the peer and,
 *       as for a local publish, not to a session of the origin itself unless addressed {@code terminal:} to it.</li>
 * </ol>
 * A refusal is counted and journaled as a security event on {@link Sequencer#SECURITY_EVENTS}, as a refused local
 * publish is. Every outcome but UNAVAILABLE (the journal failed) is acknowledged to the peer.
 *
 * <p>Threading: the peer link's event loop; the per-thread state is this class's own.
 */
final class PeerImport
{
    private static final class PerThread
    {
        final EnvelopeHeader header = new EnvelopeHeader();
        final Destination[] destinations = new Destination[EnvelopeHeader.MAX_DESTINATIONS];
        final ImportOutcome outcome = new ImportOutcome();
        /** The window of the last origin imported on this thread: a link carries runs from one origin. */
        DedupeWindow lastOrigin;
        /** Whose windows {@link #lastOrigin} is one of: several routers may run in one JVM (tests). */
        DedupeWindows lastOrigins;
    }

    private static final FastThreadLocal<PerThread> PER_THREAD = new FastThreadLocal<>()
    {
        @Override
        protected PerThread initialValue()
        {
            return new PerThread();
        }
    };

    private final Sequencer sequencer;
    private final Fanout fanout;
    private final Journal journal;
    private final RoutingTable table;
    private final RouterCounters counters;
    private final LongSupplier clockMicros;
    private final DedupeWindows origins;
    private final RegisteredRegions registered;
    /** An import not journaled for {@code detail}: the calling thread's outcome, UNAVAILABLE (not acknowledged). */
    ImportOutcome unavailable(final String detail)
    {
        return PER_THREAD.get().outcome.set(ImportOutcome.Kind.UNAVAILABLE, -1, 0, detail);
    }

    /** This router's own id: nothing of its own ever comes back over a link, so such a message is forged or looped. */
    private final String routerId;

    PeerImport(final Sequencer sequencer, final Fanout fanout, final Journal journal, final RoutingTable table, final RouterCounters counters,
        final LongSupplier clockMicros, final DedupeWindows origins, final RegisteredRegions registered, final String routerId)
    {
        this.routerId = routerId;
        this.sequencer = sequencer;
        this.fanout = fanout;
        this.journal = journal;
        this.table = table;
        this.counters = counters;
        this.clockMicros = clockMicros;
        this.origins = origins;
        this.registered = registered;
    }

    ImportOutcome importDelivery(final Session peer, final ByteBuf buf, final int offset, final int length,
        final int originKind, final String originRegion)
    {
        final PeerScope scope = peer.peerScope();
        if (scope == null)
        {
            throw new IllegalArgumentException(peer + " is not a peer link's session");
        }
        final PerThread t = PER_THREAD.get();
        final ImportOutcome out = t.outcome;
        final EnvelopeHeader header = t.header;
        if (!header.wrap(buf, offset, length))
        {
            return refuse(out, scope, "an envelope that does not parse (" + header.problem() + ")");
        }
        if (!header.hasOrigin() || header.originSequence() <= 0)
        {
            return refuse(out, scope, "an envelope without an origin or origin_sequence");
        }
        final int count = header.destinationCount();
        if (count == 0)
        {
            return refuse(out, scope, "an envelope from " + header.origin() + " without a destination");
        }
        final DestinationCache cache = DestinationCache.forThread();
        final Destination[] destinations = t.destinations;
        for (int i = 0; i < count; i++)
        {
            final Destination d = cache.lookup(header, i);
            if (d == null)
            {
                clear(destinations, i);
                return refuse(out, scope, "an envelope from " + header.origin() + " with a bad address: " + cache.lastProblem());
            }
            destinations[i] = d;
        }
        if (header.originEquals(routerId))
        {
            clear(destinations, count);
            return refuse(out, scope, "a message with this router's own id " + routerId + " as its origin");
        }
        final DedupeWindow origin = window(t, header);
        if (scope.isChild())
        {
            final String problem = authority(scope, origin.origin(), originRegion);
            if (problem != null)
            {
                clear(destinations, count);
                return refuse(out, scope, problem);
            }
        }
        final long sequence = header.originSequence();
        final long now = clockMicros.getAsLong();
        synchronized (sequencer.publishLock())
        {
            final long prior = origin.lookup(sequence);
            if (prior >= 0)
            {
                clear(destinations, count);
                counters.incImportDuplicates();
                return out.set(ImportOutcome.Kind.DUPLICATE, prior, 0, null);
            }
            if (header.isExpiredAt(now))
            {
                clear(destinations, count);
                counters.incExpired();
                return out.set(ImportOutcome.Kind.EXPIRED, -1, 0, null);
            }
            final long index = journal.append(buf, offset, length, now, originKind, originRegion, scope.peerId());
            if (index == Journal.NOT_JOURNALED)
            {
                clear(destinations, count);
                return out.set(ImportOutcome.Kind.UNAVAILABLE, -1, 0, journal.unavailableDetail());
            }
            if (prior != DedupeWindow.STALE)
            {
                origin.record(sequence, index);
            }
            counters.incJournaled(header.precedenceNumber());
            counters.incImported();
            // as for a local publish, the origin's own session (if it is connected here too) gets its message only
            // when addressed terminal: to it, which is what catch-up's matcher decides from the envelope's origin
            final Session self = table.terminal(origin.origin());
            final int deliveredNow = fanout.route(self, peer, header, destinations, count, buf, offset, length, index,
                now, originKind, originRegion);
            return out.set(ImportOutcome.Kind.IMPORTED, index, deliveredNow, null);
        }
    }

    /** The origin's dedupe window; the last one of this thread when the origin is the same (no string made). */
    private DedupeWindow window(final PerThread t, final EnvelopeHeader header)
    {
        final DedupeWindow last = t.lastOrigin;
        if (last != null && t.lastOrigins == origins && header.originEquals(last.origin()))
        {
            return last;
        }
        final DedupeWindow window = origins.state(header.origin());
        t.lastOrigin = window;
        t.lastOrigins = origins;
        return window;
    }

    /** Why a child may not forward a message of this origin, or null when it may (issue 16 item 5). */
    private String authority(final PeerScope child, final String originId, final String originRegion)
    {
        final String childRegion = child.region();
        if (originRegion.isEmpty() || !RegionCode.contains(childRegion, originRegion))
        {
            return "origin " + originId + " with region '" + originRegion + "' outside the child's region " + childRegion;
        }
        final String listed = registered.regionOf(originId);
        if (listed != null && !RegionCode.contains(childRegion, listed))
        {
            return "origin " + originId + " registered at " + listed + ", outside the child's region " + childRegion;
        }
        return null;
    }

    private ImportOutcome refuse(final ImportOutcome out, final PeerScope scope, final String why)
    {
        counters.incImportRefused();
        final String detail = "peer " + scope.peerId() + " forwarded " + why;
        sequencer.securityEvent("IMPORT_REFUSED " + detail);
        return out.set(ImportOutcome.Kind.REFUSED, -1, 0, detail);
    }

    private static void clear(final Destination[] destinations, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            destinations[i] = null;
        }
    }
}
