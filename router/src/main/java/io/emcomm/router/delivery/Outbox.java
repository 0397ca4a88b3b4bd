package io.emcomm.router.delivery;

import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.protocol.wire.Precedence;
import io.netty.buffer.ByteBuf;
import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;

/**
 * The frames waiting for one session and the rules for writing them to its {@link DeliverySink}
 * (delivery.md, "Precedence", "Expiry", "Slow links", "When a post stops reading"):
 * <ul>
 *   <li>always the highest precedence first ({@link PrecedenceQueue}); during a catch-up's urgent pass only the
 *       FLASH lane, as a FLASH may still lie behind anything else in the backlog;</li>
 *   <li>a message whose {@code expires_at} has passed when its turn comes is not written but counted and marked
 *       done; so is a position report older than the latest seen from its source on a shaped link
 *       (supersession);</li>
 *   <li>at most {@code emcomm.delivery.inflight} ROUTINE and PRIORITY frames written and not acknowledged; FLASH
 *       and IMMEDIATE do not count (their ledger mark is {@code SENT_URGENT}), so they overtake a full queue;</li>
 *   <li>a shaped link ({@link LinkProfile}) is kept to its budget by a {@link TokenBucket}; a frame that has
 *       started is not recalled;</li>
 *   <li>a written FLASH starts its acknowledgement clock ({@link FlashWatch}); a message that asked for receipts
 *       is remembered until acknowledged;</li>
 *   <li>each frame is numbered as it is written ({@code delivery_seq}, {@link DeliveryFrames#numbered}) and
 *       remembered by that number ({@link InFlightRing}) for cumulative acknowledgements.</li>
 * </ul>
 * While a frame is queued its bytes are charged to the session's {@link SessionOutbound} account.
 *
 * <p>Threading: everything on the session's event loop (publishers hand frames to the feed, not to the outbox;
 * {@link #scheduleDrain} on any thread). No allocation per frame; no lock.
 */
final class Outbox
{
    /**
     * The envelope flyweight for the two rare checks at write time (the origin of a FLASH, the source of a
     * position report on a shaped link) and FLASH resends. It stays per event loop, not per session: an
     * {@link EnvelopeHeader} holds about 1.5 KiB of scratch, and 10,000 idle sessions would each keep one for
     * a check they make a few times a day. Each use wraps it first, so no state carries from one use to the next.
     */
    private static final FastThreadLocal<EnvelopeHeader> HEADER = new FastThreadLocal<>()
    {
        @Override
        protected EnvelopeHeader initialValue()
        {
            return new EnvelopeHeader();
        }
    };

    private final DeliveryContext ctx;
    private final DeliverySink sink;
    private final LinkProfile link;
    private final SessionOutbound account;
    private final PrecedenceQueue queue;
    private final FlashWatch flash;
    /** Called with the index of a message dropped at write time (expired, superseded): it counts as done. */
    private final LongConsumer skipped;
    private final Runnable timedDrain;
    private final Runnable drainTask;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    /** Made at the first message whose sender wants a receipt, then kept: most terminals never get one. */
    private LongObjectHashMap<Boolean> wantReceipts;
    /** What this connection was written, by delivery_seq, for cumulative acknowledgements. */
    private final InFlightRing ring;
    /** The newest position report index of each source queued for a shaped link; null when unshaped. */
    private final ConcurrentHashMap<String, Long> latestPosition;
    private TokenBucket bucket;
    private boolean drainTimerSet;
    /** ROUTINE and PRIORITY frames written and not yet acknowledged (an upper bound). */
    private int inFlight;
    /** The drain stopped at the in-flight limit: an acknowledgement resumes it. */
    private boolean waitingForAcks;
    /**
     * A peer link's outbox (federation): its acknowledgements are a router's, not a terminal's, so it keeps no FLASH
     * deadline and no receipt (the router where the addressee acknowledges does both). Set at start, on the loop.
     */
    private boolean peerLink;

