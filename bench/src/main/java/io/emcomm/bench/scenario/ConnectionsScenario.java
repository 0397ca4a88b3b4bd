package io.emcomm.bench.scenario;

import io.emcomm.bench.sut.Capability;
import io.emcomm.bench.sut.Footprint;
import io.emcomm.bench.sut.IdleConnections;
import io.emcomm.bench.sut.SystemUnderTest;

import java.util.Locale;

/**
 * Memory per connected terminal: the server's footprint (heap after a full GC for a JVM server, resident
 * set for all) before and after {@code idleConnections} terminals connect and complete the handshake.
 * Every server runs in the same heap (512 MiB for the JVM ones): the bar is 10,000 terminals in it.
 */
final class ConnectionsScenario implements Scenario
{
    @Override
    public String name()
    {
        return "connections";
    }

    @Override
    public Capability needs()
    {
        return Capability.IDLE_CONNECTIONS;
    }

    @Override
    public ScenarioResult run(final SystemUnderTest system, final BenchSettings settings, final Results earlier)
        throws Exception
    {
        final ScenarioResult result = new ScenarioResult(name(), system.name());
        final int n = settings.idleConnections();
        final Footprint before = system.footprint();
        final long start = System.nanoTime();
        try (IdleConnections idle = system.openIdle(n, ThroughputScenario.prefix(name()) + "t"))
        {
            final double seconds = (System.nanoTime() - start) / 1e9;
            final Footprint after = system.footprint();
            final long open = idle.stillOpen();
            result.extras().put("connections", open);
            result.extras().put("connect_per_s", Math.round(n / seconds));
            if (before.heapUsedBytes() >= 0)
            {
                result.extras().put("heap_bytes_per_conn", (after.heapUsedBytes() - before.heapUsedBytes()) / n);
                result.extras().put("heap_used_bytes", after.heapUsedBytes());
            }
            if (before.rssBytes() >= 0)
            {
                result.extras().put("rss_bytes_per_conn", (after.rssBytes() - before.rssBytes()) / n);
                result.extras().put("rss_bytes", after.rssBytes());
            }
            if (open < n)
            {
                result.notes().add(String.format(Locale.ROOT, "%,d of %,d connections were dropped while idle", n - open, n));
            }
            if (settings.progress() != null)
            {
                settings.progress().printf(Locale.ROOT, "%-28s %,d connections in %.2f s, %s%n",
                    name() + "_" + system.name(), open, seconds, result.extras());
            }
        }
        return result;
    }
}
