package io.emcomm.router.delivery;

import io.emcomm.router.terminal.AckWindow;
import io.emcomm.router.terminal.TerminalState;
import io.netty.buffer.ByteBuf;

/**
 * Everything addressed to one session, in one of three states ({@link State}). It starts <b>catching up</b>: the
 * {@link CatchUpReader} reads the backlog after the terminal's durable cursor (urgent pass, PRIORITY pass, the
 * rest) and, at the journal's end, turns the feed <b>live</b>, with no gap and no duplicate at the seam (see
 * {@link CatchUpReader}). Publishers hand what they route to the feed ({@link #handOff}) through a bounded
 * lock-free queue ({@link HandOffQueue}); the feed's own event loop takes it from there ({@link HandOffIntake}).
 * A live feed that falls behind (queue, unacknowledged window or byte budget full, see {@link SessionOutbound}, or
 * the hand-off queue itself full) goes back to catching up from the last message it took, so memory stays
 * bounded and nothing is dropped. <b>Closed</b> is final.
 *
 * <p>The other parts: the {@link Outbox} writes to the {@link DeliverySink} in precedence order under the
 * in-flight limit, shaping, expiry and supersession; the terminal's {@link AckWindow} (its ledger) and the
 * {@link CursorCommitter} turn acknowledgements into cursor moves; the {@link FeedWatchdog} keeps FLASH deadlines
 * and the slow-consumer limit. This class holds the state and the owner epoch, and keeps the ledger consistent
 * between the parts.
 *
 * <p>Ownership: {@link #start} claims the terminal (a new owner epoch, see {@link TerminalState#claim()}).
 * Every change this feed makes to the terminal's state (ledger, cursor, cursor store) is made only while it
 * still holds the current epoch and is not {@link State#CLOSED}, so a replaced session, or the late teardown
 * of a connection that a quick reconnect already superseded, cannot undo what the new session did.
 *
 * <p>Threading, in the manner of Aeron and Netty (single writer): the feed's state is its session's event loop's
 * (the sink's). {@link #handOff} runs on publishing threads under the publish lock and touches only the hand-off
 * queue and the drain flag; {@link #close()} runs on any thread (the replacing session's loop, or this session's);
 * everything else on the sink's event loop. The per-terminal state shared with a replacing login (ledger, cursor,
 * owner epoch) is guarded by the {@link TerminalState}'s monitor, which only this loop takes on the delivery path
 * (once per batch of hand-offs, once per acknowledgement): a login, a subscription change and a replacing
 * session's {@link #close()} are the only other takers.
 */
public final class DeliveryFeed
{
    /** Where a feed is in its life; changes under the terminal's monitor, read anywhere. */
    public enum State
    {
        /** Reading this terminal's backlog from the journal; live ROUTINE/PRIORITY is left to the reader. */
        CATCHING_UP,
        /** Fed by the publish path as messages are routed (through the hand-off queue). */
        LIVE,
        /** Stopped for good: the connection is gone or the terminal has a newer session. */
        CLOSED
    }

    private final DeliveryContext ctx;
    private final TerminalState terminal;
    private final LinkProfile link;
    private final DeliverySink sink;
    private final Outbox outbox;
    private final CatchUpReader reader;
    private final FlashWatch flash = new FlashWatch();
    private final FeedWatchdog watchdog;
    private final CursorCommitter cursor;
    private final HandOffQueue inbox;
    private final HandOffIntake intake;
    private FeedOwner session;
    private volatile State state = State.CATCHING_UP;
    /** The owner epoch claimed at {@link #start}; 0 = never owned. Guarded by the terminal's monitor. */
    private long epoch;

