package io.emcomm.bench.scenario;

import io.emcomm.bench.sut.Capability;
import io.emcomm.bench.sut.Footprint;
import io.emcomm.bench.sut.IdleConnections;
import io.emcomm.bench.sut.ServerLimits;
import io.emcomm.bench.sut.SystemUnderTest;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Memory per connected terminal: the server's footprint (heap after a full GC for a JVM server, resident
 * set for all) before and after {@code idleConnections} terminals (100,000 in a full run) connect from
 * several loopback source addresses and complete the handshake. The JVM servers run in a 1 GiB heap here
 * ({@code -Demcomm.bench.connectionsHeap}): the bar is 100,000 terminals in it.
 *
 * <p>Extras of the row: {@code connections} still open after the footprint was taken, {@code connect_s} and
 * {@code connect_per_s}, {@code source_addresses}, {@code heap_bytes_per_conn} and {@code heap_used_bytes}
 * (JVM servers), {@code rss_bytes_per_conn} and {@code rss_bytes}.
 */
final class ConnectionsScenario implements Scenario
{
    /** Heap of the JVM servers in this scenario. */
    static final String HEAP = System.getProperty("emcomm.bench.connectionsHeap", "1g");
    /** Descriptors beyond one per connection: jars, journal files, pipes, the harness's other sockets. */
    private static final int SPARE_FILES = 20_000;
    /** Descriptors kept free when the limit could not be raised and the count is cut to fit under it. */
    private static final int SPARE_WHEN_CAPPED = 1_000;

    /** Connections that fit under the open-file limit when it could not be raised; MAX_VALUE when it was. */
    private int fitsUnderLimit = Integer.MAX_VALUE;

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
    public String serverHeap()
    {
        return HEAP;
    }

    /** Raises the open-file limit of the harness and the servers it starts to the connection count and some. */
    @Override
    public void prepare(final BenchSettings settings, final PrintStream log)
    {
        final String problem = ServerLimits.raiseOpenFiles(settings.idleConnections() + (long)SPARE_FILES);
        if (problem != null)
        {
            final long soft = ServerLimits.openFileLimit();
            fitsUnderLimit = soft > 0 && soft - SPARE_WHEN_CAPPED < settings.idleConnections()
                ? (int)Math.max(1, soft - SPARE_WHEN_CAPPED) : Integer.MAX_VALUE;
            log.println("connections: " + problem + (fitsUnderLimit < Integer.MAX_VALUE
                ? String.format(Locale.ROOT, "; %,d terminals are connected instead of %,d", fitsUnderLimit,
                settings.idleConnections()) : ""));
        }
    }

    @Override
    public ScenarioResult run(final SystemUnderTest system, final BenchSettings settings, final Results earlier)
        throws Exception
    {
        final ScenarioResult result = new ScenarioResult(name(), system.name());
        final int n = Math.min(settings.idleConnections(), fitsUnderLimit);
        if (n < settings.idleConnections())
        {
            result.notes().add(String.format(Locale.ROOT, "open-file limit %,d could not be raised: %,d of %,d terminals",
                ServerLimits.openFileLimit(), n, settings.idleConnections()));
        }
        final IdleConnections.Plan plan = new IdleConnections.Plan(n, settings.connectionsPerAddress(), settings.progress());
        if (settings.progress() != null)
        {
            settings.progress().printf(Locale.ROOT, "%-28s connecting %,d terminals from %d loopback source address(es)%n",
                name() + "_" + system.name(), n, plan.sourceAddresses());
        }
        final Footprint before = system.footprint();
        final long start = System.nanoTime();
        try (IdleConnections idle = system.openIdle(plan, ThroughputScenario.prefix(name()) + "t"))
        {
            final double seconds = (System.nanoTime() - start) / 1e9;
            final Footprint after = system.footprint();
            final long open = idle.stillOpen();
            result.extras().put("connections", open);
            result.extras().put("source_addresses", (long)idle.sourceAddresses());
            result.extras().put("connect_s", Math.round(seconds * 10) / 10.0);
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
