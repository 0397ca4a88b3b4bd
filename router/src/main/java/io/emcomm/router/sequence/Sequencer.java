package io.emcomm.router.sequence;

import io.emcomm.router.address.Destination;
import io.emcomm.router.address.DestinationCache;
import io.emcomm.router.route.RoutingTable;
import io.emcomm.router.route.TerminalDirectory;
import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.protocol.envelope.EnvelopeValidator;
import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.NackReason;
import io.emcomm.router.counters.RouterCounters;
import io.emcomm.router.journal.Journal;
import io.emcomm.router.journal.DedupeWindow;
import io.emcomm.router.journal.DedupeWindows;
import io.emcomm.router.session.Session;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.Text;
import io.emcomm.router.security.AccessPolicy;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.delivery.EnvelopeBodies;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.function.LongSupplier;

/**
 * The sequencer: checks a publish's header, dedupes it by (origin, sequence), journals it and hands a delivery
 * frame to every session it reaches, all under one publish lock so that journal order is routing order; then
 * answers with a {@link PublishOutcome}, which the network layer writes. Runs on the publisher's event loop;
 * state that must not be shared (the header flyweight, the destination cache, the recipient set) is per thread.
 *
 * <p>Invariant: an outcome is an acknowledgement only after {@link Journal#append} returned an index; anything
 * that fails before that is a refusal and nothing is routed.
 */
public final class Sequencer
{
    private static final class PerThread
    {
        final EnvelopeHeader header = new EnvelopeHeader();
        final DestinationCache cache = DestinationCache.forThread();
        final Destination[] destinations = new Destination[EnvelopeHeader.MAX_DESTINATIONS];
        final EnvelopeValidator validator = new EnvelopeValidator();
        /** The {@code terminal:} addresses of the current publish naming ids never seen (PUBLISH_ACK field 6). */
        final String[] unknownTerminals = new String[EnvelopeHeader.MAX_DESTINATIONS];
        final PublishOutcome outcome = new PublishOutcome();
    }

    private static final FastThreadLocal<PerThread> PER_THREAD = new FastThreadLocal<>()
    {
        @Override
        protected PerThread initialValue()
        {
            return new PerThread();
        }
    };

    private final Journal journal;
    private final RouterCounters counters;
    private final LongSupplier clockMicros;
    private final Object publishLock = new Object();
    private final DedupeWindow routerOrigin;
    private final boolean validateBodies;
    private final TerminalDirectory directory;
    private final PeerImport imports;
    private final Fanout fanout;
    private final DedupeWindows origins;
    /**
     * The replicated log admitted publishes are offered to, or null when this sequencer journals inline (Chronicle).
     * Set once before traffic ({@link #orderedLog}); a plain field: the event loops see it through the channel
     * registration that follows.
     */
    private OrderedLog log;
    private LogApply logApply;
    /** The next sequence of this router's own messages offered to the log: they are recorded only when applied. */
    private long internalNext;
    /** The region this router serves, carried by the messages it originates; "" for none. Control plane writes. */
    private volatile String routerRegion = "";

    /**
     * A sequencer without federation wiring: imports ({@link #importDelivery}) dedupe in windows of their own, apart
     * from local publishes, and no terminal registry is consulted. For tests and tools; the router uses
     * {@link #Sequencer(Journal, RoutingTable, RouterCounters, LongSupplier, DedupeWindows, DedupeWindow, boolean,
     * TerminalDirectory, RegisteredRegions)}.
     *
     * @param directory which terminal ids the router has seen, for a PUBLISH_ACK's {@code unknown_terminals};
     *                  called on the publishing event loop, so it must not block or allocate.
     */
    public Sequencer(final Journal journal, final RoutingTable table, final RouterCounters counters,
        final LongSupplier clockMicros, final DedupeWindow routerOrigin, final boolean validateBodies,
        final TerminalDirectory directory)
    {
        this(journal, table, counters, clockMicros, new DedupeWindows(), routerOrigin, validateBodies, directory,
            RegisteredRegions.NONE);
    }