    /**
     * @param drain   what to run when a shaped link has budget again (the feed's drain, on the loop).
     * @param skipped told the index of each message not written because it expired or was superseded.
     */
    Outbox(final DeliveryContext ctx, final DeliverySink sink, final LinkProfile link, final SessionOutbound account,
        final FlashWatch flash, final Runnable drain, final LongConsumer skipped)
    {
        this.ctx = ctx;
        this.sink = sink;
        this.link = link;
        this.account = account;
        this.queue = new PrecedenceQueue(account);
        // small at first: 100,000 mostly idle terminals must fit in the heap; a busy one grows it a few times
        this.ring = new InFlightRing(16);
        this.flash = flash;
        this.skipped = skipped;
        this.latestPosition = link.isShaped() ? new ConcurrentHashMap<>() : null;
        this.timedDrain = () ->
        {
            drainTimerSet = false;
            drain.run();
        };
        this.drainTask = () ->
        {
            drainScheduled.set(false);
            drain.run();
        };
    }

    /**
     * Has the event loop drain this outbox, once however often it is asked before it runs; deferred to the end
     * of the publishing thread's read batch when one is open ({@link DrainBatch}). Any thread; no allocation.
     */
    void scheduleDrain()
    {
        if (drainScheduled.compareAndSet(false, true) && !DrainBatch.forThread().defer(this))
        {
            sink.execute(drainTask);
        }
    }

    /** The end of a publishing read batch that offered to this outbox (see {@link DrainBatch}). */
    void wake()
    {
        sink.execute(drainTask);
    }

    /** The per-loop envelope flyweight (see {@link #HEADER}); event loop, wrap before use. */
    static EnvelopeHeader loopHeader()
    {
        return HEADER.get();
    }

    /** A shaped link's budget starts full at each login (delivery.md, "Slow links"). */
    void startShaping(final long nowMicros)
    {
        if (link.isShaped())
        {
            bucket = new TokenBucket(link, nowMicros);
        }
    }

    /** Marks this as a peer link's outbox (see {@link #peerLink}). Event loop, before the first write. */
    void peerLink(final boolean peer)
    {
        this.peerLink = peer;
    }

    /** This session's byte account. */
    SessionOutbound account()
    {
        return account;
    }

    /**
     * Queues a DELIVERY frame; the outbox owns it from here. {@code header} is the frame's envelope, wrapped, to
     * note the newest position report of its source; null for a resend. Event loop.
     */
    void offer(final ByteBuf frame, final int precedence, final EnvelopeHeader header, final long index)
    {
        if (latestPosition != null && header != null && header.bodyField() == EnvelopeBodies.POSITION)
        {
            latestPosition.merge(header.origin(), index, Math::max);
        }
        queue.offer(frame, precedence);
    }

    /**
     * Queues a DELIVERY frame a publisher handed off ({@link DeliveryFeed#handOff}); the outbox owns it from here.
     * On a shaped link a position report's source is read from the frame (the publisher's envelope flyweight
     * stayed on its thread). Event loop.
     */
    void offerHandedOff(final ByteBuf frame, final int precedence, final long index)
    {
        EnvelopeHeader header = null;
        if (latestPosition != null && DeliveryFrames.isPosition(DeliveryFrames.facts(frame)))
        {
            header = HEADER.get();
            if (!DeliveryFrames.wrapEnvelope(frame, header))
            {
                header = null;
            }
        }
        offer(frame, precedence, header, index);
    }

    /** Frames queued. Any thread. */
    int size()
    {
        return queue.size();
    }

