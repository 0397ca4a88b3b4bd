package io.emcomm.router.delivery;

import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.router.address.DestinationCache;
import io.emcomm.router.address.PeerScope;
import io.emcomm.router.address.RouteMatcher;
import io.emcomm.router.journal.JournalEntry;
import io.emcomm.router.journal.JournalReader;
import io.emcomm.router.terminal.AckWindow;
import io.emcomm.router.terminal.TerminalState;
import io.netty.buffer.ByteBuf;

/**
 * Reads one terminal's backlog from the journal for its {@link DeliveryFeed} while the feed is
 * {@link DeliveryFeed.State#CATCHING_UP}, filtered by the routing rules in force when it reads (protocol.md
 * section 7.2), and turns the feed live at the journal's end.
 *
 * <p><b>Precedence over the whole backlog</b> (protocol.md section 7.4). Catching up from the cursor makes three
 * passes over the backlog ({@link CatchUpPass}). The <i>urgent pass</i> reads it to the journal's end and queues
 * only FLASH and IMMEDIATE messages for this terminal; the <i>PRIORITY pass</i> reads it again and queues only
 * PRIORITY; the <i>in-order pass</i> reads it once more and queues the rest, skipping what the earlier passes
 * took (the ledger holds it). While the urgent pass runs, only FLASH is written: an IMMEDIATE may still have a
 * FLASH behind it in the journal, and no ROUTINE or PRIORITY has been read yet. So the first delivery of a
 * reconnect is the oldest FLASH whatever the backlog's size, then FLASH before IMMEDIATE before PRIORITY before
 * ROUTINE. The urgent pass decides on the envelope header flyweight (precedence first, routing rules only for
 * urgent entries), does not stop for flow control (urgent messages are always queued at once, as live), and
 * yields the event loop every {@value #SCAN} entries. The PRIORITY and in-order passes are a batch at a time
 * under the window and the queue limit, and the outbox keeps ROUTINE/PRIORITY to the in-flight limit. So hours
 * of backlog cost two extra sequential reads of the journal, and memory for the ledger entries (9 bytes each) of
 * the messages taken ahead until the in-order pass reaches them.
 *
 * <p>The alternative, a per-terminal index of undelivered urgent journal indexes kept by the publish path, was
 * rejected: an offline terminal is in no routing table, so every urgent publish would have to be matched against
 * every terminal ever seen, the index would have to be durable, and it would go stale when a terminal logs in
 * with another region or changes its subscriptions - the backlog is defined by the rules in force when it is
 * read (section 7.2), which read-time passes honour.
 *
 * <p><b>The seam.</b> At the journal's end the reader turns the feed live. Publishers hand messages to the feed
 * through its {@link HandOffQueue}, in journal order, and the feed takes them on this same event loop: a live feed
 * takes a handed-off message only above {@link #takenThrough()}, the last message for this terminal the in-order
 * read reached. So no message falls between catch-up and live (no gap: whatever is journaled after the read's end
 * is handed off, since the session was registered for routing before the catch-up began) and none is taken twice
 * (no duplicate). A dropped hand-off (the queue was full) sends the feed back to the journal from the last
 * message taken in order. No lock is shared with the publish path. A live feed needs no journal reader: it gives
 * back the tailer and its buffers (10,000 idle sessions).
 *
 * <p>The cursor moves over acknowledged messages only as far as the in-order pass has read ({@link
 * #takenThrough()}): a message taken ahead of its turn and acknowledged must not carry the cursor over older
 * messages still unread.
 *
 * <p>Threading: the positions ({@link #restart}, {@link #fallBehind}, {@link #takenThrough}) are guarded by the
 * terminal's monitor; reading runs on the session's event loop. The journal entry and envelope flyweight are
 * this reader's own, held only while catching up.
 */
final class CatchUpReader
{
    /** Messages queued per task in the PRIORITY and in-order passes. */
    static final int BATCH = 256;
    /** Entries read per task even when few are for this terminal, so one catch-up never hogs its event loop. */
    static final int SCAN = 4096;

    private final DeliveryContext ctx;
    private final TerminalState terminal;
    private final DeliveryFeed feed;
    private final Outbox outbox;
    private final CursorCommitter cursor;
    private final DeliverySink sink;
    private final Runnable task = this::run;
    private JournalReader reader;
    private JournalEntry entry;
    private EnvelopeHeader header;
    private boolean reseek;
    private long resumeAfter;
    /** Every message for this terminal up to here has been taken in journal order (queued, skipped or acked). */
    private long takenThrough;
    /** Which pass a catch-up is in; written under the terminal's monitor, read on the loop. */
    private volatile CatchUpPass pass = CatchUpPass.URGENT;
    private boolean scheduled;