    /**
     * @param origins      every origin's dedupe window, as rebuilt from the journal at start: imports from peer routers
     *                     dedupe in the same windows as local publishes (federation, issue 16)
     * @param routerOrigin this router's own window (its receipts, escalations, security events), one of
     *                     {@code origins}
     * @param directory    which terminal ids the router has seen, for a PUBLISH_ACK's {@code unknown_terminals};
     *                     called on the publishing event loop, so it must not block or allocate.
     * @param registered   the terminal registry's regions, for the authority check of imports from a child router
     */
    public Sequencer(final Journal journal, final RoutingTable table, final RouterCounters counters,
        final LongSupplier clockMicros, final DedupeWindows origins, final DedupeWindow routerOrigin,
        final boolean validateBodies, final TerminalDirectory directory, final RegisteredRegions registered)
    {
        this.directory = directory;
        this.validateBodies = validateBodies;
        this.routerOrigin = routerOrigin;
        this.journal = journal;
        this.counters = counters;
        this.clockMicros = clockMicros;
        this.fanout = new Fanout(table, counters);
        this.origins = origins;
        this.imports = new PeerImport(this, fanout, journal, table, counters, clockMicros, origins, registered,
            routerOrigin.origin());
    }

    /**
     * The region this router serves ({@code emcomm.router.region}), journaled as the origin region of every message
     * the router originates (receipts, escalations, security events), so that they pass a parent's authority check and
     * carry their place in the tree. "" (the default) for none. Control plane, before traffic.
     *
     * @throws IllegalArgumentException when {@code region} is neither "" nor a valid region code
     */
    public void routerRegion(final String region)
    {
        if (!region.isEmpty() && !io.emcomm.protocol.region.RegionCode.isValid(region))
        {
            throw new IllegalArgumentException(io.emcomm.protocol.region.RegionCode.problem(region));
        }
        this.routerRegion = region;
    }

    /** The region this router's own messages are journaled with; "" for none. */
    public String routerRegion()
    {
        return routerRegion;
    }

    /**
     * Held from the dedupe check through journal append to the end of routing, so that the journal order is
     * the order in which messages are handed to sessions: each feed's catch-up/live seam relies on its hand-offs
     * coming in journal order (see {@code DeliveryFeed#handOff}). Only the publish path takes it on the hot path;
     * a feed takes it once a minute to move an idle terminal's cursor.
     */
    public Object publishLock()
    {
        return publishLock;
    }

    /**
     * Makes this sequencer a node of a replicated log (issue 15, {@code emcomm.journal.backend=kafka}): admitted
     * publishes (and this router's own messages) are offered to {@code log} and committed when the node's apply
     * loop hands their record to {@link #apply}; {@code journal} (given at construction) is then the node's local
     * mirror of the log, whose {@link Journal#append} stores the record being applied at its index. Control plane,
     * before traffic.
     */
    public void orderedLog(final OrderedLog log)
    {
        this.logApply = new LogApply(publishLock, journal, fanout, counters, origins);
        this.log = log;
    }

    /** As {@link #publish(Session, ByteBuf, PublishAnswers)} with no one to hear a later answer (inline journals). */
    public PublishOutcome publish(final Session session, final ByteBuf frame)
    {
        return publish(session, frame, PublishAnswers.NONE);
    }

