package io.emcomm.router.net;

import io.emcomm.protocol.wire.Precedence;
import io.emcomm.testing.ManualClock;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The intake governor's rule (delivery.md, "When the router is overloaded") on a manual clock: what counts as
 * overload, who yields, when reading resumes; and a loop's probe with a connection's gate on an embedded channel.
 */
class IntakeGovernorTest
{
    private static final int LAG_MS = 2;
    private static final int MAX_PAUSE_MS = 20;

    private final ManualClock clock = new ManualClock();
    private final IntakeGovernor governor = new IntakeGovernor(LAG_MS, MAX_PAUSE_MS, clock);

    private long now()
    {
        return clock.getAsLong();
    }

    private static final long NEVER_URGENT = Long.MIN_VALUE / 4;

    @Test
    void lagBelowTheThresholdIsNotOverload()
    {
        governor.reportLag(LAG_MS * 1000 - 1, now());
        assertFalse(governor.overloaded());
        assertFalse(governor.mayPause(NEVER_URGENT, now()), "nothing pauses while the loops keep up");
    }

    @Test
    void withNoFlashOrImmediateAnywhereForTenSecondsNothingIsPausedHoweverLateTheLoops()
    {
        governor.reportLag(1_000_000, now());
        assertTrue(governor.overloaded());
        assertFalse(governor.mayPause(NEVER_URGENT, now()), "no urgent traffic: a pause would only delay ROUTINE");

        governor.urgentPublished(now()); // a FLASH on some other connection
        assertTrue(governor.mayPause(NEVER_URGENT, now()), "now ROUTINE yields to it");
        clock.advanceMillis(IntakeGovernor.URGENT_MEMORY_MICROS / 1000 - 1);
        governor.reportLag(1_000_000, now());
        assertTrue(governor.mayPause(NEVER_URGENT, now()), "for ten seconds after the last one");
        clock.advanceMillis(1);
        governor.reportLag(1_000_000, now());
        assertFalse(governor.mayPause(NEVER_URGENT, now()), "then no longer");
    }

    @Test
    void aLaggingLoopMakesTheRouterOverloadedForTheHoldThenItEndsOnDrain()
    {
        governor.urgentPublished(now()); // FLASH traffic elsewhere, to be let through first
        governor.reportLag(LAG_MS * 1000, now());
        assertTrue(governor.overloaded());
        assertTrue(governor.mayPause(NEVER_URGENT, now()), "a ROUTINE-only connection yields");

        clock.advanceMillis(1);
        governor.reportLag(0, now());
        assertTrue(governor.overloaded(), "one prompt probe does not end it within the hold");

        clock.advanceMillis(governor.holdMicros() / 1000);
        assertFalse(governor.mayPause(NEVER_URGENT, now()), "past the hold nothing new is paused, even before a probe");
        governor.reportLag(0, now());
        assertFalse(governor.overloaded(), "a probe on time after the hold: drained");
    }

    @Test
    void aConnectionThatPublishedFlashOrImmediateRecentlyIsNeverPaused()
    {
        final long urgentAt = now();
        clock.advanceMillis(IntakeGovernor.URGENT_MEMORY_MICROS / 1000 - 1);
        governor.urgentPublished(now()); // another connection's FLASH, just now
        governor.reportLag(1_000_000, now());
        assertFalse(governor.mayPause(urgentAt, now()), "FLASH within the memory: the connection is read first");
        clock.advanceMillis(1);
        governor.reportLag(1_000_000, now());
        assertTrue(governor.mayPause(urgentAt, now()), "only ROUTINE since then: it yields again");
    }

    @Test
    void aPauseEndsAtTheMaximumEvenWhileTheLoopsStillLag()
    {
        governor.reportLag(50_000, now());
        final long pausedAt = now();
        assertFalse(governor.shouldResume(pausedAt, now()));
        for (int ms = 1; ms < MAX_PAUSE_MS; ms++)
        {
            clock.advanceMillis(1);
            governor.reportLag(50_000, now());
            assertFalse(governor.shouldResume(pausedAt, now()), "still lagging at " + ms + " ms");
        }
        clock.advanceMillis(1);
        governor.reportLag(50_000, now());
        assertTrue(governor.shouldResume(pausedAt, now()), "bounded: reading resumes at emcomm.intake.pause.max.ms");
    }

