package io.emcomm.bench.scenario;

import io.emcomm.bench.load.FlashSplitter;
import io.emcomm.bench.load.LatencySink;
import io.emcomm.bench.load.MessageListener;
import io.emcomm.bench.load.TrialResult;
import io.emcomm.bench.load.TrialRunner;
import io.emcomm.bench.sut.BenchClient;
import io.emcomm.bench.sut.Capability;
import io.emcomm.bench.sut.ClientSpec;
import io.emcomm.bench.sut.Destination;
import io.emcomm.bench.sut.Federation;
import io.emcomm.bench.sut.SystemUnderTest;
import io.emcomm.router.delivery.LinkProfile;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Across links shaped by a link profile (issue 16 item 4: {@code hop1_vsat}, {@code hop2_vsat}): a FLASH publisher and a
 * ROUTINE publisher at the bottom router of the chain, one subscriber at the top. After a discarded ROUTINE warm-up well
 * inside the link's capacity, three trials: FLASH alone (idle), then
 * ROUTINE offered at {@link #SATURATION} x what the profile could carry if a message were its 256-byte payload alone
 * (the link's ceiling: ROUTINE messages arriving per second while the link is saturated, against the profile's
 * configured bytes per second), then FLASH again while ROUTINE keeps the link saturated (loaded: FLASH must overtake
 * the backlog queued at each router). The rate search of the unshaped scenarios is not used: every failed trial would
 * leave minutes of backlog on an 8,000 B/s link for the next one to queue behind.
 */
final class ShapedLinkScenario implements Scenario
{
    /** ROUTINE offered at this multiple of the link's payload-only capacity: saturated from the first second. */
    static final double SATURATION = 4;
    /** FLASH offered at this fraction of the link's payload-only capacity, so that FLASH alone fits it. */
    static final double FLASH_SHARE = 1.0 / 8;
    /** The discarded warm-up trial's ROUTINE rate, as a fraction of the link's payload-only capacity. */
    static final double WARMUP_SHARE = 1.0 / 4;
    private static final int PAYLOAD_BYTES = 256;

    private final String name;
    private final List<String> regions;
    private final String profile;

    ShapedLinkScenario(final String name, final List<String> regions, final String profile)
    {
        this.name = name;
        this.regions = List.copyOf(regions);
        this.profile = profile;
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public Capability needs()
    {
        return Capability.FEDERATION;
    }

    @Override
    public ScenarioResult run(final SystemUnderTest system, final BenchSettings settings, final Results earlier)
        throws Exception
    {
        final ScenarioResult result = new ScenarioResult(name, system.name());
        final long profileBytes = LinkProfile.parse(profile).bytesPerSecond();
        final double payloadCapacity = (double)profileBytes / PAYLOAD_BYTES;
        final double routineRate = payloadCapacity * SATURATION;
        final double flashRate = Math.max(1, payloadCapacity * FLASH_SHARE);
        final LatencySink flashSink = new LatencySink();
        final LatencySink routineSink = new LatencySink();
        final Arrivals routineArrivals = new Arrivals(routineSink);
        final String prefix = ThroughputScenario.prefix(name);
        final Destination channel = Destination.channel(prefix + "orders");
        try (Topology t = new Topology())
        {
            final Federation federation = t.own(system.federation(name, regions, profile));
            final int bottom = regions.size() - 1;
            final ClientSpec subscriber = ClientSpec.subscriber(prefix + "sub", new FlashSplitter(flashSink, routineArrivals))
                .inRegion(regions.get(0));
            t.add(federation.connect(0, subscriber)).subscribe(channel.name());
            final BenchClient routine = t.add(federation.connect(bottom,
                ClientSpec.publisher(prefix + "routine").inRegion(regions.get(bottom))));
            final BenchClient flash = t.add(federation.connect(bottom,
                ClientSpec.publisher(prefix + "flash").inRegion(regions.get(bottom))));
            final TrialRunner runner = ThroughputScenario.runner(settings);
            final String label = name + "_" + system.name();

            // As flash_under_load does: a discarded trial through the same path first (ROUTINE well inside the link's
            // capacity, so it leaves no backlog), so that the idle numbers are not those of cold JVMs.
            runner.run(label + "_warmup", Topology.single(routine, channel, false), routineSink, 1,
                payloadCapacity * WARMUP_SHARE);
            final TrialResult idle = runner.run(label + "_idle", Topology.single(flash, channel, true), flashSink, 1,
                flashRate);
            // The trial itself fails (the link cannot carry the offered rate, the backlog outlasts the drain): what
            // counts is how many arrived per second while the link was saturated, in the trial's measured window.
            final long ceilingStart = System.nanoTime() + settings.warmup().toNanos();
            final TrialResult saturated = runner.run(label + "_ceiling", Topology.single(routine, channel, false),
                routineSink, 1, routineRate);
            final long ceilingEnd = ceilingStart + settings.duration().toNanos();
            final double ceiling = routineArrivals.between(ceilingStart, ceilingEnd) * 1e9 / (ceilingEnd - ceilingStart);
            final TrialResult loaded = runner.run(label + "_loaded", Topology.single(flash, channel, true), flashSink, 1,
                flashRate, TrialRunner.openLoop(Topology.single(routine, channel, false), routineRate));
            result.trials().add(idle);
            result.trials().add(saturated);
            result.trials().add(loaded);
            result.maxMsgsPerSecond(ceiling);
            result.latency(loaded);
            result.extras().put("profile", profile);
            result.extras().put("profile_bytes_per_s", profileBytes);
            result.extras().put("ceiling_msgs_per_s", ceiling);
            result.extras().put("ceiling_bytes_per_msg", ceiling > 0 ? Math.round(profileBytes / ceiling) : -1L);
            result.extras().put("flash_per_s", flashRate);
            result.extras().put("routine_offered_per_s", routineRate);
            result.extras().put("flash_p50_idle_us", idle.percentileMicros(50));
            result.extras().put("flash_p99_idle_us", idle.percentileMicros(99));
            result.extras().put("flash_p50_loaded_us", loaded.percentileMicros(50));
            result.extras().put("flash_p99_loaded_us", loaded.percentileMicros(99));
            result.extras().put("routine_p50_saturated_us", saturated.percentileMicros(50));
            if (!idle.passed())
            {
                result.notes().add("idle FLASH trial: " + idle.failure());
            }
            if (!loaded.passed())
            {
                result.notes().add("loaded FLASH trial: " + loaded.failure());
            }
        }
        return result;
    }

    /**
     * Arrival instants of the messages passed on to a sink (the last {@link #CAPACITY}; a shaped link delivers tens a
     * second, so that is minutes). Written on the subscriber's client thread, read once a trial has ended.
     */
    static final class Arrivals implements MessageListener
    {
        static final int CAPACITY = 1 << 16;
        private final MessageListener next;
        private final AtomicLongArray at = new AtomicLongArray(CAPACITY);
        private final AtomicInteger count = new AtomicInteger();

        Arrivals(final MessageListener next)
        {
            this.next = next;
        }

        @Override
        public void onMessage(final long stampNanos, final boolean flash)
        {
            at.set(count.getAndIncrement() & (CAPACITY - 1), System.nanoTime());
            next.onMessage(stampNanos, flash);
        }

        /** Arrivals at or after {@code fromNanos} and before {@code toNanos} ({@link System#nanoTime()}). */
        long between(final long fromNanos, final long toNanos)
        {
            final int n = Math.min(count.get(), CAPACITY);
            long inside = 0;
            for (int i = 0; i < n; i++)
            {
                final long t = at.get(i);
                if (t - fromNanos >= 0 && t - toNanos < 0)
                {
                    inside++;
                }
            }
            return inside;
        }
    }
}
