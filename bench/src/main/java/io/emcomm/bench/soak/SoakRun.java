package io.emcomm.bench.soak;

import io.emcomm.protocol.wire.Alert;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.IncidentReport;
import io.emcomm.protocol.wire.PositionReport;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One soak run: a router in a child JVM (512 MiB, leak detection advanced), command posts of Guizhou and
 * thousands of field terminals, a mixed load for the given duration with a progress sample every interval,
 * a drain, and a {@link Verdict}.
 */
final class SoakRun
{
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(15);

    private final SoakSettings settings;
    private final PrintStream out;
    private final Ledger ledger = new Ledger();
    private final Map<String, SoakClient> directory = new ConcurrentHashMap<>();
    private final List<SoakClient> posts = new ArrayList<>();
    private final List<SoakClient> terminals = new ArrayList<>();
    private final List<Sample> samples = new ArrayList<>();
    private volatile boolean loadRunning;

    /** What a run produced. */
    record Outcome(Verdict verdict, List<Sample> samples, long published, long delivered, long lost, long unacked,
        long p99Micros, long maxMicros, List<String> leaks)
    {
    }

    SoakRun(final SoakSettings settings, final PrintStream out)
    {
        this.settings = settings;
        this.out = out;
    }

    Outcome run() throws Exception
    {
        Files.createDirectories(settings.outDir());
        // The router's log stays with the results; its journal is deleted at the end (it only grows).
        final Path workDir = settings.outDir().resolve("router-" + System.currentTimeMillis());
        final SoakRouter router = new SoakRouter(workDir);
        final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(Math.max(1, Runtime.getRuntime().availableProcessors()),
            Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        try
        {
            final RouterProbe probe = new RouterProbe(router.pid(), router.log());
            out.printf("soak: router pid %d, log %s, %d terminals, %d command posts, %ds%n", probe.pid(), probe.log(),
                settings.terminals(), Regions.commandPostRegions().size(), settings.duration().toSeconds());
            final int port = router.port();
            final Bootstrap bootstrap = new Bootstrap().group(loops)
                .channel(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true);
            connectAll(bootstrap, port);
            final Histogram all = new Histogram(3_600_000_000L, 3);
            final Thread load = new Thread(this::load, "soak-load");
            loadRunning = true;
            final long start = System.nanoTime();
            load.start();
            sample(router, probe, start, all);
            loadRunning = false;
            load.join();
            final long[] lossAndUnacked = drain();
            final Histogram last = ledger.interval(null);
            all.add(last);
            final long leaks = probe.leakLines();
            final Verdict verdict = Verdict.judge(samples, settings.duration().toMillis() / 1000.0, leaks,
                lossAndUnacked[0], lossAndUnacked[1], ledger.errors.sum());
            return new Outcome(verdict, List.copyOf(samples), ledger.published.sum(), ledger.delivered.sum(),
                lossAndUnacked[0], lossAndUnacked[1], all.getValueAtPercentile(99), all.getMaxValue(),
                List.copyOf(probe.firstLeaks()));
        }
        finally
        {
            directory.values().forEach(SoakClient::close);
            loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            router.close();
            deleteTree(workDir.resolve("data"));
        }
    }

    private void connectAll(final Bootstrap bootstrap, final int port) throws Exception
    {
        final List<String> postRegions = Regions.commandPostRegions();
        for (int i = 0; i < postRegions.size(); i++)
        {
            posts.add(client("cp-" + postRegions.get(i), TerminalKind.COMMAND_POST, postRegions.get(i)));
        }
        final TerminalKind[] kinds = {TerminalKind.GROUND, TerminalKind.GROUND, TerminalKind.AIR, TerminalKind.GROUND,
            TerminalKind.SPACE, TerminalKind.GROUND, TerminalKind.AIR};
        for (int i = 0; i < settings.terminals(); i++)
        {
            terminals.add(client(String.format("t%05d", i), kinds[i % kinds.length], Regions.terminalRegion(i)));
        }
        final List<SoakClient> everyone = new ArrayList<>(posts);
        everyone.addAll(terminals);
        // In batches, so the router's accept backlog never overflows.
        for (int from = 0; from < everyone.size(); from += 100)
        {
            final List<CompletableFuture<Void>> batch = new ArrayList<>();
            for (final SoakClient c : everyone.subList(from, Math.min(everyone.size(), from + 100)))
            {
                batch.add(c.connect(bootstrap, port));
            }
            CompletableFuture.allOf(batch.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
        }
        // City posts also watch the positions channel of their city.
        for (final SoakClient post : posts)
        {
            if (post.region.length() == 4 && !post.subscribe("channel:pos." + post.region).get(30, TimeUnit.SECONDS))
            {
                throw new IllegalStateException("subscription refused for " + post.id);
            }
        }
    }

    private SoakClient client(final String id, final TerminalKind kind, final String region)
    {
        final SoakClient c = new SoakClient(id, kind, region, ledger, directory);
        directory.put(id, c);
        return c;
    }

    /** The load thread: positions on schedule, incidents and alerts at random (exponential gaps). */
    private void load()
    {
        final SplittableRandom random = new SplittableRandom(52);
        final long positionNanos = settings.positionPeriod().toNanos();
        final long incidentNanos = settings.incidentPeriod().toNanos();
        final long alertNanos = settings.alertPeriod().toNanos();
        final long t0 = System.nanoTime();
        for (final SoakClient t : terminals)
        {
            t.nextPositionNanos = t0 + random.nextLong(positionNanos);
            t.nextEventNanos = t0 + exponential(random, incidentNanos);
        }
        for (final SoakClient p : posts)
        {
            p.nextEventNanos = t0 + exponential(random, alertNanos);
        }
        final long end = t0 + settings.duration().toNanos();
        while (loadRunning && System.nanoTime() < end)
        {
            final long now = System.nanoTime();
            for (int i = 0; i < terminals.size(); i++)
            {
                final SoakClient t = terminals.get(i);
                if (now >= t.nextPositionNanos)
                {
                    t.nextPositionNanos += positionNanos;
                    position(t, i, random);
                }
                if (now >= t.nextEventNanos)
                {
                    t.nextEventNanos = now + exponential(random, incidentNanos);
                    incident(t, random);
                }
            }
            for (final SoakClient p : posts)
            {
                if (now >= p.nextEventNanos)
                {
                    p.nextEventNanos = now + exponential(random, alertNanos);
                    alert(p);
                }
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private static long exponential(final SplittableRandom random, final long meanNanos)
    {
        return (long)(-Math.log(1.0 - random.nextDouble()) * meanNanos);
    }

    /** A quarter of the terminals report on their city's positions channel, the rest up the chain. */
    private void position(final SoakClient t, final int i, final SplittableRandom random)
    {
        final PositionReport report = PositionReport.newBuilder()
            .setLat(26.0 + random.nextDouble() * 3).setLon(104.0 + random.nextDouble() * 5)
            .setAltitudeM(t.kind == TerminalKind.AIR ? 1500 : t.kind == TerminalKind.SPACE ? 500_000 : 1000)
            .setSpeedMps(random.nextDouble() * 30).setHeadingDeg(random.nextDouble() * 360).setAccuracyM(5).build();
        final Envelope.Builder envelope = Envelope.newBuilder().setPrecedence(Precedence.ROUTINE).setPosition(report);
        if (i % 4 == 3)
        {
            t.publish(envelope.addTo("channel:pos." + Regions.city(t.region)), 1);
        }
        else
        {
            t.publish(envelope.addTo("up:" + t.region), upRecipients(t.region));
        }
    }

    private void incident(final SoakClient t, final SplittableRandom random)
    {
        final String[] types = {"flood", "landslide", "earthquake", "forest-fire", "work-safety"};
        final IncidentReport report = IncidentReport.newBuilder().setType(types[random.nextInt(types.length)])
            .setRegionCode(t.region).setInjured(random.nextInt(5)).setTrapped(random.nextInt(3))
            .addNeeds("medical").setDescription("soak incident from " + t.id).build();
        t.publish(Envelope.newBuilder().setPrecedence(Precedence.PRIORITY).setIncident(report).addTo("up:" + t.region),
            upRecipients(t.region));
    }

    /** An alert to the post's own region: recipients are field terminals, counted but not checked one by one. */
    private static void alert(final SoakClient post)
    {
        final Alert alert = Alert.newBuilder().setIdentifier(post.id + "-" + System.nanoTime()).setEvent("Flood")
            .setStatus(Alert.Status.EXERCISE).setMsgType(Alert.MsgType.ALERT).setScope(Alert.Scope.PUBLIC)
            .setUrgency(Alert.Urgency.EXPECTED).setSeverity(Alert.Severity.SEVERE)
            .setCertainty(Alert.Certainty.LIKELY).build();
        final Precedence precedence = post.region.length() == 2 ? Precedence.FLASH : Precedence.IMMEDIATE;
        post.publish(Envelope.newBuilder().setPrecedence(precedence).setAlert(alert).addTo("region:" + post.region), -1);
    }

    private int upRecipients(final String region)
    {
        int n = 0;
        for (final SoakClient post : posts)
        {
            if (Regions.upReaches(post.region, region))
            {
                n++;
            }
        }
        return n;
    }

    /** Takes a sample every interval until the load ends (the main thread). */
    private void sample(final SoakRouter router, final RouterProbe probe, final long start, final Histogram all)
        throws Exception
    {
        final long intervalNanos = settings.interval().toNanos();
        final long end = start + settings.duration().toNanos();
        long next = start + intervalNanos;
        long lastNanos = start;
        long lastIn = 0;
        long lastOut = 0;
        Histogram interval = null;
        out.println("  elapsed   in/s    out/s   p99 ms   max ms  heap(GC) MiB  rss MiB   fds  leaks");
        while (true)
        {
            final long wait = Math.min(next, end) - System.nanoTime();
            if (wait > 0)
            {
                TimeUnit.NANOSECONDS.sleep(wait); // pacing the sampler, not synchronising with the load
            }
            final long now = System.nanoTime();
            final long in = ledger.published.sum();
            final long delivered = ledger.delivered.sum();
            interval = ledger.interval(interval);
            all.add(interval);
            final double seconds = (now - lastNanos) / 1e9;
            final Sample s = new Sample((now - start) / 1e9, (in - lastIn) / seconds, (delivered - lastOut) / seconds,
                interval.getTotalCount() == 0 ? 0 : interval.getValueAtPercentile(99), interval.getMaxValue(),
                router.heapAfterGc(), router.rssBytes(), probe.openFds(), probe.leakLines());
            samples.add(s);
            out.printf(Locale.ROOT, "%7.0fs %7.0f %8.0f %8.2f %8.2f %13.1f %8.1f %5d %6d%n", s.elapsedSeconds(),
                s.inPerSecond(), s.outPerSecond(), s.p99Micros() / 1000.0, s.maxMicros() / 1000.0,
                s.heapAfterGcBytes() / 1048576.0, s.rssBytes() / 1048576.0, s.openFds(), s.leakLines());
            out.flush();
            lastNanos = now;
            lastIn = in;
            lastOut = delivered;
            if (now >= end)
            {
                return;
            }
            next += intervalNanos;
        }
    }

    private static void deleteTree(final Path dir)
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (final java.io.IOException ex)
        {
            System.err.println("soak: could not delete " + dir + ": " + ex.getMessage());
        }
    }

    /** Waits for outstanding publishes to settle; returns {lost deliveries, unacknowledged publishes}. */
    private long[] drain() throws InterruptedException
    {
        final long deadline = System.nanoTime() + DRAIN_NANOS;
        long[] counts = outstanding();
        while ((counts[0] > 0 || counts[1] > 0) && System.nanoTime() < deadline)
        {
            TimeUnit.MILLISECONDS.sleep(100); // polling a condition with a deadline
            counts = outstanding();
        }
        return counts;
    }

    private long[] outstanding()
    {
        long lost = 0;
        long unacked = 0;
        for (final SoakClient c : directory.values())
        {
            for (final SoakClient.Pending p : c.pending.values())
            {
                if (!p.acked)
                {
                    unacked++;
                }
                else if (p.tracked && p.remaining.get() > 0)
                {
                    lost++;
                }
            }
        }
        return new long[] {lost, unacked};
    }
}
