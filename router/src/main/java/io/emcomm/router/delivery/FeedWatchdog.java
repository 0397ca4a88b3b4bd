package io.emcomm.router.delivery;

import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.router.journal.JournalEntry;
import io.emcomm.router.journal.JournalReader;
import io.emcomm.router.terminal.TerminalState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic checks of one {@link DeliveryFeed}, run on each timer tick ({@code emcomm.timer.interval.ms}) and
 * when the router-wide budget picks the session:
 * <ul>
 *   <li>FLASH deadlines ({@link FlashWatch}; delivery.md, "Receipts and non-delivery"): resend once, then
 *       NOT_DELIVERED (and escalation, by {@link DeliveryEvents}); an expired FLASH is let go;</li>
 *   <li>the slow-consumer limit ({@link SlowConsumerWatch}) and the router-wide byte budget ({@link OutboundBudget}):
 *       a session that takes nothing is ended with SLOW_CONSUMER;</li>
 *   <li>every {@value #CURSOR_CATCH_UP_TICKS} ticks, the cursor of an idle live terminal skips others' traffic.</li>
 * </ul>
 * Event loop of the session only; the clock is the context's.
 */
final class FeedWatchdog implements FlashWatch.Actions
{
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryFeed.class);
    /** Every this many timer ticks (a minute by default) an idle live terminal's cursor skips others' traffic. */
    static final int CURSOR_CATCH_UP_TICKS = 60;

    private final DeliveryContext ctx;
    private final TerminalState terminal;
    private final DeliveryFeed feed;
    private final Outbox outbox;
    private final CatchUpReader reader;
    private final CursorCommitter cursor;
    private final DeliverySink sink;
    private final FlashWatch flash;
    private final SlowConsumerWatch slow;
    private long ticks;

    FeedWatchdog(final DeliveryContext ctx, final TerminalState terminal, final DeliveryFeed feed, final Outbox outbox,
        final CatchUpReader reader, final CursorCommitter cursor, final DeliverySink sink, final FlashWatch flash,
        final SlowConsumerWatch slow)
    {
        this.ctx = ctx;
        this.terminal = terminal;
        this.feed = feed;
        this.outbox = outbox;
        this.reader = reader;
        this.cursor = cursor;
        this.sink = sink;
        this.flash = flash;
        this.slow = slow;
    }

    /** One timer tick; see the class comment. */
    void onTimer()
    {
        if (!feed.ownsTerminal())
        {
            return; // a replaced session neither resends nor reports: the owner's session watches its own FLASH
        }
        if (++ticks % CURSOR_CATCH_UP_TICKS == 0)
        {
            skipCursorOverOthersTraffic();
        }
        final long now = ctx.clockMicros().getAsLong();
        flash.check(now, ctx.flashAckTimeoutMicros(), this);
        final boolean stalled = outbox.stalled();
        final long stalledSince = slow.onTick(stalled, now);
        outbox.account().noteWritten(sink);
        outbox.account().stalledSince(stalledSince);
        ctx.outbound().relieve(now);
        if (slow.isOverLimit(stalled, now))
        {
            ctx.counters().incSlowConsumerDisconnects();
            feed.close();
            feed.owner().slowConsumer();
        }
    }

    /** After each drain: whether the session took what it was given, for the slow-consumer limit and the budgets. */
    void afterDrain(final long nowMicros)
    {
        final long stalledSince = slow.afterDrain(outbox.stalled(), nowMicros);
        outbox.account().noteWritten(sink);
        outbox.account().stalledSince(stalledSince);
    }

    /** Picked by the router-wide memory budget ({@link OutboundBudget#relieve}). Event loop. */
    void disconnectOverBudget()
    {
        if (feed.state() != DeliveryFeed.State.CLOSED)
        {
            // rare and the operator's business (operations.md, "Memory"): one line per session
            LOG.warn("closing {} at {}: SLOW_CONSUMER, took nothing while the router's delivery memory ran out (it held {} bytes;"
                + " all sessions {} of {})", feed.owner(), sink.describe(), outbox.account().held(), ctx.outbound().held(),
                ctx.outbound().limit());
            ctx.counters().incSlowConsumerDisconnects();
            feed.close();
            feed.owner().slowConsumerOverBudget();
        }
    }

    @Override
    public void expired(final long index)
    {
        ctx.counters().incExpired();
        feed.done(index);
    }

    /** A FLASH missed its first deadline: read it back from the journal and queue it again, at FLASH. */
    @Override
    public void resend(final long index)
    {
        try (JournalReader r = ctx.journal().newReader())
        {
            r.seekAtOrAfter(index);
            final JournalEntry e = new JournalEntry();
            final EnvelopeHeader header = Outbox.loopHeader();
            if (r.next(e) && e.index() == index && header.wrap(e.envelope(), 0, e.envelopeLength()))
            {
                ctx.counters().incFlashResends();
                outbox.offer(DeliveryFrames.delivery(sink.alloc(), index, e.envelope(), e.envelopeLength(), e.journaledAtMicros(), 0,
                    header), Precedence.FLASH_VALUE, null, index);
                outbox.scheduleDrain();
            }
        }
    }

    @Override
    public void notDelivered(final long index)
    {
        ctx.events().notDelivered(index, terminal.terminalId(), feed.owner().identity().regionCode());
    }

    /**
     * A live terminal with nothing outstanding has taken everything journaled so far (what is not for it does
     * not concern it), so its cursor may move to the journal's end; otherwise a quiet terminal would pin old
     * journal files against retention. Under the publish lock every message journaled has been handed off, so with
     * nothing waiting in the hand-off queue and nothing in the ledger no message for this terminal can be skipped.
     * Once a minute; the only time a feed takes the publish lock.
     */
    private void skipCursorOverOthersTraffic()
    {
        feed.takeHandedOff();
        synchronized (ctx.publishLock())
        {
            synchronized (terminal)
            {
                final long last = ctx.journal().lastIndex();
                if (feed.state() == DeliveryFeed.State.LIVE && feed.owns() && feed.handOffsTaken()
                    && terminal.ackWindow().isEmpty() && last > terminal.cursor())
                {
                    reader.skipTo(last);
                    cursor.moveTo(last);
                }
            }
        }
        feed.persist();
    }
}