    CatchUpReader(final DeliveryContext ctx, final TerminalState terminal, final DeliveryFeed feed, final Outbox outbox,
        final CursorCommitter cursor, final DeliverySink sink)
    {
        this.ctx = ctx;
        this.terminal = terminal;
        this.feed = feed;
        this.outbox = outbox;
        this.cursor = cursor;
        this.sink = sink;
    }

    /** Catch up from {@code from} (the durable cursor), starting with {@code first}. Caller holds the monitor. */
    void restart(final long from, final CatchUpPass first)
    {
        resumeAfter = from;
        takenThrough = from;
        reseek = true;
        pass = first;
    }

    /**
     * A live feed fell behind: read ROUTINE and PRIORITY from the journal again, from after the last message it
     * took. Urgent messages were all queued as they came: no urgent pass. Caller holds the monitor.
     */
    void fallBehind()
    {
        resumeAfter = takenThrough;
        reseek = true;
        pass = CatchUpPass.PRIORITY;
    }

    /** A live feed took {@code index} in journal order. Caller holds the monitor. */
    void takenLive(final long index)
    {
        takenThrough = index;
    }

    /** A live feed with nothing outstanding has taken everything up to {@code last}. Caller holds the monitor. */
    void skipTo(final long last)
    {
        takenThrough = Math.max(takenThrough, last);
    }

    /** How far the in-order read has taken this terminal's messages. Caller holds the monitor. */
    long takenThrough()
    {
        return takenThrough;
    }

    /** The pass a catch-up is in (meaningful while catching up). Any thread. */
    CatchUpPass pass()
    {
        return pass;
    }

    /** Reads the next batch on the loop, once, unless the feed is closed. Event loop. */
    void schedule()
    {
        if (!scheduled && feed.state() != DeliveryFeed.State.CLOSED)
        {
            scheduled = true;
            sink.execute(task);
        }
    }

