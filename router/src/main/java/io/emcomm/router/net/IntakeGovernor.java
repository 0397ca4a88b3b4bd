package io.emcomm.router.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.EventExecutor;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Precedence under overload (delivery.md, "When the router is overloaded"): when the router's event loops lag
 * (the CPU is the bottleneck), reading pauses on the connections that publish only ROUTINE and PRIORITY, so that
 * what is read, journaled, routed and written is FLASH and IMMEDIATE, and the deliveries already accepted. The
 * pause is TCP back-pressure ({@code autoRead} off): transparent to clients, nothing refused, nothing dropped.
 *
 * <p>The rule, in this class's terms:
 * <ul>
 *   <li><b>Overloaded</b>: a {@link LoopLagProbe} on some event loop ran at least {@code emcomm.intake.lag.ms} later
 *       than due, within the last {@link #holdMicros()}. Lag is what every connection of that loop, and on a
 *       saturated machine every loop, waits before its next read: a FLASH included.</li>
 *   <li><b>Yields</b>: a connection whose read batch held an accepted ROUTINE or PRIORITY publish, and that has
 *       not published FLASH or IMMEDIATE for {@link #URGENT_MEMORY_MICROS}, while some other connection has (with
 *       no urgent traffic anywhere, nothing is paused: there is nothing to let through first). At the end of such a batch, while
 *       overloaded, its reading pauses ({@link IntakeGate}). A connection that mixes FLASH or IMMEDIATE with
 *       ROUTINE is never paused: the router cannot read its FLASH without first reading what is before it in
 *       the stream, so a pause would hold that FLASH. Connections that only acknowledge or subscribe are never
 *       paused either.</li>
 *   <li><b>Resumes</b>: on its loop's next probe once no loop has lagged for {@link #holdMicros()} (the loops have
 *       drained), and at the latest after {@code emcomm.intake.pause.max.ms}, so a ROUTINE publisher always makes
 *       progress (at least one read batch per pause) and a first FLASH from a ROUTINE-only connection waits at
 *       most that long.</li>
 * </ul>
 *
 * <p>Threads: {@link #reportLag} and the decisions run on any event loop; the overload state is one volatile
 * word pair, written by probes, read once per read batch of a yielding connection. Times are in microseconds
 * of {@code clock}, a monotonic clock (the router's probe uses {@link System#nanoTime()}; tests a manual one).
 */
public final class IntakeGovernor
{
    /**
     * A connection that published FLASH or IMMEDIATE this recently (microseconds) is never paused: a command post
     * that sends FLASH now and then, and ROUTINE in between, must not find its next FLASH behind a paused read.
     */
    static final long URGENT_MEMORY_MICROS = 10_000_000L;
    /** The probe never runs more often than this (microseconds), whatever the lag threshold. */
    static final long MIN_PROBE_MICROS = 250;

    private final long lagThresholdMicros;
    private final long maxPauseMicros;
    private final long probeMicros;
    private final long holdMicros;
    private final LongSupplier clock;
    /** One probe per event loop that has sessions; touched on that loop only (attach and detach). */
    private final Map<EventExecutor, LoopLagProbe> probes = new ConcurrentHashMap<>();
    private volatile boolean overloaded;
    private volatile long overloadedUntil;
    /** When any connection last published FLASH or IMMEDIATE (governor clock); written once per such read batch. */
    private volatile long lastUrgentAnywhereMicros = Long.MIN_VALUE / 4;

    /**
     * @param lagThresholdMs {@code emcomm.intake.lag.ms}: loop lag counted as overload, milliseconds; 0 = never
     *                       pause (no probe runs).
     * @param maxPauseMs     {@code emcomm.intake.pause.max.ms}: longest single pause of a connection, milliseconds.
     * @param clockMicros    monotonic microseconds.
     */
    public IntakeGovernor(final int lagThresholdMs, final int maxPauseMs, final LongSupplier clockMicros)
    {
        this.lagThresholdMicros = lagThresholdMs * 1000L;
        this.maxPauseMicros = Math.max(1, maxPauseMs) * 1000L;
        this.probeMicros = Math.max(MIN_PROBE_MICROS, lagThresholdMicros / 2);
        // A lagging loop reports once per (probe interval + its lag): hold the state over one such period
        this.holdMicros = 2 * probeMicros + lagThresholdMicros;
        this.clock = clockMicros;
    }

    /** The router's governor: {@link System#nanoTime()} in microseconds. */
    static IntakeGovernor fromNanoTime(final int lagThresholdMs, final int maxPauseMs)
    {
        return new IntakeGovernor(lagThresholdMs, maxPauseMs, () -> System.nanoTime() / 1000);
    }

    /** Whether the governor pauses anything at all ({@code emcomm.intake.lag.ms} above 0). */
    public boolean enabled()
    {
        return lagThresholdMicros > 0;
    }

    /** Now, on the governor's clock (microseconds). */
    long now()
    {
        return clock.getAsLong();
    }

    /** How often each loop's probe runs, microseconds. */
    long probeMicros()
    {
        return probeMicros;
    }

    /** How long one lagging probe keeps the router overloaded, microseconds. */
    long holdMicros()
    {
        return holdMicros;
    }

    /**
     * A probe ran {@code lagMicros} later than due at {@code nowMicros}: at or past the threshold the router is
     * overloaded for {@link #holdMicros()} from now; otherwise the state ends once its hold has passed. Any loop.
     */
    void reportLag(final long lagMicros, final long nowMicros)
    {
        if (lagMicros >= lagThresholdMicros)
        {
            final long until = nowMicros + holdMicros;
            if (!overloaded || until - overloadedUntil > 0)
            {
                overloadedUntil = until;
            }
            overloaded = true;
        }
        else if (overloaded && nowMicros - overloadedUntil >= 0)
        {
            overloaded = false;
        }
    }

    /** Whether the last probes found the router overloaded; a volatile read, no clock. */
    boolean overloaded()
    {
        return overloaded;
    }

    /** Some connection published FLASH or IMMEDIATE at {@code nowMicros}: pausing ROUTINE now protects something. Any loop. */
    void urgentPublished(final long nowMicros)
    {
        lastUrgentAnywhereMicros = nowMicros;
    }

    /**
     * May a connection that published ROUTINE/PRIORITY in its last read batch, and FLASH/IMMEDIATE last at
     * {@code lastUrgentMicros}, be paused now? Only while the router is overloaded, the connection has published
     * nothing urgent for {@link #URGENT_MEMORY_MICROS}, and some other connection has: a pause exists to let
     * FLASH and IMMEDIATE through first, and with none published anywhere for that long it would only delay
     * ROUTINE (on a 2-core machine, a loop descheduled for 2 ms by another process paused ROUTINE publishers for
     * up to 20 ms: 1to1 p99 at 20,000/s 3.4-3.7 ms with pauses, 2.4-3.0 ms without).
     */
    boolean mayPause(final long lastUrgentMicros, final long nowMicros)
    {
        return enabled() && overloaded && nowMicros - overloadedUntil < 0
            && nowMicros - lastUrgentMicros >= URGENT_MEMORY_MICROS
            && nowMicros - lastUrgentAnywhereMicros < URGENT_MEMORY_MICROS;
    }

    /** Should a connection paused at {@code pausedAtMicros} read again now? */
    boolean shouldResume(final long pausedAtMicros, final long nowMicros)
    {
        return !overloaded || nowMicros - overloadedUntil >= 0 || nowMicros - pausedAtMicros >= maxPauseMicros;
    }

    /**
     * A logged-in connection's gate, its loop's probe started if this is the loop's first session. Event loop of
     * {@code ctx}; {@link IntakeGate#close()} when the connection ends.
     */
    IntakeGate open(final ChannelHandlerContext ctx)
    {
        if (!enabled())
        {
            return new IntakeGate(this, null);
        }
        final EventExecutor loop = ctx.executor();
        final LoopLagProbe probe = probes.computeIfAbsent(loop, l -> new LoopLagProbe(this, l));
        probe.attach();
        return new IntakeGate(this, probe);
    }

    /** The loop's last session has gone: its probe stopped. Event loop of the probe. */
    void stopped(final LoopLagProbe probe)
    {
        probes.remove(probe.loop(), probe);
    }
}
