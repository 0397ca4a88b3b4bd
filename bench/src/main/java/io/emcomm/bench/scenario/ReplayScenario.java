package io.emcomm.bench.scenario;

import io.emcomm.bench.sut.BenchClient;
import io.emcomm.bench.sut.Capability;
import io.emcomm.bench.sut.ClientSpec;
import io.emcomm.bench.sut.Destination;
import io.emcomm.bench.load.MessageListener;
import io.emcomm.bench.sut.SystemUnderTest;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Replay throughput: one publisher stores {@code replayMessages} messages (acknowledged), then a fresh
 * client reads them all back from the store, twice; the faster read counts (the first may still be
 * warming the JIT). Throughput is messages read per second, end to end through the client.
 */
final class ReplayScenario implements Scenario
{
    /** A replay slower than this is cut short; the rate is still what was read per second. */
    static final java.time.Duration ROUND_TIMEOUT = java.time.Duration.ofSeconds(120);

    @Override
    public String name()
    {
        return "replay";
    }

    @Override
    public Capability needs()
    {
        return Capability.REPLAY;
    }

    @Override
    public ScenarioResult run(final SystemUnderTest system, final BenchSettings settings, final Results earlier)
        throws Exception
    {
        final ScenarioResult result = new ScenarioResult(name(), system.name());
        final String prefix = ThroughputScenario.prefix(name());
        final String publisherId = prefix + "pub";
        final Destination channel = Destination.channel(prefix + "log");
        final long total = settings.replayMessages();
        final AtomicLong acked = new AtomicLong();
        final ClientSpec spec = new ClientSpec(publisherId, "52", false, false, true, ThroughputScenario.PERSISTED_WINDOW,
            MessageListener.IGNORE, (stamp, flash) -> acked.incrementAndGet());
        try (BenchClient publisher = system.connect(spec))
        {
            long sent = 0;
            while (sent < total)
            {
                if (publisher.publish(channel, System.nanoTime(), false))
                {
                    sent++;
                    if ((sent & 63) == 0)
                    {
                        publisher.flush();
                    }
                }
                else
                {
                    publisher.flush();
                    Thread.yield();
                }
            }
            publisher.flush();
            final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (acked.get() < total && System.nanoTime() < deadline)
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            if (acked.get() < total)
            {
                throw new IllegalStateException("only " + acked.get() + " of " + total + " stored messages were acknowledged");
            }
        }
        double best = 0;
        for (int round = 1; round <= 2; round++)
        {
            final long start = System.nanoTime();
            final long read = system.replayAll(publisherId, channel, total, ROUND_TIMEOUT);
            final double seconds = (System.nanoTime() - start) / 1e9;
            if (read < total)
            {
                result.notes().add(String.format(Locale.ROOT, "replay round %d read %,d of %,d", round, read, total));
            }
            best = Math.max(best, read / seconds);
            if (settings.progress() != null)
            {
                settings.progress().printf(Locale.ROOT, "%-28s replay round %d: %,d messages in %.3f s (%,.0f/s)%n",
                    name() + "_" + system.name(), round, read, seconds, read / seconds);
            }
        }
        result.maxMsgsPerSecond(best);
        result.extras().put("replayed_messages", total);
        return result;
    }
}