    /** Reads a batch of this terminal's messages from the journal. Event loop. */
    void run()
    {
        scheduled = false;
        synchronized (terminal)
        {
            if (feed.state() != DeliveryFeed.State.CATCHING_UP || !feed.owns())
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
                    header = new EnvelopeHeader();
                }
                reader.seekAfter(resumeAfter);
            }
        }
        final CatchUpPass reading = pass;
        if (reading == CatchUpPass.URGENT)
        {
            scanUrgent();
            return;
        }
        int taken = 0;
        int scanned = 0;
        while (taken < BATCH && scanned < SCAN)
        {
            scanned++;
            synchronized (terminal)
            {
                if (terminal.ackWindow().sent() >= ctx.window())
                {
                    return; // resumes on ack
                }
            }
            if (outbox.size() >= ctx.queueLimit() / 2 || !outbox.account().mayRead())
            {
                return; // resumes when drained
            }
            if (!reader.next(entry))
            {
                if (reading == CatchUpPass.PRIORITY)
                {
                    nextPass(CatchUpPass.REST);
                    return;
                }
                turnLive();
                feed.persist();
                return;
            }
            if (reading == CatchUpPass.PRIORITY ? takeAhead(entry, CatchUpPass.PRIORITY) : take(entry))
            {
                taken++;
            }
        }
        synchronized (terminal)
        {
            if (feed.owns())
            {
                cursor.advance(takenThrough); // over messages taken ahead and acknowledged before this pass reached them
            }
        }
        feed.persist();
        schedule();
    }

    /**
     * The urgent pass: queues this terminal's FLASH and IMMEDIATE messages from the rest of the backlog, then
     * starts the PRIORITY pass from where this catch-up began. Reaching the journal's end is enough: the
     * session was registered for routing before the pass began, so anything journaled later is offered live,
     * and urgent messages are queued at once when offered.
     */
    private void scanUrgent()
    {
        for (int scanned = 0; scanned < SCAN; scanned++)
        {
            if (!reader.next(entry))
            {
                nextPass(CatchUpPass.PRIORITY);
                return;
            }
            takeAhead(entry, CatchUpPass.URGENT);
        }
        schedule();
    }

    /** Starts the next pass over the backlog from where this catch-up began. */
    private void nextPass(final CatchUpPass next)
    {
        synchronized (terminal)
        {
            pass = next;
            reader.seekAfter(resumeAfter);
        }
        outbox.scheduleDrain(); // after the urgent pass, what waited below FLASH may go now
        schedule();
    }

    /**
     * Queues a journal entry ahead of its turn if it is of the precedence {@code reading} takes (FLASH and
     * IMMEDIATE, or PRIORITY) and for this session and not already handled. The cursor does not move: an
     * expired one is counted and marked done by the in-order pass.
     */
    private boolean takeAhead(final JournalEntry e, final CatchUpPass reading)
    {
        if (!header.wrap(e.envelope(), 0, e.envelopeLength()))
        {
            return false;
        }
        final int precedence = header.precedenceNumber();
        final boolean urgent = precedence >= Precedence.IMMEDIATE_VALUE;
        if ((reading == CatchUpPass.URGENT ? !urgent : precedence != Precedence.PRIORITY_VALUE) || !matches(e))
        {
            return false;
        }
        synchronized (terminal)
        {
            if (!feed.owns() || e.index() <= terminal.cursor() || terminal.ackWindow().state(e.index()) != 0
                || header.isExpiredAt(ctx.clockMicros().getAsLong()))
            {
                return false;
            }
            terminal.ackWindow().addAhead(e.index(), urgent ? AckWindow.SENT_URGENT : AckWindow.SENT);
        }
        queue(e, precedence);
        return true;
    }

    /**
     * At the journal's end: turn live, unless a hand-off was dropped meanwhile (then the passes start over from
     * the last message taken in order). No publish lock: the hand-offs are taken on this same loop, in journal
     * order, and from now on a handed-off message counts as new only above {@link #takenThrough()} - the last
     * message for this terminal that this read reached - so one read here and handed off too is not taken twice,
     * and one journaled after this read's end is handed off (the session was registered for routing before the
     * catch-up began), so none falls between.
     *
     * <p>Hand-offs waiting now are not taken before turning live: one journaled after the read's end would be
     * left to the catch-up that is ending, and lost. Taken after, each is new above {@code takenThrough} or read.
     */
    private void turnLive()
    {
        final boolean live;
        synchronized (terminal)
        {
            if (!feed.owns() || pass != CatchUpPass.REST || reseek)
            {
                return;
            }
            live = !feed.restartIfHandOffDropped();
            if (live)
            {
                feed.becomeLive();
                cursor.advance(takenThrough);
            }
        }
        if (live)
        {
            close();
        }
        else
        {
            schedule();
        }
    }

    /** Queues a journal entry if it is for this session and not already handled. */
    private boolean take(final JournalEntry e)
    {
        if (!header.wrap(e.envelope(), 0, e.envelopeLength()) || !matches(e))
        {
            return false;
        }
        synchronized (terminal)
        {
            if (!feed.owns())
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
            terminal.ackWindow().add(e.index(), header.precedenceNumber() >= Precedence.IMMEDIATE_VALUE
                ? AckWindow.SENT_URGENT : AckWindow.SENT);
        }
        queue(e, header.precedenceNumber());
        return true;
    }

    /**
     * Whether the entry (its envelope wrapped in {@link #header}) is for this feed: a terminal's by the routing rules
     * ({@link RouteMatcher}), a peer link's by its scope, never what came over that link (federation).
     */
    private boolean matches(final JournalEntry e)
    {
        final PeerScope scope = feed.owner().peerScope();
        return scope == null ? RouteMatcher.reaches(feed.owner().identity(), terminal, header, DestinationCache.forThread())
            : RouteMatcher.reaches(scope, e, header, DestinationCache.forThread());
    }

    private void queue(final JournalEntry e, final int precedence)
    {
        // a peer link gets the peer variant (origin kind and region), as the live route gives it
        final ByteBuf frame = feed.owner().peerScope() == null
            ? DeliveryFrames.delivery(sink.alloc(), e.index(), e.envelope(), e.envelopeLength(), e.journaledAtMicros(), 0, header)
            : DeliveryFrames.peerDelivery(sink.alloc(), e, header);
        outbox.offer(frame, precedence, header, e.index());
        outbox.scheduleDrain();
    }

    /** Gives back the journal reader and its buffers. Event loop; the reader reopens them at its next reseek. */
    void close()
    {
        if (reader != null)
        {
            reader.close();
            reader = null;
            entry = null;
            header = null;
        }
    }
}
