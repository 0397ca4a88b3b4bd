package io.emcomm.cli;

import io.emcomm.client.ClientOptions;
import io.emcomm.client.EmcommClient;
import io.emcomm.client.EmcommException;
import io.emcomm.client.Message;
import io.emcomm.client.PublishRejectedException;
import io.emcomm.protocol.address.Address;
import io.emcomm.protocol.wire.Alert;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code emcomm simulate}: a fleet of terminals of every kind with plausible traffic, for load and demos.
 * Field terminals (air, space, ground) report positions on {@code channel:positions.<kind>} and now and
 * then report incidents up the chain; command posts subscribe to positions, issue FLASH alerts down to
 * their regions and task ground units.
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
        "Run simulated terminals with realistic traffic, for load and demos.",
        "N terminals of each kind (air, space, ground, command-post): position reports every few seconds,",
        "incident reports up the chain, FLASH alerts and tasks from command posts."},
    footer = {"", "Example:", "  emcomm simulate --terminals 10 --duration 2m --position-interval 1s"})
final class SimulateCommand implements Callable<Integer>
{
    private static final double BASE_LAT = 26.57;  // Guiyang
    private static final double BASE_LON = 106.71;
    private static final String[] INCIDENTS = {"flood", "landslide", "forest-fire", "work-safety", "earthquake"};

    @Spec
    CommandSpec spec;

    @Option(names = "--router", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7400",
        converter = Converters.HostPortConverter.class, description = "Router address (default: ${DEFAULT-VALUE}).")
    Converters.HostPort router;

    @Mixin
    RouterAccessOptions access;

    @Option(names = "--terminals", paramLabel = "N", defaultValue = "2",
        description = "Terminals of each kind (default: ${DEFAULT-VALUE}).")
    int perKind;