    /**
     * Orders, dedupes, journals and routes one PUBLISH (protocol.md 4.2). {@code frame} starts at the type byte;
     * the caller keeps ownership. Publisher's event loop.
     *
     * <p>Two steps: <em>admit</em> (header, origin, sequence, destinations, body, rate, access: no lock) and
     * <em>commit</em> (dedupe, journal, route, answer: under the publish lock). On the router's own journal both run
     * here, inline. On an {@link OrderedLog} the admitted envelope is offered to the log and the outcome is
     * {@link PublishOutcome#pending()}: the commit runs on the apply thread ({@link #apply}) and the answer goes to
     * {@code later}.
     *
     * @param later where an answer that is not known on return goes (any thread); unused by inline journals
     * @return the answer for the publisher: an ack (journaled now or a retry of an earlier one), a nack with
     *         its reason, or pending. The calling thread's reusable instance, valid until its next publish; the
     *         caller writes it as a PUBLISH_ACK or PUBLISH_NACK frame.
     */
    public PublishOutcome publish(final Session session, final ByteBuf frame, final PublishAnswers later)
    {
        counters.incPublished();
        final PerThread t = PER_THREAD.get();
        final PublishOutcome out = t.outcome;
        final EnvelopeHeader header = t.header;
        final int offset = frame.readerIndex() + Frames.TYPE_BYTES;
        final int length = frame.readableBytes() - Frames.TYPE_BYTES;
        if (!header.wrap(frame, offset, length))
        {
            // Origin and sequence may have been read before the 65th address, but an envelope that did not
            // parse is answered without them whatever came first (protocol.md 4.2): match such nacks by order.
            return nack(out, "", 0, header.tooManyDestinations() ? NackReason.TOO_MANY_DESTINATIONS
                : NackReason.MALFORMED_ENVELOPE, header.problem());
        }
        out.precedence(header.precedenceNumber()); // read-only hook: the network layer's intake governor
        final long sequence = header.originSequence();
        if (!header.originEquals(session.terminalId()))
        {
            return nack(out, header.origin(), sequence, NackReason.ORIGIN_MISMATCH,
                "origin '" + header.origin() + "' is not this session's terminal id '" + session.terminalId() + "'");
        }
        if (sequence == 0)
        {
            return nack(out, session.terminalId(), 0, NackReason.BAD_SEQUENCE, "origin_sequence must be >= 1");
        }
        final int count = header.destinationCount();
        if (count == 0)
        {
            return nack(out, session.terminalId(), sequence, NackReason.NO_DESTINATION, "the envelope has no destination (to)");
        }
        final Destination[] destinations = t.destinations;
        for (int i = 0; i < count; i++)
        {
            final Destination d = t.cache.lookup(header, i);
            if (d == null)
            {
                return nack(out, session.terminalId(), sequence, NackReason.BAD_ADDRESS, t.cache.lastProblem());
            }
            destinations[i] = d;
        }
        if (validateBodies)
        {
            final String problem = t.validator.problem(header.array(), header.arrayOffset(), length); // the bytes wrap copied
            if (problem != null)
            {
                // like a header that does not parse: no origin or sequence echoed (protocol.md 4.2, 4.3)
                return nack(out, "", 0, NackReason.MALFORMED_ENVELOPE, "the envelope body does not parse: " + problem);
            }
        }
        final long now = clockMicros.getAsLong();
        if (!session.rateLimiter().tryAcquire(length, header.precedenceNumber() == Precedence.FLASH_VALUE, now))
        {
            counters.incRateLimited();
            return nack(out, session.terminalId(), sequence, NackReason.RATE_LIMITED, "over this connection's message or byte rate");
        }
        final int body = AccessPolicy.bodyBit(header.bodyField());
        for (int i = 0; i < count; i++)
        {
            if ((session.access().publishMask(session.identity(), destinations[i]) & body) == 0)
            {
                return refuse(out, session, sequence, AccessPolicy.bodyName(header.bodyField()), destinations[i].text());
            }
        }

        final DedupeWindow origin = session.originState();
        final String[] unknown = t.unknownTerminals;
        final int unknownCount = UnknownTerminals.collect(directory, destinations, count, unknown);
        if (log != null)
        {
            return logApply.offer(log, session, header, frame, offset, length, now, unknown, unknownCount, later, out);
        }
        synchronized (publishLock)
        {
            final long prior = origin.lookup(sequence);
            if (prior >= 0)
            {
                counters.incDuplicates();
                out.accept(sequence, prior, true, 0, unknown, unknownCount);
                return out;
            }
            if (prior == DedupeWindow.STALE)
            {
                return nack(out, session.terminalId(), sequence, NackReason.STALE_SEQUENCE, "origin_sequence " + sequence
                    + " is more than " + DedupeWindow.WINDOW + " behind the highest seen; cannot tell if it is a retry");
            }
            if (header.isExpiredAt(now))
            {
                return nack(out, session.terminalId(), sequence, NackReason.EXPIRED_ON_ARRIVAL, "expires_at is already past");
            }
            final long index = journal.append(frame, offset, length, now, session.kind().getNumber(), session.regionCode());
            if (index == Journal.NOT_JOURNALED)
            {
                return nack(out, session.terminalId(), sequence, NackReason.JOURNAL_UNAVAILABLE, journal.unavailableDetail());
            }
            origin.record(sequence, index);
            counters.incJournaled(header.precedenceNumber());
            if (header.bodyField() == EnvelopeBodies.POSITION)
            {
                session.terminal().lastPositionIndex(index);
            }
            // routed before the ack is made, so that the ack can say how many sessions it reached; the ack still
            // follows the append (only journaled messages are acked) and goes out at the end of the read batch
            final int deliveredNow = fanout.route(session, null, header, destinations, count, frame, offset, length, index, now,
                session.kind().getNumber(), session.regionCode());
            out.accept(sequence, index, false, deliveredNow, unknown, unknownCount);
            return out;
        }
    }

