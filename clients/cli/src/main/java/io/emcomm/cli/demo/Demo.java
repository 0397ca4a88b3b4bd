package io.emcomm.cli.demo;

import io.emcomm.client.ClientOptions;
import io.emcomm.client.Delivery;
import io.emcomm.client.EmcommClient;
import io.emcomm.client.EmcommException;
import io.emcomm.client.Message;
import io.emcomm.client.PublishResult;
import io.emcomm.client.ReplayResult;
import io.emcomm.protocol.address.Address;
import io.emcomm.protocol.wire.PositionReport;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.Router;
import io.emcomm.router.config.RouterConfig;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * {@code emcomm demo}: a flood in Guizhou, played by real clients over TCP against a router started in this
 * process on a free loopback port. Every publish is acknowledged before the scenario moves on and every step
 * waits (with a deadline) for the deliveries the roster says it must cause, so the live log reads in story
 * order; then {@link Report} checks every expected delivery against what the receivers got and what the
 * journal holds.
 *
 * <p>Not thread-safe: one scenario thread drives it; deliveries are recorded by {@link Tally}.
 */
public final class Demo
{
    /** A reason the demo could not run (not a delivery failure: those are counted as lost). */
    public static final class DemoException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        DemoException(final String message)
        {
            super(message, null, false, false);
        }
    }

    static final Duration ACK_WAIT = Duration.ofSeconds(5);
    static final Duration DELIVERY_WAIT = Duration.ofSeconds(10);
    private static final String PROVINCE = "cp-52";
    private static final String CITY = "cp-5201";
    private static final String BAIYUN = "cp-520113";
    private static final String HUAXI = "cp-520111";
    private static final String DROPS_OFFLINE = "veh-2";

    private final PrintWriter out;
    private final long startNanos = System.nanoTime();
    private final Roster roster = roster();
    private final Tally tally;
    private final Map<String, EmcommClient> online = new LinkedHashMap<>();
    private final List<Tally.Expected> expected = new ArrayList<>();
    private final List<PublishResult> acked = new ArrayList<>();
    private final Map<String, Long> lastPosition = new HashMap<>();
    private int port;
    /** Where the current step's expectations start in {@link #expected}. */
    private int stepFrom;
    private long caughtUp;
    private String positionsCheck = "not asked";

    private Demo(final PrintWriter out)
    {
        this.out = out;
        this.tally = new Tally(out);
    }

    /**
     * Runs the demo and prints its log, summary and journal replay to {@code out}.
     *
     * @param dataDir the router's data folder (must hold no journal yet); null for a temporary folder that
     *                is deleted afterwards
     * @return 0 when no expected delivery was lost, 1 otherwise
     * @throws DemoException when the demo cannot run: the folder holds a journal, the router does not start, a
     *                       terminal cannot log in or a publish is not acknowledged
     */
    public static int run(final PrintWriter out, final Path dataDir)
    {
        return run(out, dataDir, null);
    }

    /**
     * Told when the demo's router is up and when the scenario is over, before the router stops: how
     * {@code emcomm demo --console} (the console module) opens a console on the router and keeps it up.
     */
    public interface Watcher
    {
        /**
         * The router listens on 127.0.0.1:{@code port}, its admin endpoint on {@code adminPort} (-1 when off); no
         * terminal has logged in yet.
         */
        void routerUp(int port, int adminPort);

        /** The scenario has played; the router stops when this returns. */
        void scenarioOver() throws InterruptedException;
    }

    /** {@link #run(PrintWriter, Path)} with a {@link Watcher} (null = none). */
    public static int run(final PrintWriter out, final Path dataDir, final Watcher watcher)
    {
        final boolean temporary = dataDir == null;
        final Path dir = temporary ? createTempDir() : dataDir;
        try
        {
            // the plain demo needs no admin endpoint; a watcher (the console) reads who is connected from it
            final RouterConfig cfg = RouterConfig.builder().host("127.0.0.1").port(0).dataDir(dir)
                .adminPort(watcher == null ? -1 : 0).build();
            if (!temporary && holdsFiles(cfg.journalDir()))
            {
                throw new DemoException(dir + " already holds a journal; give the demo an empty or new folder");
            }
            final Demo demo = new Demo(out);
            final Router router = startRouter(cfg);
            try
            {
                if (watcher != null)
                {
                    watcher.routerUp(router.port(), router.adminPort());
                }
                demo.play(router.port(), temporary ? "a temporary folder" : cfg.journalDir().toString(),
                    (System.nanoTime() - demo.startNanos) / 1e9);
                if (watcher != null)
                {
                    watcher.scenarioOver();
                }
            }
            finally
            {
                demo.closeAll();
                router.close();
            }
            final JournalAudit journal = JournalAudit.read(cfg.journalDir());
            final Report report = new Report(out, demo.tally, demo.expected, demo.acked,
                Report.Source.router(router.counters(), cfg.routerId(), journal), journal);
            report.summary(demo.caughtUp, demo.positionsCheck);
            report.replay(temporary ? null : cfg.journalDir());
            return report.lost() == 0 ? 0 : 1;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new DemoException("interrupted");
        }
        finally
        {
            if (temporary)
            {
                deleteQuietly(dir);
            }
        }
    }

    /** The Guizhou roster: posts of three levels and field units of every kind. */
    static Roster roster()
    {
        return new Roster()
            .add(PROVINCE, "Guizhou provincial command centre", TerminalKind.COMMAND_POST, "52", "")
            .add(CITY, "Guiyang city post", TerminalKind.COMMAND_POST, "5201", "", "positions.>")
            .add("cp-520102", "Nanming county post", TerminalKind.COMMAND_POST, "520102", "", "positions.520102.>")
            .add(HUAXI, "Huaxi county post", TerminalKind.COMMAND_POST, "520111", "", "positions.520111.>")
            .add(BAIYUN, "Baiyun county post", TerminalKind.COMMAND_POST, "520113", "", "positions.520113.>")
            .add("uav-1", "reconnaissance UAV over Nanming", TerminalKind.AIR, "520102", "")
            .add("bd-1", "BeiDou terminal at Huaxi reservoir", TerminalKind.SPACE, "520111", "tiantong")
            .add("veh-1", "rescue vehicle, Nanming", TerminalKind.GROUND, "520102", "")
            .add(DROPS_OFFLINE, "rescue vehicle, Baiyun", TerminalKind.GROUND, "520113", "")
            .add("veh-3", "rescue vehicle, Huaxi", TerminalKind.GROUND, "520111", "");
    }

    private void play(final int routerPort, final String journalWhere, final double routerStartSeconds)
        throws InterruptedException
    {
        port = routerPort;
        out.println("EmComm demo: a flash flood in Guiyang, Guizhou. Router on 127.0.0.1:" + port + ", journal in " +
            journalWhere + ".");
        out.println();
        out.println("terminals:");
        final long loginStart = System.nanoTime();
        for (final Roster.Member m : roster.members())
        {
            out.println(String.format(Locale.ROOT, "  %-10s %-13s %-7s %s%s%s", m.id(), Address.kindName(m.kind()), m.region(),
                m.label(), m.linkProfile().isEmpty() ? "" : ", link " + m.linkProfile(),
                m.channels().isEmpty() ? "" : ", subscribes " + String.join(" ", m.channels())));
            connect(m);
        }
        out.println(String.format(Locale.ROOT, "router up in %.2f s, %d terminals logged in over TCP in %.2f s", routerStartSeconds,
            roster.members().size(), (System.nanoTime() - loginStart) / 1e9));
        out.println("live log: time since the first step, message id -> receiver, precedence, body, latency (created -> received)");
        tally.startClock();

        step("1. position reports from the UAV, the vehicles and the BeiDou terminal");
        position("uav-1", 26.5712, 106.7135, 850);
        position("veh-1", 26.5668, 106.7149, 1070);
        position(DROPS_OFFLINE, 26.6781, 106.6233, 1240);
        position("veh-3", 26.4329, 106.6703, 1130);
        position("bd-1", 26.4188, 106.6545, 1135);
        position("uav-1", 26.5745, 106.7201, 900);
        awaitStep();

        step("2. " + DROPS_OFFLINE + " loses its link in a Baiyun valley (its client is closed)");
        online.remove(DROPS_OFFLINE).close();
        out.println("  " + DROPS_OFFLINE + " is offline; the router keeps its bookmark");
        final int offlineFrom = expected.size();
        final long offlineAt = System.nanoTime();

        step("3. FLASH flood alert: " + CITY + " -> region:5201, expires in 6 h");
        publish(CITY, FloodMessages.floodAlert(), "region:5201");
        awaitStep();

        step("4. field reports escalated up the chain of command");
        publish("veh-1", FloodMessages.carParkFlooded(), "up:520102");
        publish("bd-1", FloodMessages.reservoirRising(), "up:520111");
        awaitStep();

        step("5. task from " + CITY + " to veh-3, delivery receipt requested");
        final PublishResult task = publish(CITY, Message.task("T-17", "Evacuate Huaxi primary school",
            "Take 40 pupils to the Huaxi sports hall", 26.4392, 106.6721).precedence(Precedence.PRIORITY).wantReceipts(true),
            "terminal:veh-3");
        expected.add(Tally.Expected.receipt(CITY, task.journalIndex(), task.messageId(), "veh-3"));
        awaitStep();

        step("6. traffic for " + DROPS_OFFLINE + " while it is offline");
        publish(BAIYUN, Message.task("T-18", "Check the Baiyun pumping station", "Report pump status to the Baiyun post")
            .precedence(Precedence.IMMEDIATE), "terminal:" + DROPS_OFFLINE);
        publish(BAIYUN, Message.text("Road S102 closed at km 14, use the G75").precedence(Precedence.PRIORITY),
            "region:520113/ground");
        position("uav-1", 26.5790, 106.7266, 950);
        awaitStep();

        step("7. " + DROPS_OFFLINE + " reconnects with the same id and catches up");
        reconnect(offlineFrom, offlineAt);

        step("8. the province asks the router for the latest positions in 5201");
        latestPositions("5201");

        final List<Tally.Expected> missing = tally.await(expected, DELIVERY_WAIT);
        if (!missing.isEmpty())
        {
            out.println("  still missing after " + DELIVERY_WAIT.toSeconds() + " s: " + missing.size() + " deliveries");
        }
        out.flush();
    }

    private void reconnect(final int offlineFrom, final long offlineAt) throws InterruptedException
    {
        final List<Tally.Expected> missed = new ArrayList<>();
        for (final Tally.Expected e : expected.subList(offlineFrom, expected.size()))
        {
            if (e.receiver().equals(DROPS_OFFLINE))
            {
                missed.add(e);
            }
        }
        tally.missedWhileOffline(DROPS_OFFLINE, missed.stream().map(Tally.Expected::index).toList());
        final double offlineSeconds = (System.nanoTime() - offlineAt) / 1e9;
        connect(roster.get(DROPS_OFFLINE));
        final List<Tally.Expected> notYet = tally.await(missed, DELIVERY_WAIT);
        caughtUp = tally.caughtUp(DROPS_OFFLINE);
        out.println(String.format(Locale.ROOT, "  %s caught up on %d messages missed while offline (%d expected, offline %.2f s)",
            DROPS_OFFLINE, caughtUp, missed.size(), offlineSeconds));
        if (!notYet.isEmpty())
        {
            out.println("  " + notYet.size() + " of them did not arrive within " + DELIVERY_WAIT.toSeconds() + " s");
        }
        final int from = expected.size();
        publish(DROPS_OFFLINE, Message.text("veh-2 back on line, on the way to the pumping station (T-18)")
            .precedence(Precedence.PRIORITY), "up:520113");
        awaitFrom(from);
    }

    private void latestPositions(final String region) throws InterruptedException
    {
        final ReplayResult answer = await(online.get(PROVINCE).latestPositions(region), "latest positions of " + region);
        final Set<String> reported = new TreeSet<>();
        int current = 0;
        for (final Delivery d : answer.items())
        {
            final PositionReport p = d.envelope().getPosition();
            final boolean latest = lastPosition.getOrDefault(d.origin(), -1L) == d.journalIndex();
            current += latest ? 1 : 0;
            reported.add(d.origin());
            out.println(String.format(Locale.ROOT, "  %-10s %.5f,%.5f alt %.0f m, reported %s ago%s", d.origin(), p.getLat(),
                p.getLon(), p.getAltitudeM(), Tally.latency(Tally.nowMicros() - d.envelope().getCreatedAtMicros()),
                latest ? "" : "  (NOT its latest report)"));
        }
        final List<String> units = roster.fieldUnitsIn(region);
        positionsCheck = units.size() == reported.size() && reported.containsAll(units) && current == units.size() ?
            "all " + units.size() + " field units in " + region + ", each at its latest report" :
            reported.size() + " of " + units.size() + " field units in " + region + ", " + current + " at their latest report";
        out.println("  " + positionsCheck);
    }

    private void step(final String title)
    {
        out.println();
        out.println(title);
        out.flush();
        stepFrom = expected.size();
    }

    private void awaitStep() throws InterruptedException
    {
        awaitFrom(stepFrom);
    }

    /** Waits for the deliveries expected since {@code from} by terminals that are online now. */
    private void awaitFrom(final int from) throws InterruptedException
    {
        final List<Tally.Expected> due = expected.subList(from, expected.size()).stream()
            .filter(e -> online.containsKey(e.receiver())).toList();
        final List<Tally.Expected> missing = tally.await(due, DELIVERY_WAIT);
        for (final Tally.Expected e : missing)
        {
            out.println("  NOT RECEIVED within " + DELIVERY_WAIT.toSeconds() + " s: " + e.messageId() + " at " + e.receiver());
        }
    }

    private void position(final String from, final double lat, final double lon, final double altitudeM)
        throws InterruptedException
    {
        final PositionReport.Builder p = PositionReport.newBuilder().setLat(lat).setLon(lon).setAltitudeM(altitudeM);
        final Roster.Member m = roster.get(from);
        final PublishResult r = publish(from, Message.position(p.build()).ttl(Duration.ofMinutes(10)),
            "channel:positions." + m.region() + "." + Address.kindName(m.kind()));
        lastPosition.put(from, r.journalIndex());
    }

    /** Publishes, waits for the ack, and records who must receive the message. */
    private PublishResult publish(final String from, final Message message, final String... to) throws InterruptedException
    {
        final PublishResult r = await(online.get(from).publish(message.to(to)), "publish from " + from);
        acked.add(r);
        for (final String receiver : roster.recipients(from, List.of(to)))
        {
            expected.add(Tally.Expected.message(receiver, r.journalIndex(), r.messageId()));
        }
        return r;
    }

    private void connect(final Roster.Member m) throws InterruptedException
    {
        final ClientOptions options = ClientOptions.builder()
            .router("127.0.0.1", port)
            .terminal(m.id(), m.kind(), m.region())
            .linkProfile(m.linkProfile())
            .requestTimeout(ACK_WAIT)
            .reconnectBackoff(Duration.ofMillis(50), Duration.ofSeconds(1))
            .clientName("emcomm-demo")
            .deliveryListener(d -> tally.onDelivery(m.id(), d))
            .build();
        final EmcommClient client;
        try
        {
            client = EmcommClient.connect(options);
        }
        catch (final EmcommException ex)
        {
            throw new DemoException(m.id() + " could not log in: " + ex.getMessage());
        }
        online.put(m.id(), client);
        if (!m.channels().isEmpty())
        {
            await(client.subscribe(m.channels().toArray(String[]::new)), m.id() + " subscribing");
        }
    }

    private void closeAll()
    {
        online.values().forEach(EmcommClient::close);
        online.clear();
    }

    static <T> T await(final CompletableFuture<T> f, final String what) throws InterruptedException
    {
        try
        {
            return f.get(ACK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (final ExecutionException ex)
        {
            throw new DemoException(what + " failed: " + ex.getCause().getMessage());
        }
        catch (final TimeoutException ex)
        {
            throw new DemoException(what + ": no answer from the router within " + ACK_WAIT.toSeconds() + " s");
        }
    }

    private static Router startRouter(final RouterConfig cfg)
    {
        try
        {
            return Router.start(new Router.Context().config(cfg));
        }
        catch (final RuntimeException ex)
        {
            throw new DemoException("cannot start the router: " + ex.getMessage());
        }
    }

    static boolean holdsFiles(final Path dir)
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.findAny().isPresent();
        }
        catch (final IOException ex)
        {
            return false; // absent or unreadable: the router will create it or say why it cannot
        }
    }

    static Path createTempDir()
    {
        try
        {
            return Files.createTempDirectory("emcomm-demo-");
        }
        catch (final IOException ex)
        {
            throw new DemoException("cannot create a temporary folder: " + ex.getMessage());
        }
    }

    static void deleteQuietly(final Path dir)
    {
        try (Stream<Path> files = Files.walk(dir))
        {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (final IOException | UncheckedIOException ignore)
        {
            // a temporary folder left behind is harmless
        }
    }
}
