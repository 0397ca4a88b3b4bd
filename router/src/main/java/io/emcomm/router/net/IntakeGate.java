package io.emcomm.router.net;

import io.emcomm.protocol.wire.Precedence;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;

/**
 * One logged-in connection's side of the {@link IntakeGovernor}: notes the precedence of what the connection
 * publishes, and at the end of a read batch pauses its reading ({@code autoRead} off) when the governor says the
 * router is overloaded and the connection yields (ROUTINE/PRIORITY only); its loop's {@link LoopLagProbe} turns
 * reading back on. While paused, the connection's bytes wait in its socket and then in the client's: TCP
 * back-pressure, nothing refused or dropped.
 *
 * <p>Event loop of the connection; the counts are read by tests and status from any thread.
 */
final class IntakeGate
{
    private static final long NEVER = Long.MIN_VALUE / 4;

    private final IntakeGovernor governor;
    /** Null when the governor is off: then nothing is ever paused. */
    private final LoopLagProbe probe;
    private Channel channel;
    private boolean sawYielding;
    private boolean sawUrgent;
    private long lastUrgentMicros = NEVER;
    private boolean paused;
    private long pausedAtMicros;
    private volatile int pauses;
    private volatile int resumes;

    IntakeGate(final IntakeGovernor governor, final LoopLagProbe probe)
    {
        this.governor = governor;
        this.probe = probe;
    }

    /** An accepted publish of {@code precedence} (protocol number) in the current read batch. No clock, no allocation. */
    void published(final int precedence)
    {
        if (precedence >= Precedence.IMMEDIATE_VALUE)
        {
            sawUrgent = true;
        }
        else
        {
            sawYielding = true;
        }
    }

    /**
     * End of a read batch (after its acks are flushed): remember a FLASH/IMMEDIATE publisher; pause a yielding
     * one while the router is overloaded. Reads the clock only for a batch that published.
     */
    void afterReadBatch(final ChannelHandlerContext ctx)
    {
        if (sawUrgent)
        {
            lastUrgentMicros = governor.now();
            governor.urgentPublished(lastUrgentMicros);
            sawUrgent = false;
            sawYielding = false;
            return;
        }
        if (!sawYielding)
        {
            return;
        }
        sawYielding = false;
        if (probe == null || paused || !governor.overloaded())
        {
            return;
        }
        final long now = governor.now();
        if (governor.mayPause(lastUrgentMicros, now))
        {
            channel = ctx.channel();
            channel.config().setAutoRead(false);
            paused = true;
            pausedAtMicros = now;
            pauses++;
            probe.paused(this);
        }
    }

    /** When the current pause began (governor clock, microseconds). */
    long pausedAtMicros()
    {
        return pausedAtMicros;
    }

    /** Reading on again (the probe decided); a closed channel is left alone. */
    void resume()
    {
        if (paused)
        {
            paused = false;
            resumes++;
            if (channel.isActive())
            {
                channel.config().setAutoRead(true);
            }
        }
    }

    /** Whether reading is paused now. */
    boolean isPaused()
    {
        return paused;
    }

    /** How many times this connection's reading was paused. Any thread. */
    int pauses()
    {
        return pauses;
    }

    /** How many times it was resumed. Any thread. */
    int resumes()
    {
        return resumes;
    }

    /** The connection ended: nothing to resume, and its loop's probe may stop. */
    void close()
    {
        if (probe != null)
        {
            paused = false;
            probe.detach(this);
        }
    }
}