    /**
     * Commits one record of the {@link OrderedLog}, in log order: the node's apply thread calls it for every record
     * (see {@link LogApply} for the rules) and it answers this node's publisher waiting on {@code token}, if any.
     * Takes the publish lock. {@code envelope} stays the caller's.
     *
     * @param index             the record's position in the log: its journal index on every node
     * @param journaledAtMicros the admitting node's clock, as carried in the record
     * @param token             the token of this node's offer, or 0 for a record another node (or no publisher) offered
     * @return {@code index} when the record was applied, the first occurrence's index for a duplicate, or
     *         {@link Journal#NOT_JOURNALED} when it was not applied (stale, expired, malformed)
     */
    public long apply(final long index, final ByteBuf envelope, final int offset, final int length,
        final long journaledAtMicros, final int originKind, final String originRegion, final long token)
    {
        return logApply.apply(index, envelope, offset, length, journaledAtMicros, originKind, originRegion, token);
    }

    /**
     * The log could not commit this node's record of {@code token} (a timeout, too few in-sync replicas): its
     * publisher is nacked JOURNAL_UNAVAILABLE with {@code detail}. Any thread (the log's I/O thread).
     */
    public void logFailed(final long token, final String detail)
    {
        logApply.failed(token, detail);
    }

    /** Publishes offered to the log and not answered yet. */
    public int pendingPublishes()
    {
        return logApply == null ? 0 : logApply.pending();
    }

    /** Returned by {@link #publishInternal} on an ordered log: offered; its index is known when applied. */
    public static final long OFFERED = -2;

    /**
     * Journals and routes a message the router itself originates (receipts, escalations). Any thread. On an
     * {@link OrderedLog} it is offered to the log (precedence lanes as any publish) and committed when applied.
     *
     * @return the journal index, {@link #OFFERED} (an ordered log), or {@link Journal#NOT_JOURNALED}.
     */
    public long publishInternal(final DedupeWindow origin, final Envelope.Builder envelope)
    {
        final PerThread t = PER_THREAD.get();
        synchronized (publishLock)
        {
            final long sequence = Math.max(origin.highestSequence() + 1, internalNext);
            final byte[] bytes = envelope.setOrigin(origin.origin()).setOriginSequence(sequence).build().toByteArray();
            final ByteBuf buf = Unpooled.wrappedBuffer(bytes);
            final EnvelopeHeader header = t.header;
            if (!header.wrap(buf, 0, bytes.length))
            {
                return Journal.NOT_JOURNALED;
            }
            final int count = header.destinationCount();
            for (int i = 0; i < count; i++)
            {
                final Destination d = t.cache.lookup(header, i);
                if (d == null)
                {
                    return Journal.NOT_JOURNALED;
                }
                t.destinations[i] = d;
            }
            final long now = clockMicros.getAsLong();
            final String region = routerRegion;
            if (log != null)
            {
                // recorded in the window only when applied: the next one must not take the same sequence meanwhile
                internalNext = sequence + 1;
                return log.offer(0, header.precedenceNumber(), buf, 0, bytes.length, now, TerminalKind.COMMAND_POST_VALUE,
                    region, "") == OrderedLog.Offer.QUEUED ? OFFERED : Journal.NOT_JOURNALED;
            }
            final long index = journal.append(buf, 0, bytes.length, now, TerminalKind.COMMAND_POST_VALUE, region);
            if (index != Journal.NOT_JOURNALED)
            {
                origin.record(sequence, index);
                counters.incJournaled(header.precedenceNumber());
                fanout.route(null, null, header, t.destinations, count, buf, 0, bytes.length, index, now,
                    TerminalKind.COMMAND_POST_VALUE, region);
            }
            return index;
        }
    }

