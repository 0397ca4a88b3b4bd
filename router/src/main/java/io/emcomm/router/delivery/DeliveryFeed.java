package io.emcomm.router.delivery;

import io.emcomm.router.terminal.AckWindow;
import io.emcomm.router.terminal.TerminalState;
import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.router.journal.JournalEntry;
import io.emcomm.router.journal.JournalReader;
import io.emcomm.router.address.DestinationCache;
import io.emcomm.router.address.RouteMatcher;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.concurrent.FastThreadLocal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Everything addressed to one session, in one of two modes ({@link State}):
 * <ul>
 *   <li><b>catching up</b> - read from the journal after the terminal's durable cursor, filtered by the
 *       routing rules, a batch at a time while the connection keeps up;</li>
 *   <li><b>live</b> - fed by the publish path as messages are routed.</li>
 * </ul>
 * A session starts catching up. At the end of the journal it takes the publish lock, reads what is left
 * and turns live, so no message falls between the two (no gap) and none is read twice (no duplicate).
 * When the session falls behind (its queue, its unacknowledged window or its memory budget in bytes is full, see
 * {@link SessionOutbound}) it turns back to catching up from the last message it took, so memory stays bounded
 * and nothing is dropped.
 *
 * <p><b>Precedence over the whole backlog</b> (protocol.md section 7.4). Catching up from the cursor makes three
 * passes over the backlog ({@link Pass}). The <i>urgent pass</i> reads it to the journal's end and queues only
 * FLASH and IMMEDIATE messages for this terminal; the <i>PRIORITY pass</i> reads it again and queues only
 * PRIORITY; the <i>in-order pass</i> reads it once more and queues the rest, skipping what the earlier passes
 * took (the ledger holds it). While the urgent pass runs, only FLASH is written: an IMMEDIATE may still have a
 * FLASH behind it in the journal, and no ROUTINE or PRIORITY has been read yet. So the first delivery of a
 * reconnect is the oldest FLASH whatever the backlog's size, then FLASH before IMMEDIATE before PRIORITY before
 * ROUTINE. The urgent pass decides on the envelope header flyweight (precedence first, routing rules only for
 * urgent entries), does not stop for flow control (urgent messages are always queued at once, as live), and
 * yields the event loop every {@value #CATCH_UP_SCAN} entries. The PRIORITY and in-order passes are a batch at
 * a time under the window and the queue limit, and the drain keeps ROUTINE/PRIORITY to the in-flight limit. So
 * hours of backlog cost two extra sequential reads of the journal, and memory for the ledger entries (9 bytes
 * each) of the messages taken ahead until the in-order pass reaches them.
 *
 * <p>The alternative, a per-terminal index of undelivered urgent journal indexes kept by the publish path,
 * was rejected: an offline terminal is in no routing table, so every urgent publish would have to be matched
 * against every terminal ever seen, the index would have to be durable, and it would go stale when a terminal
 * logs in with another region or changes its subscriptions - the backlog is defined by the rules in force
 * when it is read (section 7.2), which read-time passes honour. A session that falls behind while live starts
 * at the PRIORITY pass: urgent messages were queued as they came. Once the PRIORITY pass is over, a PRIORITY
 * message offered live is queued at once when the window and queue have room, rather than left behind older
 * ROUTINE for the in-order pass.
 *
 * <p><b>Entitlement changes</b> (protocol.md section 6). When the terminal's subscriptions gain a pattern,
 * {@link #reevaluateBacklog()} sends the feed back to catching up from the durable cursor, urgent pass first,
 * whether it was catching up or live with its cursor behind: the ledger keeps what is already queued, sent or
 * acknowledged from being taken twice, and what the new pattern selects is taken wherever it lies.
 *
 * <p>The cursor moves over acknowledged messages only as far as the in-order pass has read ({@code
 * takenThrough}): a message taken ahead of its turn and acknowledged must not carry the cursor over older
 * messages still unread.
 *
 * <p>Frames are written in precedence order ({@link PrecedenceQueue}); expired messages and superseded
 * position reports are skipped at the moment they would be written; a shaped link is kept to its budget.
 * FLASH and IMMEDIATE frames are not counted against the in-flight limit, which bounds ROUTINE and PRIORITY.
 *
 * <p>Ownership: {@link #start} claims the terminal (a new owner epoch, see {@link TerminalState#claim()}).
 * Every change this feed makes to the terminal's state (ledger, cursor, cursor store) is made only while it
 * still holds the current epoch and is not {@link State#CLOSED}, so a replaced session, or the late teardown
 * of a connection that a quick reconnect already superseded, cannot undo what the new session did.
 * {@link #close()} is idempotent.
 *
 * <p>Threading: {@link #offerLive} runs on publishing threads under the publish lock; {@link #close()} on any
 * thread (the replacing session's loop, or this session's); everything else on the session's event loop.
 * Shared state is guarded by the {@link TerminalState}'s monitor.
 */
public final class DeliveryFeed
{
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryFeed.class);

    /** The passes of a catch-up over the backlog, in this order (see the class javadoc). */
    private enum Pass
    {
        /** FLASH and IMMEDIATE only, to the journal's end, without flow control; only FLASH is written meanwhile. */
        URGENT,
        /** PRIORITY only, to the journal's end, under the window and queue limits. */
        PRIORITY,
        /** Everything else, in journal order; the only pass that moves {@code takenThrough}; ends by turning live. */
        REST
    }

    /** Where a feed is in its life; changes under the terminal's monitor, read anywhere. */
    public enum State
    {
        /** Reading this terminal's backlog from the journal; live ROUTINE/PRIORITY is left to the reader. */
        CATCHING_UP,
        /** Fed by the publish path as messages are routed. */
        LIVE,
        /** Stopped for good: the connection is gone or the terminal has a newer session. */
        CLOSED
    }

    private static final int CATCH_UP_BATCH = 256;
    /** Entries read per task even when few are for this terminal, so one catch-up never hogs its event loop. */
    private static final int CATCH_UP_SCAN = 4096;
    /** Every this many timer ticks (a minute by default) an idle live terminal's cursor skips others' traffic. */
    private static final int CURSOR_CATCH_UP_TICKS = 60;

    private final DeliveryContext ctx;
    private final TerminalState terminal;
    private final LinkProfile link;
    /** The bytes this session holds in memory, against its own and the router-wide budget. */
    private final SessionOutbound outbound;
    private final PrecedenceQueue queue;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    /**
     * Drain and catch-up run on the event loop one at a time and never nest, so every feed on a loop can share
     * one header flyweight: a session then costs bytes, not kilobytes, while it is idle.
     */
    private static final FastThreadLocal<EnvelopeHeader> HEADER = new FastThreadLocal<>()
    {
        @Override
        protected EnvelopeHeader initialValue()
        {
            return new EnvelopeHeader();
        }
    };
    private JournalEntry entry;
    private final FlashWatch flash = new FlashWatch();
    private final CursorCommitter cursor;
    private final LongObjectHashMap<Boolean> wantReceipts = new LongObjectHashMap<>(4);
    private final ConcurrentHashMap<String, Long> latestPosition;
    private final Runnable drainTask = this::drainFromTask;
    private final Runnable catchUpTask = this::catchUp;
    private FeedOwner session;
    private final Channel channel;
    private TokenBucket bucket;
    private JournalReader reader;
    private volatile State state = State.CATCHING_UP;
    /** The owner epoch claimed at {@link #start}; 0 = never owned. Guarded by the terminal's monitor. */
    private long epoch;
    private boolean reseek;
    private long resumeAfter;
    /** Every message for this terminal up to here has been taken in journal order (queued, skipped or acked). */
    private long takenThrough;
    private boolean catchUpScheduled;
    /** Which pass over the backlog a catch-up is in; written under the terminal's monitor. */
    private volatile Pass pass = Pass.URGENT;
    private boolean drainTimerSet;
    private long blockedSinceMicros = -1;
    /** ROUTINE and PRIORITY frames written and not yet acknowledged (an upper bound; event loop only). */
    private int inFlight;
    /** The drain stopped at the in-flight limit: an acknowledgement resumes it. */
    private boolean waitingForAcks;
    private long ticks;

    public DeliveryFeed(final DeliveryContext ctx, final TerminalState terminal, final LinkProfile link, final Channel channel)
    {
        this.ctx = ctx;
        this.channel = channel;
        this.terminal = terminal;
        this.link = link;
        this.latestPosition = link.isShaped() ? new ConcurrentHashMap<>() : null;
        this.cursor = new CursorCommitter(terminal, ctx.cursors());
        this.outbound = ctx.outbound().open(() -> channel.eventLoop().execute(this::disconnectOverBudget));
        this.queue = new PrecedenceQueue(outbound);
    }

    /**
     * Claims the terminal for this feed, binds it to its session and starts catching up from the durable
     * cursor. Event loop of the session; call it before the session is registered for routing, under the
     * terminal's monitor together with that registration, so the registered session is always the owner.
     *
     * @return false when the cursor lay beyond the journal's end and was moved back to it.
     */
    public boolean start(final FeedOwner session)
    {
        boolean cursorValid = true;
        this.session = session;
        if (link.isShaped())
        {
            bucket = new TokenBucket(link, ctx.clockMicros().getAsLong());
        }
        synchronized (terminal)
        {
            epoch = terminal.claim();
            // what earlier sessions sent and nobody acknowledged is sent again by this one
            terminal.ackWindow().forgetSent();
            long from = terminal.cursor();
            final long last = ctx.journal().lastIndex();
            if (from > last)
            {
                // The journal is behind the cursor (replaced or cut): resume from its end rather than wait forever.
                from = last;
                cursorValid = false;
            }
            resumeAfter = from;
            takenThrough = from;
            reseek = true;
            pass = Pass.URGENT;
            state = State.CATCHING_UP;
        }
        scheduleCatchUp();
        return cursorValid;
    }

    public LinkProfile link()
    {
        return link;
    }

    public int queued()
    {
        return queue.size();
    }

    /** Messages sent to this terminal and not yet acknowledged (its delivery window in use); any thread. */
    public int unacked()
    {
        synchronized (terminal)
        {
            return terminal.ackWindow().sent();
        }
    }

    /** Whether the feed is fed by the publish path now (see {@link State#LIVE}); any thread. */
    public boolean isLive()
    {
        return state == State.LIVE;
    }

    /** Where the feed is in its life; any thread (a snapshot: it changes under the terminal's monitor). */
    public State state()
    {
        return state;
    }

    /**
     * Whether this feed's session still owns its terminal (no newer login, not closed). Any thread; hold the
     * terminal's monitor across the check and what depends on it, as a login claims under that monitor.
     */
    public boolean ownsTerminal()
    {
        synchronized (terminal)
        {
            return owns();
        }
    }

    /** Caller holds the terminal's monitor: may this feed still change the terminal's state? */
    private boolean owns()
    {
        return state != State.CLOSED && terminal.ownedBy(epoch);
    }

    /**
     * Offers a routed message. Publishing thread, under the publish lock; takes ownership of {@code frame}.
     *
     * @return false when this feed no longer owns the terminal (the owner's catch-up reads the message from the
     *     journal); true when the message was queued or left to this feed's own catch-up.
     */
    public boolean offerLive(final ByteBuf frame, final long index, final int precedence, final EnvelopeHeader header)
    {
        final boolean urgent = precedence >= Precedence.IMMEDIATE_VALUE;
        synchronized (terminal)
        {
            if (!owns())
            {
                // replaced or closed: the owner's catch-up reads this message from the journal
                frame.release();
                return false;
            }
            if (state == State.LIVE)
            {
                if (!urgent && (terminal.ackWindow().sent() >= ctx.window() || queue.size() >= ctx.queueLimit()
                    || !outbound.admitsLive(frame.capacity())))
                {
                    // Fallen behind: defer ROUTINE and PRIORITY to the journal, from just before this message. Urgent
                    // messages were all queued as they came: no urgent pass.
                    state = State.CATCHING_UP;
                    resumeAfter = takenThrough;
                    reseek = true;
                    pass = Pass.PRIORITY;
                    frame.release();
                    ctx.counters().incSlowConsumerDrops();
                    return true;
                }
                takenThrough = index;
            }
            else if (!(urgent || precedence == Precedence.PRIORITY_VALUE && pass == Pass.REST && hasRoomUnsafe())
                || index <= terminal.cursor() || terminal.ackWindow().state(index) != 0)
            {
                // Catching up: the reader will come to it (or has already taken it: a publish is journaled before
                // it is routed, so a pass can read it first). A PRIORITY message is queued at once only once the
                // PRIORITY pass is over, where the in-order pass would otherwise put it behind older ROUTINE.
                frame.release();
                return true;
            }
            // FLASH and IMMEDIATE are never deferred behind lower precedence, even while catching up; the
            // reader skips them because the ledger already holds them.
            final byte mark = urgent ? AckWindow.SENT_URGENT : AckWindow.SENT;
            if (state == State.LIVE)
            {
                terminal.ackWindow().add(index, mark);
            }
            else
            {
                terminal.ackWindow().addAhead(index, mark); // ahead of the catch-up's in-order read
            }
        }
        notePosition(header, index);
        queue.offer(frame, precedence);
        if (state == State.CLOSED)
        {
            // close() may have cleared the queue between our check and the offer: clear again on the loop
            channel.eventLoop().execute(this::releaseOnLoop);
            return true;
        }
        scheduleDrain();
        return true;
    }

    /** The window and the queue have room for one more from the journal. Caller holds the terminal's monitor. */
    private boolean hasRoomUnsafe()
    {
        return terminal.ackWindow().sent() < ctx.window() && queue.size() < ctx.queueLimit() / 2 && outbound.mayRead();
    }

    private void notePosition(final EnvelopeHeader header, final long index)
    {
        if (latestPosition != null && header.bodyField() == EnvelopeBodies.POSITION)
        {
            latestPosition.merge(header.origin(), index, Math::max);
        }
    }

    private void scheduleDrain()
    {
        if (drainScheduled.compareAndSet(false, true) && !DrainBatch.forThread().defer(this))
        {
            channel.eventLoop().execute(drainTask);
        }
    }

    /** The end of a publishing read batch that offered to this feed (see {@link DrainBatch}). */
    void wake()
    {
        channel.eventLoop().execute(drainTask);
    }

    private void drainFromTask()
    {
        drainScheduled.set(false);
        drain();
    }

    /** Writes queued frames in precedence order while the channel is writable. Event loop. */
    public void drain()
    {
        if (state == State.CLOSED)
        {
            queue.clear();
            return;
        }
        final long now = ctx.clockMicros().getAsLong();
        int written = 0;
        ByteBuf frame;
        // the urgent pass has not yet seen the whole backlog: a FLASH may still be behind anything else queued
        final int lanes = pass == Pass.URGENT && state == State.CATCHING_UP ? 1 : PrecedenceQueue.LANES;
        while (channel.isWritable() && (frame = queue.poll(lanes)) != null)
        {
            // what the drain needs was written in front of the frame when it was made: no header scan here
            final long index = DeliveryFrames.index(frame);
            final long facts = DeliveryFrames.facts(frame);
            if (DeliveryFrames.isExpiredAt(facts, now))
            {
                frame.release();
                ctx.counters().incExpired();
                done(index);
                continue;
            }
            if (latestPosition != null && DeliveryFrames.isPosition(facts) && isSuperseded(index, frame))
            {
                frame.release();
                ctx.counters().incSuperseded();
                done(index);
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
            if (bucket != null && !bucket.tryTake(frame.readableBytes(), now))
            {
                queue.holdBack(frame);
                scheduleDrainIn(bucket.microsUntilReady(now));
                break;
            }
            if (precedence == Precedence.FLASH_VALUE && !isFromRouter(frame))
            {
                // the router's own FLASH (escalations, receipts) is not watched: escalating those would never end
                flash.sent(index, now, DeliveryFrames.expiresAtMicros(facts));
            }
            if (DeliveryFrames.wantReceipts(facts))
            {
                wantReceipts.put(index, Boolean.TRUE);
            }
            ctx.counters().incDelivered(precedence);
            channel.write(frame, channel.voidPromise());
            written++;
            if (!urgent)
            {
                inFlight++;
            }
        }
        if (written > 0)
        {
            ctx.counters().addDelivered(written);
            channel.flush();
        }
        persist();
        blockedSinceMicros = !stalled() ? -1 : (blockedSinceMicros < 0 ? now : blockedSinceMicros);
        outbound.noteWritten(channel);
        outbound.stalledSince(blockedSinceMicros);
        if (!isLiveUnsafe() && queue.size() < ctx.queueLimit() / 2)
        {
            scheduleCatchUp();
        }
    }

    /**
     * Messages are waiting and the terminal takes none: its socket is full (it does not read) or its in-flight
     * limit is (it does not acknowledge). Either way, past the slow-consumer limit the session is ended.
     */
    private boolean stalled()
    {
        return (!channel.isWritable() || waitingForAcks) && queue.size() > 0;
    }

    /** A position report older than the latest this feed has seen from the same origin. */
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
            channel.eventLoop().schedule(() ->
            {
                drainTimerSet = false;
                drain();
            }, Math.max(1, micros), TimeUnit.MICROSECONDS);
        }
    }

    private boolean isLiveUnsafe()
    {
        return state == State.LIVE;
    }

    /** A message that will not be written (expired, superseded) counts as done for the cursor. */
    private void done(final long index)
    {
        synchronized (terminal)
        {
            if (owns())
            {
                terminal.ackWindow().markDone(index);
                cursor.done(index, takenThrough);
            }
        }
    }

    /**
     * Writes the cursor moves and out-of-order acknowledgements of the last batch to the cursor store. Event
     * loop, at the end of each read batch. A crash before this runs only means those messages come again.
     */
    public void persist()
    {
        if (!cursor.hasPending())
        {
            return;
        }
        final boolean owner;
        synchronized (terminal)
        {
            owner = owns();
        }
        cursor.persist(owner);
    }

    /**
     * A DELIVERY_ACK from the terminal. Event loop.
     *
     * @return false when the index was never delivered to this terminal (a bad ack).
     */
    public boolean onAck(final long index)
    {
        final boolean resume;
        synchronized (terminal)
        {
            if (!owns())
            {
                // acks belong to the connection that carried the delivery, and this one lost the terminal
                return false;
            }
            if (index <= terminal.cursor())
            {
                return true;
            }
            final byte mark = terminal.ackWindow().state(index);
            if (mark == 0)
            {
                return false;
            }
            if (mark == AckWindow.DONE)
            {
                return true;
            }
            terminal.ackWindow().markDone(index);
            cursor.done(index, takenThrough);
            resume = state == State.CATCHING_UP && terminal.ackWindow().sent() < ctx.window();
            if (mark == AckWindow.SENT)
            {
                // the ledger holds every written-but-unacknowledged message, so it bounds the count from above
                inFlight = Math.max(0, Math.min(inFlight - 1, terminal.ackWindow().sent()));
            }
        }
        if (waitingForAcks && inFlight < ctx.inFlightLimit())
        {
            waitingForAcks = false;
            scheduleDrain();
        }
        flash.acked(index);
        if (wantReceipts.remove(index) != null)
        {
            ctx.events().delivered(index, terminal.terminalId());
        }
        if (resume)
        {
            scheduleCatchUp();
        }
        return true;
    }

    private void scheduleCatchUp()
    {
        if (!catchUpScheduled && state != State.CLOSED)
        {
            catchUpScheduled = true;
            channel.eventLoop().execute(catchUpTask);
        }
    }

    /** Reads a batch of this terminal's messages from the journal. Event loop. */
    private void catchUp()
    {
        catchUpScheduled = false;
        synchronized (terminal)
        {
            if (state != State.CATCHING_UP || !owns())
            {
                return;
            }
            if (reseek)
            {
                reseek = false;
                if (reader == null)
                {
                    reader = ctx.journal().newReader();
                    entry = new JournalEntry();
                }
                reader.seekAfter(resumeAfter);
            }
        }
        final Pass reading = pass;
        if (reading == Pass.URGENT)
        {
            scanUrgent();
            return;
        }
        int taken = 0;
        int scanned = 0;
        while (taken < CATCH_UP_BATCH && scanned < CATCH_UP_SCAN)
        {
            scanned++;
            synchronized (terminal)
            {
                if (terminal.ackWindow().sent() >= ctx.window())
                {
                    return; // resumes on ack
                }
            }
            if (queue.size() >= ctx.queueLimit() / 2 || !outbound.mayRead())
            {
                return; // resumes when drained
            }
            if (!reader.next(entry))
            {
                if (reading == Pass.PRIORITY)
                {
                    nextPass(Pass.REST);
                    return;
                }
                turnLive();
                persist();
                return;
            }
            if (reading == Pass.PRIORITY ? takeAhead(entry, Pass.PRIORITY) : take(entry))
            {
                taken++;
            }
        }
        synchronized (terminal)
        {
            if (owns())
            {
                cursor.advance(takenThrough); // over messages taken ahead and acknowledged before this pass reached them
            }
        }
        persist();
        scheduleCatchUp();
    }

    /**
     * The urgent pass: queues this terminal's FLASH and IMMEDIATE messages from the rest of the backlog, then
     * starts the PRIORITY pass from where this catch-up began. Reaching the journal's end is enough: the
     * session was registered for routing before the pass began, so anything journaled later is offered live,
     * and urgent messages are queued at once when offered.
     */
    private void scanUrgent()
    {
        for (int scanned = 0; scanned < CATCH_UP_SCAN; scanned++)
        {
            if (!reader.next(entry))
            {
                nextPass(Pass.PRIORITY);
                return;
            }
            takeAhead(entry, Pass.URGENT);
        }
        scheduleCatchUp();
    }

    /** Starts the next pass over the backlog from where this catch-up began. */
    private void nextPass(final Pass next)
    {
        synchronized (terminal)
        {
            pass = next;
            reader.seekAfter(resumeAfter);
        }
        scheduleDrain(); // after the urgent pass, what waited below FLASH may go now
        scheduleCatchUp();
    }

    /**
     * Queues a journal entry ahead of its turn if it is of the precedence {@code reading} takes (FLASH and
     * IMMEDIATE, or PRIORITY) and for this session and not already handled. The cursor does not move: an
     * expired one is counted and marked done by the in-order pass.
     */
    private boolean takeAhead(final JournalEntry e, final Pass reading)
    {
        final EnvelopeHeader header = HEADER.get();
        if (!header.wrap(e.envelope(), 0, e.envelopeLength()))
        {
            return false;
        }
        final int precedence = header.precedenceNumber();
        final boolean urgent = precedence >= Precedence.IMMEDIATE_VALUE;
        if ((reading == Pass.URGENT ? !urgent : precedence != Precedence.PRIORITY_VALUE)
            || !RouteMatcher.reaches(session.identity(), terminal, header, DestinationCache.forThread()))
        {
            return false;
        }
        synchronized (terminal)
        {
            if (!owns() || e.index() <= terminal.cursor() || terminal.ackWindow().state(e.index()) != 0
                || header.isExpiredAt(ctx.clockMicros().getAsLong()))
            {
                return false;
            }
            terminal.ackWindow().addAhead(e.index(), urgent ? AckWindow.SENT_URGENT : AckWindow.SENT);
        }
        notePosition(header, e.index());
        queue.offer(DeliveryFrames.delivery(channel.alloc(), e.index(), e.envelope(), e.envelopeLength(), e.journaledAtMicros(), 0,
            header), precedence);
        scheduleDrain();
        return true;
    }

    /** At the journal's end: read the rest under the publish lock and turn live. */
    private void turnLive()
    {
        synchronized (ctx.publishLock())
        {
            while (reader.next(entry))
            {
                take(entry);
            }
            synchronized (terminal)
            {
                if (owns())
                {
                    state = State.LIVE;
                    cursor.advance(takenThrough);
                }
            }
        }
        // A live session needs no journal reader: give back the tailer and buffers (10,000 idle sessions).
        reader.close();
        reader = null;
        entry = null;
    }

    /** Queues a journal entry if it is for this session and not already handled. */
    private boolean take(final JournalEntry e)
    {
        final EnvelopeHeader header = HEADER.get();
        if (!header.wrap(e.envelope(), 0, e.envelopeLength()) || !RouteMatcher.reaches(session.identity(), terminal, header, DestinationCache.forThread()))
        {
            return false;
        }
        synchronized (terminal)
        {
            if (!owns())
            {
                // a newer session of this terminal owns the shared ledger now: marking entries SENT from here
                // would make its catch-up skip them
                return false;
            }
            takenThrough = e.index();
            if (e.index() <= terminal.cursor() || terminal.ackWindow().state(e.index()) != 0)
            {
                return false;
            }
            if (header.isExpiredAt(ctx.clockMicros().getAsLong()))
            {
                ctx.counters().incExpired();
                terminal.ackWindow().add(e.index(), AckWindow.DONE);
                cursor.done(e.index(), takenThrough);
                return false;
            }
            terminal.ackWindow().add(e.index(), header.precedenceNumber() >= Precedence.IMMEDIATE_VALUE ? AckWindow.SENT_URGENT : AckWindow.SENT);
        }
        notePosition(header, e.index());
        queue.offer(DeliveryFrames.delivery(channel.alloc(), e.index(), e.envelope(), e.envelopeLength(), e.journaledAtMicros(), 0,
            header), header.precedenceNumber());
        scheduleDrain();
        return true;
    }

    /**
     * The terminal's channel subscriptions gained a pattern (protocol.md section 6): what it is entitled to is
     * evaluated again against its whole backlog. The feed goes back to catching up from the durable cursor,
     * urgent pass first, as at login; what is already queued, sent or acknowledged is in the ledger and is not
     * taken twice, and what the new pattern selects is taken wherever it lies after the cursor, including
     * messages the catch-up had already passed. A live feed whose cursor is at the journal's end has no backlog
     * to look at. A removed pattern needs no pass: what is not read yet is matched against the subscriptions
     * held when it is read, and what is already queued or written is still delivered. Event loop.
     */
    public void reevaluateBacklog()
    {
        synchronized (terminal)
        {
            final long from = terminal.cursor();
            if (!owns() || state == State.LIVE && from >= ctx.journal().lastIndex())
            {
                return;
            }
            // from live: ROUTINE and PRIORITY offered from now on are left to the reader, as after falling behind
            state = State.CATCHING_UP;
            resumeAfter = from;
            takenThrough = from;
            reseek = true;
            pass = Pass.URGENT;
        }
        scheduleCatchUp();
    }

    /** Periodic checks: FLASH acknowledgement deadlines and the slow-consumer limit. Event loop. */
    public void onTimer()
    {
        // a timer never runs inside a read batch: wake anything a batch left behind (belt and braces)
        DrainBatch.forThread().close();
        synchronized (terminal)
        {
            if (!owns())
            {
                return; // a replaced session neither resends nor reports: the owner's session watches its own FLASH
            }
        }
        if (++ticks % CURSOR_CATCH_UP_TICKS == 0)
        {
            skipCursorOverOthersTraffic();
        }
        final long now = ctx.clockMicros().getAsLong();
        for (final FlashWatch.Pending p : flash.overdue(now, ctx.flashAckTimeoutMicros()))
        {
            if (p.isExpiredAt(now))
            {
                // protocol.md 7.5: an expired message is not delivered and gets no receipt, so no resend, no
                // NOT_DELIVERED and no escalation; it counts as done for the cursor
                flash.remove(p);
                ctx.counters().incExpired();
                done(p.index);
            }
            else if (p.attempts == 1)
            {
                p.attempts = 2;
                p.sentAtMicros = now;
                resend(p.index);
            }
            else
            {
                flash.remove(p);
                ctx.events().notDelivered(p.index, terminal.terminalId(), session.identity().regionCode());
            }
        }
        final boolean stalled = stalled();
        if (stalled && blockedSinceMicros < 0)
        {
            blockedSinceMicros = now;
        }
        outbound.noteWritten(channel);
        outbound.stalledSince(stalled ? blockedSinceMicros : -1);
        ctx.outbound().relieve(now);
        if (ctx.slowConsumerDisconnectMicros() > 0 && blockedSinceMicros >= 0 && stalled
            && now - blockedSinceMicros >= ctx.slowConsumerDisconnectMicros())
        {
            ctx.counters().incSlowConsumerDisconnects();
            close();
            session.slowConsumer();
        }
    }

    /**
     * A live terminal with nothing outstanding has taken everything journaled so far (what is not for it does
     * not concern it), so its cursor may move to the journal's end; otherwise a quiet terminal would pin old
     * journal files against retention. Under the publish lock nothing is between journal and routing, so no
     * message for this terminal can be skipped.
     */
    private void skipCursorOverOthersTraffic()
    {
        synchronized (ctx.publishLock())
        {
            synchronized (terminal)
            {
                final long last = ctx.journal().lastIndex();
                if (state == State.LIVE && owns() && terminal.ackWindow().isEmpty() && last > terminal.cursor())
                {
                    takenThrough = Math.max(takenThrough, last);
                    cursor.moveTo(last);
                }
            }
        }
        persist();
    }

    private void resend(final long index)
    {
        try (JournalReader r = ctx.journal().newReader())
        {
            r.seekAtOrAfter(index);
            final JournalEntry e = new JournalEntry();
            final EnvelopeHeader header = HEADER.get();
            if (r.next(e) && e.index() == index && header.wrap(e.envelope(), 0, e.envelopeLength()))
            {
                ctx.counters().incFlashResends();
                queue.offer(DeliveryFrames.delivery(channel.alloc(), index, e.envelope(), e.envelopeLength(), e.journaledAtMicros(), 0,
                    header), Precedence.FLASH_VALUE);
                scheduleDrain();
            }
        }
    }

    /**
     * Stops the feed; queued frames are released, unacknowledged ones will be sent again next session. Any
     * thread; idempotent: the replacing login and this connection's own teardown both call it, in either
     * order, and only the first call by the owner touches the terminal's ledger.
     */
    public void close()
    {
        synchronized (terminal)
        {
            if (state == State.CLOSED)
            {
                return;
            }
            if (owns())
            {
                terminal.ackWindow().forgetSent();
            }
            state = State.CLOSED;
        }
        if (channel != null && channel.eventLoop().inEventLoop())
        {
            releaseOnLoop();
        }
        else if (channel != null)
        {
            channel.eventLoop().execute(this::releaseOnLoop);
        }
    }

    /** Picked by the router-wide memory budget ({@link OutboundBudget#relieve}). Event loop. */
    private void disconnectOverBudget()
    {
        if (state != State.CLOSED)
        {
            // rare and the operator's business (operations.md, "Memory"): one line per session
            LOG.warn("closing {} at {}: SLOW_CONSUMER, took nothing while the router's delivery memory ran out (it held {} bytes;"
                + " all sessions {} of {})", session, channel.remoteAddress(), outbound.held(), ctx.outbound().held(),
                ctx.outbound().limit());
            ctx.counters().incSlowConsumerDisconnects();
            close();
            session.slowConsumerOverBudget();
        }
    }

    private void releaseOnLoop()
    {
        queue.clear();
        outbound.close();
        if (reader != null)
        {
            reader.close();
            reader = null;
        }
    }
}
