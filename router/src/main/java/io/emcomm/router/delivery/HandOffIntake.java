package io.emcomm.router.delivery;

import io.emcomm.protocol.wire.Precedence;
import io.emcomm.router.terminal.AckWindow;
import io.emcomm.router.terminal.TerminalState;
import io.netty.buffer.ByteBuf;

/**
 * The feed's own side of the hand-off: takes what publishers queued in the {@link HandOffQueue}, in journal order,
 * and decides for each frame what the publish path used to decide under the terminal's monitor - queued live,
 * queued ahead of the catch-up (FLASH, IMMEDIATE, and PRIORITY once its pass is over), or left to the catch-up -
 * and sends the feed back to the journal when a live feed has fallen behind or a hand-off was dropped.
 *
 * <p><b>The seam.</b> A live feed takes a handed-off message only above {@link CatchUpReader#takenThrough()}, the
 * last message for its terminal that the in-order read reached: the reader and this intake run on the same loop,
 * and hand-offs come in journal order, so a message read from the journal and handed off too is taken once, and
 * one journaled after the read's end is handed off (see {@link CatchUpReader}).
 *
 * <p>Threading: the feed's event loop only; the terminal's monitor is taken once per batch of hand-offs, and no
 * publishing thread takes it on the delivery path.
 */
final class HandOffIntake
{
    private final DeliveryContext ctx;
    private final TerminalState terminal;
    private final DeliveryFeed feed;
    private final HandOffQueue inbox;
    private final Outbox outbox;
    private final CatchUpReader reader;

    HandOffIntake(final DeliveryContext ctx, final TerminalState terminal, final DeliveryFeed feed, final HandOffQueue inbox,
        final Outbox outbox, final CatchUpReader reader)
    {
        this.ctx = ctx;
        this.terminal = terminal;
        this.feed = feed;
        this.inbox = inbox;
        this.outbox = outbox;
        this.reader = reader;
    }

    /**
     * Takes every frame handed off since the last look; after an overflow, falls back to catching up from the last
     * message taken in order, urgent pass first. Event loop; one monitor enter per batch, uncontended but for rare
     * control operations.
     */
    void takeAll()
    {
        ByteBuf frame = inbox.poll();
        if (frame == null && !inbox.hasOverflowed())
        {
            return;
        }
        final boolean catchUp;
        synchronized (terminal)
        {
            for (; frame != null; frame = inbox.poll())
            {
                admitUnsafe(frame);
            }
            // everything queued before the gap was polled above
            catchUp = restartIfDropped();
        }
        if (catchUp)
        {
            reader.schedule();
        }
    }

    /**
     * After a dropped hand-off: what was dropped lies after the last message taken in order, and may hold FLASH, so
     * the feed catches up from there, all three passes. Caller holds the terminal's monitor, on the loop, and has
     * taken what was queued before the gap (or is at the journal's end, where none of it matters).
     *
     * @return whether the feed went back to catching up (the caller schedules the reader).
     */
    boolean restartIfDropped()
    {
        if (!inbox.takeOverflow() || !feed.owns())
        {
            return false;
        }
        ctx.counters().incSlowConsumerDrops();
        feed.catchUpUnsafe(true);
        return true;
    }

    /** One handed-off frame; caller holds the terminal's monitor, on the loop. Takes ownership of {@code frame}. */
    private void admitUnsafe(final ByteBuf frame)
    {
        final long index = DeliveryFrames.index(frame);
        final int precedence = DeliveryFrames.precedenceNumber(DeliveryFrames.facts(frame));
        final boolean urgent = precedence >= Precedence.IMMEDIATE_VALUE;
        if (!feed.owns())
        {
            // replaced or closed: the owner's catch-up reads this message from the journal
            frame.release();
            return;
        }
        final boolean live = feed.state() == DeliveryFeed.State.LIVE;
        if (live)
        {
            if (index <= reader.takenThrough())
            {
                // The seam: the catch-up read this one from the journal before it turned live.
                frame.release();
                return;
            }
            if (!urgent && (terminal.ackWindow().sent() >= ctx.window() || outbox.size() >= ctx.queueLimit()
                || !outbox.account().admitsLive(frame.capacity())))
            {
                // Fallen behind: defer ROUTINE and PRIORITY to the journal, from just before this message.
                feed.catchUpUnsafe(false);
                frame.release();
                ctx.counters().incSlowConsumerDrops();
                return;
            }
            reader.takenLive(index);
        }
        else if (!(urgent || precedence == Precedence.PRIORITY_VALUE && reader.pass() == CatchUpPass.REST && hasRoomUnsafe())
            || index <= terminal.cursor() || terminal.ackWindow().state(index) != 0)
        {
            // Catching up: the reader will come to it (or has already taken it: a publish is journaled before
            // it is handed off, so a pass can read it first). A PRIORITY message is queued at once only once the
            // PRIORITY pass is over, where the in-order pass would otherwise put it behind older ROUTINE.
            frame.release();
            return;
        }
        // FLASH and IMMEDIATE are never deferred behind lower precedence, even while catching up; the
        // reader skips them because the ledger already holds them.
        final byte mark = urgent ? AckWindow.SENT_URGENT : AckWindow.SENT;
        if (live)
        {
            terminal.ackWindow().add(index, mark);
        }
        else
        {
            terminal.ackWindow().addAhead(index, mark); // ahead of the catch-up's in-order read
        }
        outbox.offerHandedOff(frame, precedence, index);
    }

    /** The window and the queue have room for one more from the journal. Caller holds the terminal's monitor. */
    private boolean hasRoomUnsafe()
    {
        return terminal.ackWindow().sent() < ctx.window() && outbox.size() < ctx.queueLimit() / 2 && outbox.account().mayRead();
    }
}