    /**
     * Imports one message a peer router forwarded on a peer link (federation, issue 16; docs/federation.md): checks the
     * peer's authority over the origin, dedupes by (origin, origin_sequence) in the windows local publishes use, drops
     * it if expired, journals the envelope bytes exactly as received with the original origin kind and region and the
     * ingress (the peer's router id), and routes it locally and to the other links, never back to {@code peer}. See
     * {@link PeerImport} for the rules. Under the publish lock, like {@link #publish}, so journal order stays routing
     * order.
     *
     * <p>The peer's event loop; {@code buf} stays the caller's. Allocates nothing on the way to IMPORTED apart from
     * a refusal's message (and the first message of each origin).
     *
     * @param peer           the session of the link the DELIVERY came over ({@link Session#peerScope()} not null)
     * @param buf            holds the envelope
     * @param envelopeOffset where the envelope starts in {@code buf}
     * @param envelopeLength its length
     * @param originKind     {@code Delivery.origin_kind}: the origin's TerminalKind number where it entered
     * @param originRegion   {@code Delivery.origin_region}: its region code there, "" for none
     * @return the calling thread's reusable outcome, valid until its next import; acknowledge unless
     *         {@link ImportOutcome#acknowledge()} says not
     * @throws IllegalArgumentException when {@code peer} is not a peer link's session
     */
    public ImportOutcome importDelivery(final Session peer, final ByteBuf buf, final int envelopeOffset,
        final int envelopeLength, final int originKind, final String originRegion)
    {
        if (log != null)
        {
            // not yet through the ordered log (issue 15 limitation): unacknowledged, so the peer keeps it
            return imports.unavailable("imports from peer routers are not journaled on a Kafka journal yet");
        }
        return imports.importDelivery(peer, buf, envelopeOffset, envelopeLength, originKind, originRegion);
    }

    /** A publish the access policy does not allow: nacked, counted, and journaled as a security event. */
    private PublishOutcome refuse(final PublishOutcome out, final Session session, final long sequence, final String body,
        final String destination)
    {
        counters.incNotAuthorized();
        final String why = "terminal " + session.terminalId() + " (" + session.kind() + "@" + session.regionCode()
            + ") may not publish " + body + " to " + destination;
        securityEvent("NOT_AUTHORIZED " + why);
        return nack(out, session.terminalId(), sequence, NackReason.NOT_AUTHORIZED, why);
    }

    /** Journals a security event (a refused publish or import) on {@link #SECURITY_EVENTS}. Any thread; not under the lock. */
    void securityEvent(final String text)
    {
        publishInternal(routerOrigin, Envelope.newBuilder().addTo(SECURITY_EVENTS).setPrecedence(Precedence.PRIORITY)
            .setCreatedAtMicros(clockMicros.getAsLong()).setText(Text.newBuilder().setText(text)));
    }

    /** The channel where the router journals security events (refused publishes) for review and live consoles. */
    public static final String SECURITY_EVENTS = "channel:security.events";

    private PublishOutcome nack(final PublishOutcome out, final String origin, final long sequence,
        final NackReason reason, final String detail)
    {
        counters.incNacked(reason.getNumber());
        out.refuse(origin, sequence, reason, detail);
        return out;
    }
}