    /**
     * A feed for one session, not started. Control plane (login), on the sink's event loop.
     *
     * @param ctx      what every feed shares (journal, limits, clock, counters, budgets).
     * @param terminal the terminal's state across sessions (cursor, ledger, subscriptions).
     * @param link     the link profile the terminal declared at HELLO; shaped links are paced.
     * @param sink     the connection to write to and the event loop to run on.
     */
    public DeliveryFeed(final DeliveryContext ctx, final TerminalState terminal, final LinkProfile link, final DeliverySink sink)
    {
        this(ctx, terminal, link, sink, HandOffQueue.capacityFor(ctx.queueLimit()));
    }

    /** As the public constructor, with a hand-off queue of {@code handOffCapacity} frames (tests fill it). */
    DeliveryFeed(final DeliveryContext ctx, final TerminalState terminal, final LinkProfile link, final DeliverySink sink,
        final int handOffCapacity)
    {
        this.ctx = ctx;
        this.inbox = new HandOffQueue(handOffCapacity);
        this.sink = sink;
        this.terminal = terminal;
        this.link = link;
        this.cursor = new CursorCommitter(terminal, ctx.cursors());
        final SessionOutbound account = ctx.outbound().open(() -> sink.execute(this::disconnectOverBudget));
        this.outbox = new Outbox(ctx, sink, link, account, flash, this::drain, this::done);
        this.reader = new CatchUpReader(ctx, terminal, this, outbox, cursor, sink);
        this.intake = new HandOffIntake(ctx, terminal, this, inbox, outbox, reader);
        this.watchdog = new FeedWatchdog(ctx, terminal, this, outbox, reader, cursor, sink, flash,
            new SlowConsumerWatch(ctx.slowConsumerDisconnectMicros()));
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
        // a peer link: no FLASH deadlines, no receipts (its acks are a router's, issue 16)
        outbox.peerLink(session.peerScope() != null);
        outbox.startShaping(ctx.clockMicros().getAsLong());
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
            reader.restart(from, CatchUpPass.URGENT);
            state = State.CATCHING_UP;
        }
        reader.schedule();
        return cursorValid;
    }

    /** The link profile the terminal declared. */
    public LinkProfile link()
    {
        return link;
    }

    /**
     * Frames queued for the connection and not yet written (bounded by {@code emcomm.outbound.queue.limit}); any
     * thread. Frames in transit from a publishing loop (handed off, not yet taken by this feed's loop, at most the
     * hand-off queue's capacity) are not counted.
     */
    public int queued()
    {
        return outbox.size();
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
    boolean owns()
    {
        return state != State.CLOSED && terminal.ownedBy(epoch);
    }

    /** The session this feed serves (set by {@link #start}). */
    FeedOwner owner()
    {
        return session;
    }

    /** The reader reached the journal's end (see {@link CatchUpReader}). Caller holds the terminal's monitor, on the loop. */
    void becomeLive()
    {
        state = State.LIVE;
    }

    /**
     * Hands a routed message to this feed: queues the frame for the feed's event loop, which alone decides what it
     * becomes ({@link HandOffIntake}), and has that loop woken once per publishing read batch ({@link DrainBatch}).
     * Publishing thread, under the publish lock (hand-offs to one feed must come in journal order, see
     * {@link HandOffQueue}); takes ownership of {@code frame}. No lock and no allocation: the per-terminal monitor is
     * the subscriber's loop's.
     *
     * <p>When the hand-off queue is full the frame is dropped and the queue marked; the feed's loop then reads what
     * was dropped back from the journal (it falls back to catching up), so a loop that lags costs it a journal read,
     * never a message.
     *
     * @param frame a DELIVERY frame made by {@link DeliveryFrames#delivery} (possibly a shared duplicate); its
     *              journal index and facts are read from its prefix.
     * @return false when the feed is closed (a newer session's catch-up reads the message from the journal); true
     *     when it was handed off, or left to this feed's catch-up.
     */
    public boolean handOff(final ByteBuf frame)
    {
        if (state == State.CLOSED)
        {
            frame.release();
            return false;
        }
        if (!inbox.offer(frame))
        {
            frame.release();
            outbox.scheduleDrain(); // the loop must see the mark even if nothing else comes
            return true;
        }
        if (state == State.CLOSED)
        {
            // close() may have cleared the queue between our check and the offer: clear again on the loop
            sink.execute(this::releaseOnLoop);
            return true;
        }
        outbox.scheduleDrain();
        return true;
    }

    /** Takes what publishers handed off since the last look (see {@link HandOffIntake#takeAll()}). Event loop. */
    void takeHandedOff()
    {
        intake.takeAll();
    }

    /** After a dropped hand-off, back to the journal (see {@link HandOffIntake#restartIfDropped()}). */
    boolean restartIfHandOffDropped()
    {
        return intake.restartIfDropped();
    }

    /** Nothing handed off waits and nothing was dropped (a snapshot). Event loop. */
    boolean handOffsTaken()
    {
        return inbox.isEmpty() && !inbox.hasOverflowed();
    }

    /**
     * Falls back to catching up: from just before the message being taken (a live feed fallen behind,
     * {@code urgentPass} false) or from the last message taken in order, all three passes (a dropped hand-off).
     * Caller holds the terminal's monitor, on the loop.
     */
    void catchUpUnsafe(final boolean urgentPass)
    {
        state = State.CATCHING_UP;
        if (urgentPass)
        {
            reader.restart(reader.takenThrough(), CatchUpPass.URGENT);
        }
        else
        {
            reader.fallBehind();
        }
    }

    /**
     * Writes queued frames in precedence order while the sink is writable (see {@link Outbox}), then records
     * the cursor moves, the session's progress for the slow-consumer limit and the byte budgets, and resumes a
     * catch-up that waited for the queue to empty. Event loop; the network layer calls it when the connection
     * turns writable again.
     */
    public void drain()
    {
        if (state == State.CLOSED)
        {
            outbox.clear();
            inbox.clear();
            return;
        }
        takeHandedOff();
        final long now = ctx.clockMicros().getAsLong();
        // the urgent pass has not yet seen the whole backlog: a FLASH may still be behind anything else queued
        final int lanes = reader.pass() == CatchUpPass.URGENT && state == State.CATCHING_UP ? 1 : PrecedenceQueue.LANES;
        outbox.write(now, lanes);
        persist();
        watchdog.afterDrain(now);
        if (state != State.LIVE && outbox.size() < ctx.queueLimit() / 2)
        {
            reader.schedule();
        }
    }

    /** A message that will not be written (expired, superseded) counts as done for the cursor. */
    void done(final long index)
    {
        synchronized (terminal)
        {
            if (owns())
            {
                cursor.skipped(index, reader.takenThrough());
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
     * A DELIVERY_ACK from the terminal (protocol.md section 7.3). Event loop.
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
            final byte mark = cursor.acknowledge(index, reader.takenThrough());
            if (mark != AckWindow.SENT && mark != AckWindow.SENT_URGENT)
            {
                return mark == AckWindow.DONE; // a repeat is fine, an index never sent is a bad ack
            }
            resume = state == State.CATCHING_UP && terminal.ackWindow().sent() < ctx.window();
            if (mark == AckWindow.SENT)
            {
                // FLASH and IMMEDIATE (SENT_URGENT) never counted against the in-flight limit
                outbox.ackedInFlight(terminal.ackWindow().sent());
            }
            // a client acknowledging by index: what it acknowledged leaves the delivery_seq ring from the front
            final InFlightRing ring = outbox.ring();
            while (!ring.isEmpty() && isSettled(ring.firstIndex()))
            {
                ring.removeFirst();
            }
        }
        if (outbox.resumesAfterAck())
        {
            outbox.scheduleDrain();
        }
        if (outbox.acked(index))
        {
            ctx.events().delivered(index, terminal.terminalId());
        }
        if (resume)
        {
            reader.schedule();
        }
        return true;
    }

    /**
     * A cumulative DELIVERY_ACK (protocol.md section 7.3): every DELIVERY of this connection numbered up to
     * {@code throughSeq} is acknowledged, each exactly as {@link #onAck} would acknowledge its index (ledger,
     * cursor, in-flight limit, FLASH clock, receipt); numbers acknowledged before, and indexes acknowledged before
     * by index, are repeats and change nothing. O(deliveries acknowledged), no allocation; the terminal's monitor
     * is taken once, and once more after each receipt, which goes out outside it as {@link #onAck}'s does.
     * Event loop.
     *
     * @param throughSeq 1 or more.
     * @return false when {@code throughSeq} is above the last {@code delivery_seq} written on this connection (a bad
     *     ack, nothing acknowledged), or this feed lost the terminal.
     */
    public boolean onAckThrough(final long throughSeq)
    {
        final InFlightRing ring = outbox.ring();
        if (throughSeq > ring.lastSeq())
        {
            return false;
        }
        boolean resume = false;
        while (ring.hasThrough(throughSeq))
        {
            long receipt = -1;
            boolean ackedAny = false;
            synchronized (terminal)
            {
                if (!owns())
                {
                    return false;
                }
                while (receipt < 0 && ring.hasThrough(throughSeq))
                {
                    final long index = ring.firstIndex();
                    ring.removeFirst();
                    final byte mark = cursor.acknowledge(index, reader.takenThrough());
                    if (mark == AckWindow.SENT || mark == AckWindow.SENT_URGENT)
                    {
                        ackedAny = true;
                        if (mark == AckWindow.SENT)
                        {
                            outbox.ackedInFlight(terminal.ackWindow().sent());
                        }
                        if (outbox.acked(index))
                        {
                            receipt = index; // sent once out of the monitor, then on with the rest
                        }
                    }
                }
                resume |= ackedAny && state == State.CATCHING_UP && terminal.ackWindow().sent() < ctx.window();
            }
            if (receipt >= 0)
            {
                ctx.events().delivered(receipt, terminal.terminalId());
            }
        }
        if (outbox.resumesAfterAck())
        {
            outbox.scheduleDrain();
        }
        if (resume)
        {
            reader.schedule();
        }
        return true;
    }

    /** The last {@code delivery_seq} written on this connection, 0 before the first. Event loop. */
    public long lastDeliverySeq()
    {
        return outbox.ring().lastSeq();
    }

    /** Deliveries of this connection held by delivery_seq, not yet known to be acknowledged (tests). Event loop. */
    int numberedHeld()
    {
        return outbox.ring().size();
    }

    /** Caller holds the terminal's monitor: the index is no longer outstanding (acknowledged, or below the cursor). */
    private boolean isSettled(final long index)
    {
        final byte mark = terminal.ackWindow().state(index);
        return mark != AckWindow.SENT && mark != AckWindow.SENT_URGENT;
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
            reader.restart(from, CatchUpPass.URGENT);
        }
        reader.schedule();
    }

    /**
     * Periodic checks, every {@code emcomm.timer.interval.ms}: FLASH acknowledgement deadlines, the slow-consumer
     * limit, the router-wide byte budget, and now and then the cursor of an idle live terminal ({@link
     * FeedWatchdog}). Event loop.
     */
    public void onTimer()
    {
        // a timer never runs inside a read batch: wake anything a batch left behind (belt and braces)
        DrainBatch.forThread().close();
        watchdog.onTimer();
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
        if (sink.inLoop())
        {
            releaseOnLoop();
        }
        else
        {
            sink.execute(this::releaseOnLoop);
        }
    }

    /** Picked by the router-wide memory budget; on the loop. */
    private void disconnectOverBudget()
    {
        watchdog.disconnectOverBudget();
    }

    private void releaseOnLoop()
    {
        inbox.clear();
        outbox.release();
        reader.close();
    }
}