    @Option(names = "--region", paramLabel = "CODE", defaultValue = "5201", converter = Converters.RegionConverter.class,
        description = "Region the fleet works in; terminals spread over its subregions (default: ${DEFAULT-VALUE}, Guiyang).")
    String region;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "60s", converter = Converters.DurationConverter.class,
        description = "How long to run; 0s runs until Ctrl-C (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--position-interval", paramLabel = "DURATION", defaultValue = "3s",
        converter = Converters.DurationConverter.class, description = "Position report period (default: ${DEFAULT-VALUE}).")
    Duration positionInterval;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    private final AtomicLong published = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();

    private record Terminal(EmcommClient client, TerminalKind kind, String region)
    {
    }

    @Override
    public Integer call() throws InterruptedException
    {
        if (perKind < 1 || perKind > 1000)
        {
            throw new ParameterException(spec.commandLine(), "--terminals must be in 1..1000");
        }
        if (positionInterval.toMillis() < 10 || duration.isNegative())
        {
            throw new ParameterException(spec.commandLine(), "--position-interval must be at least 10ms and --duration not negative");
        }
        final PrintWriter out = spec.commandLine().getOut();
        final List<String> subregions = subregions(region);
        final List<Terminal> terminals = new ArrayList<>();
        final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread t = new Thread(r, "emcomm-simulate");
            t.setDaemon(true);
            return t;
        });
        try
        {
            for (final TerminalKind kind : List.of(TerminalKind.AIR, TerminalKind.SPACE, TerminalKind.GROUND, TerminalKind.COMMAND_POST))
            {
                for (int i = 0; i < perKind; i++)
                {
                    final boolean post = kind == TerminalKind.COMMAND_POST;
                    // Posts: the region's own first, then one per subregion; field units spread over the subregions.
                    final String where = post ? (i == 0 ? region : subregions.get((i - 1) % subregions.size())) :
                        subregions.get(i % subregions.size());
                    final String id = post ? "sim-cp-" + where + (i > subregions.size() ? "-" + i : "") :
                        "sim-" + Address.kindName(kind) + "-" + (i + 1);
                    terminals.add(new Terminal(connect(id, kind, where), kind, where));
                }
            }
            for (final Terminal t : terminals)
            {
                if (t.kind() == TerminalKind.COMMAND_POST)
                {
                    t.client().subscribe("channel:positions.>");
                }
            }
            out.println("simulating " + terminals.size() + " terminals in " + region + " against " + router +
                (duration.isZero() ? " until interrupted" : " for " + duration.toSeconds() + " s"));
            out.flush();
            schedule(ticks, terminals);
            final long start = System.nanoTime();
            final long end = duration.isZero() ? Long.MAX_VALUE : start + duration.toNanos();
            while (System.nanoTime() - end < 0)
            {
                final long left = end - System.nanoTime();
                Thread.sleep(Math.max(1, Math.min(5_000, TimeUnit.NANOSECONDS.toMillis(left)))); // pacing, not synchronisation
                out.println(status(System.nanoTime() - start));
                out.flush();
            }
        }
        catch (final EmcommException ex)
        {
            throw new CliFailure(ex.getMessage());
        }
        finally
        {
            ticks.shutdownNow();
            terminals.forEach(t -> t.client().close());
        }
        out.println("done: " + status(duration.toNanos()));
        out.flush();
        return failed.get() == 0 ? Main.EXIT_OK : Main.EXIT_FAILURE;
    }

    private EmcommClient connect(final String id, final TerminalKind kind, final String where)
    {
        final ClientOptions options;
        try
        {
            options = access.apply(ClientOptions.builder()
                .router(router.host(), router.port())
                .terminal(id, kind, where)
                .clientName("emcomm-simulate/0.1")
                .deliveryListener(d -> delivered.incrementAndGet()))
                .build();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ParameterException(spec.commandLine(), ex.getMessage()); // a TLS file that cannot be used
        }
        return EmcommClient.connect(options);
    }

    private void schedule(final ScheduledExecutorService ticks, final List<Terminal> terminals)
    {
        final Random random = new Random(seed);
        final long period = positionInterval.toMillis();
        final List<Terminal> ground = terminals.stream().filter(t -> t.kind() == TerminalKind.GROUND).toList();
        for (final Terminal t : terminals)
        {
            final Random own = new Random(random.nextLong());
            final double[] at = {BASE_LAT + own.nextGaussian() * 0.1, BASE_LON + own.nextGaussian() * 0.1};
            final Runnable tick = t.kind() == TerminalKind.COMMAND_POST ?
                () -> commandPostTick(t, own, ground) :
                () -> fieldTick(t, own, at);
            ticks.scheduleAtFixedRate(tick, own.nextInt((int)Math.min(Integer.MAX_VALUE, period)), period, TimeUnit.MILLISECONDS);
        }
    }

    private void fieldTick(final Terminal t, final Random random, final double[] at)
    {
        at[0] += random.nextGaussian() * 0.001;
        at[1] += random.nextGaussian() * 0.001;
        final double altitude = t.kind() == TerminalKind.AIR ? 300 + random.nextInt(900) : 1000 + random.nextInt(200);
        send(t, Message.position(at[0], at[1], altitude, random.nextDouble() * 20, random.nextDouble() * 360)
            .to("channel:positions." + Address.kindName(t.kind()))
            .precedence(Precedence.ROUTINE)
            .ttl(Duration.ofMinutes(1)));
        if (t.kind() == TerminalKind.GROUND && random.nextInt(30) == 0)
        {
            send(t, Message.incident(INCIDENTS[random.nextInt(INCIDENTS.length)], t.region(),
                    "reported by " + t.client().terminalId() + ", " + random.nextInt(12) + " people affected")
                .to("up:" + t.region())
                .precedence(Precedence.IMMEDIATE));
        }
        if (t.kind() == TerminalKind.SPACE && random.nextInt(40) == 0)
        {
            send(t, Message.text("BeiDou link nominal, battery " + (40 + random.nextInt(60)) + "%")
                .to("up:" + t.region())
                .precedence(Precedence.PRIORITY));
        }
    }

    private void commandPostTick(final Terminal t, final Random random, final List<Terminal> ground)
    {
        if (random.nextInt(20) == 0)
        {
            send(t, Message.alert("Flood", Alert.Severity.SEVERE, "River level rising in " + t.region(), t.region())
                .to("region:" + t.region())
                .precedence(Precedence.FLASH)
                .ttl(Duration.ofMinutes(30)));
        }
        if (!ground.isEmpty() && random.nextInt(10) == 0)
        {
            final Terminal unit = ground.get(random.nextInt(ground.size()));
            send(t, Message.task("task-" + t.client().terminalId() + "-" + random.nextInt(100_000), "Check the bridge",
                    "Report the water level at the nearest bridge", BASE_LAT, BASE_LON)
                .to("terminal:" + unit.client().terminalId())
                .precedence(Precedence.PRIORITY));
        }
    }

    private void send(final Terminal t, final Message message)
    {
        published.incrementAndGet();
        final CompletableFuture<?> f = t.client().publish(message);
        f.whenComplete((r, ex) ->
        {
            if (ex == null)
            {
                acked.incrementAndGet();
            }
            else if (ex instanceof PublishRejectedException)
            {
                rejected.incrementAndGet();
            }
            else
            {
                failed.incrementAndGet();
            }
        });
    }

    private String status(final long elapsedNanos)
    {
        return String.format("%5.0f s  published %d  acked %d  rejected %d  failed %d  delivered %d",
            elapsedNanos / 1e9, published.get(), acked.get(), rejected.get(), failed.get(), delivered.get());
    }

    /** A few subregions one level down, where the fleet's terminals and county posts sit. */
    static List<String> subregions(final String code)
    {
        final String[] suffixes = switch (code.length())
        {
            case 2 -> new String[] {"01", "02", "03", "04"};
            case 4 -> new String[] {"02", "11", "13", "03", "12", "15"};
            case 6, 9 -> new String[] {"001", "002", "003", "004"};
            default -> new String[] {""};
        };
        final List<String> codes = new ArrayList<>();
        for (final String s : suffixes)
        {
            codes.add(code + s);
        }
        return codes;
    }
}