    /**
     * Writes queued frames in precedence order from the first {@code lanes} lanes while the sink is writable,
     * then flushes once.
     *
     * @return how many frames were written.
     */
    int write(final long nowMicros, final int lanes)
    {
        int written = 0;
        ByteBuf frame;
        while (sink.isWritable() && (frame = queue.poll(lanes)) != null)
        {
            // what the drain needs was written in front of the frame when it was made: no header scan here
            final long index = DeliveryFrames.index(frame);
            final long facts = DeliveryFrames.facts(frame);
            if (DeliveryFrames.isExpiredAt(facts, nowMicros))
            {
                frame.release();
                ctx.counters().incExpired();
                skipped.accept(index);
                continue;
            }
            if (latestPosition != null && DeliveryFrames.isPosition(facts) && isSuperseded(index, frame))
            {
                frame.release();
                ctx.counters().incSuperseded();
                skipped.accept(index);
                continue;
            }
            final int precedence = DeliveryFrames.precedenceNumber(facts);
            final boolean urgent = precedence >= Precedence.IMMEDIATE_VALUE;
            if (!urgent && inFlight >= ctx.inFlightLimit())
            {
                // enough ROUTINE/PRIORITY is on its way: the rest waits here, where a FLASH can overtake it
                queue.holdBack(frame);
                waitingForAcks = true;
                break;
            }
            if (bucket != null && !bucket.tryTake(frame.readableBytes(), nowMicros))
            {
                queue.holdBack(frame);
                scheduleDrainIn(bucket.microsUntilReady(nowMicros));
                break;
            }
            if (peerLink)
            {
                // no FLASH clock and no receipt for a link: see peerLink
            }
            else if (precedence == Precedence.FLASH_VALUE && !isFromRouter(frame))
            {
                // the router's own FLASH (escalations, receipts) is not watched: escalating those would never end
                flash.sent(index, nowMicros, DeliveryFrames.expiresAtMicros(facts));
            }
            if (!peerLink && DeliveryFrames.wantReceipts(facts))
            {
                if (wantReceipts == null)
                {
                    wantReceipts = new LongObjectHashMap<>(4);
                }
                wantReceipts.put(index, Boolean.TRUE);
            }
            ctx.counters().incDelivered(precedence);
            sink.write(DeliveryFrames.numbered(frame, ring.add(index), sink.alloc()));
            written++;
            if (!urgent)
            {
                inFlight++;
            }
        }
        if (written > 0)
        {
            ctx.counters().addDelivered(written);
            sink.flush();
        }
        return written;
    }

    /**
     * Messages are waiting and the terminal takes none: its socket is full (it does not read) or its in-flight
     * limit is (it does not acknowledge).
     */
    boolean stalled()
    {
        return (!sink.isWritable() || waitingForAcks) && queue.size() > 0;
    }

    /**
     * A ROUTINE or PRIORITY message was acknowledged; {@code sentNow} is what the ledger still holds as sent, which
     * bounds the in-flight count from above (it also holds messages written by earlier sessions). Caller holds
     * the terminal's monitor.
     */
    void ackedInFlight(final int sentNow)
    {
        inFlight = Math.max(0, Math.min(inFlight - 1, sentNow));
    }

    /** After an acknowledgement: whether a drain stopped at the in-flight limit may go on now (true once). */
    boolean resumesAfterAck()
    {
        if (waitingForAcks && inFlight < ctx.inFlightLimit())
        {
            waitingForAcks = false;
            return true;
        }
        return false;
    }

    /**
     * The terminal acknowledged {@code index}: its FLASH clock stops.
     *
     * @return whether the sender asked for a receipt (answered once).
     */
    boolean acked(final long index)
    {
        flash.acked(index);
        return wantReceipts != null && wantReceipts.remove(index) != null;
    }

    /** The DELIVERY frames written on this connection by delivery_seq (protocol.md section 7.3). Event loop. */
    InFlightRing ring()
    {
        return ring;
    }

    /** ROUTINE and PRIORITY frames written and not acknowledged, as counted here (for tests and status). */
    int inFlight()
    {
        return inFlight;
    }

    /** Releases every queued frame. Event loop, or after the producers have stopped. */
    void clear()
    {
        queue.clear();
    }

    /** The session ended: queued frames are released and its bytes leave the budgets. Event loop. */
    void release()
    {
        queue.clear();
        account.close();
    }

    /** A position report older than the latest this outbox has queued from the same source. */
    private boolean isSuperseded(final long index, final ByteBuf frame)
    {
        final EnvelopeHeader header = HEADER.get();
        if (!DeliveryFrames.wrapEnvelope(frame, header))
        {
            return false;
        }
        final Long latest = latestPosition.get(header.origin());
        return latest != null && latest > index;
    }

    private boolean isFromRouter(final ByteBuf frame)
    {
        final EnvelopeHeader header = HEADER.get();
        return DeliveryFrames.wrapEnvelope(frame, header) && header.originEquals(ctx.routerId());
    }

    private void scheduleDrainIn(final long micros)
    {
        if (!drainTimerSet)
        {
            drainTimerSet = true;
            sink.schedule(timedDrain, Math.max(1, micros));
        }
    }
}