    @Test
    void offMeansNeverPaused()
    {
        final IntakeGovernor off = new IntakeGovernor(0, MAX_PAUSE_MS, clock);
        assertFalse(off.enabled());
        off.reportLag(10_000_000, now());
        assertFalse(off.mayPause(NEVER_URGENT, now()));
        final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        final IntakeGate gate = off.open(channel.pipeline().firstContext());
        gate.published(Precedence.ROUTINE_VALUE);
        gate.afterReadBatch(channel.pipeline().firstContext());
        assertTrue(channel.config().isAutoRead());
        assertEquals(0, gate.pauses());
        channel.finishAndReleaseAll();
    }

    @Test
    void theProbePausesARoutineOnlyConnectionAndResumesItOnceTheLoopsDrain()
    {
        final LoopLagProbe probe = new LoopLagProbe(governor, null);
        final EmbeddedChannel routine = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        final EmbeddedChannel flash = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        final EmbeddedChannel mixed = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        final IntakeGate routineGate = gate(probe);
        final IntakeGate flashGate = gate(probe);
        final IntakeGate mixedGate = gate(probe);

        // the loop ran its probe 5 ms late: overloaded
        clock.advanceMillis(5 + governor.probeMicros() / 1000);
        probe.run();
        assertTrue(governor.overloaded());

        batch(flashGate, flash, Precedence.FLASH_VALUE);
        batch(routineGate, routine, Precedence.ROUTINE_VALUE, Precedence.PRIORITY_VALUE);
        batch(mixedGate, mixed, Precedence.ROUTINE_VALUE, Precedence.FLASH_VALUE, Precedence.ROUTINE_VALUE);
        assertFalse(routine.config().isAutoRead(), "ROUTINE/PRIORITY only: reading paused");
        assertTrue(flash.config().isAutoRead(), "a FLASH publisher is read first");
        assertTrue(mixed.config().isAutoRead(), "a mixed connection's FLASH is not held behind a paused read");
        // the mixed connection's next batch is ROUTINE only: still not paused, it sent FLASH a moment ago
        batch(mixedGate, mixed, Precedence.ROUTINE_VALUE);
        assertTrue(mixed.config().isAutoRead());
        assertEquals(1, probe.pausedCount());

        // the probe on time, but within the hold: still paused
        clock.advanceMillis(governor.probeMicros() / 1000);
        probe.run();
        assertFalse(routine.config().isAutoRead());

        // the loops drained: probes on time; the first after the hold resumes reading
        for (long waited = 0; waited <= governor.holdMicros(); waited += governor.probeMicros())
        {
            clock.advanceMillis(governor.probeMicros() / 1000);
            probe.run();
        }
        assertTrue(routine.config().isAutoRead(), "resumed on drain");
        assertEquals(1, routineGate.pauses());
        assertEquals(1, routineGate.resumes());
        assertEquals(0, flashGate.pauses());
        assertEquals(0, mixedGate.pauses());
        assertEquals(0, probe.pausedCount());

        routineGate.close();
        flashGate.close();
        mixedGate.close();
        routine.finishAndReleaseAll();
        flash.finishAndReleaseAll();
        mixed.finishAndReleaseAll();
    }

    @Test
    void aClosedConnectionLeavesItsLoopsProbe()
    {
        final LoopLagProbe probe = new LoopLagProbe(governor, null);
        final EmbeddedChannel routine = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        final IntakeGate gate = gate(probe);
        governor.urgentPublished(now()); // FLASH traffic elsewhere
        clock.advanceMillis(10);
        probe.run();
        batch(gate, routine, Precedence.ROUTINE_VALUE);
        assertEquals(1, probe.pausedCount());
        gate.close();
        assertEquals(0, probe.pausedCount(), "nothing left to resume");
        routine.finishAndReleaseAll();
    }

    private IntakeGate gate(final LoopLagProbe probe)
    {
        probe.attach();
        return new IntakeGate(governor, probe);
    }

    private static void batch(final IntakeGate gate, final EmbeddedChannel channel, final int... precedences)
    {
        final ChannelHandlerContext ctx = channel.pipeline().firstContext();
        for (final int p : precedences)
        {
            gate.published(p);
        }
        gate.afterReadBatch(ctx);
    }
}
