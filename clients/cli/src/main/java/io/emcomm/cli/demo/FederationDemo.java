package io.emcomm.cli.demo;

import io.emcomm.client.ClientOptions;
import io.emcomm.client.EmcommClient;
import io.emcomm.client.EmcommException;
import io.emcomm.client.Message;
import io.emcomm.client.PublishResult;
import io.emcomm.protocol.address.Address;
import io.emcomm.protocol.wire.Alert;
import io.emcomm.protocol.wire.PositionReport;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.Router;
import io.emcomm.router.config.RouterConfig;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code emcomm demo --federation}: the flood in Guizhou on three routers of one federation (issue 16) in this
 * process, province 52, city 5201 and county 520102, each with its own journal; the county's uplink is a shaped
 * {@code vsat} link that goes through a {@link LinkSwitch}, so the scenario can cut it. Real clients log in to the
 * router of their own level over TCP. The scenario cuts the county off while both sides keep publishing (a FLASH
 * among ROUTINE each way), restores the link, and ends in {@link FederationReport}'s summary, whose {@code lost}
 * is checked against what the receivers got and against all three journals read back from disk.
 *
 * <p>Expectations come from {@link Roster}, which knows nothing of the routers: a message must reach exactly whom
 * it would reach if there were one router. Not thread-safe: one scenario thread drives it.
 */
public final class FederationDemo
{
    /** One level of the federation: a short name (its data folder), its router's id, its region, where it is. */
    record Level(String name, String routerId, String region, String place)
    {
    }

    static final List<Level> LEVELS = List.of(
        new Level("prov", "prov-52", "52", "Guizhou province, Guiyang"),
        new Level("city", "city-5201", "5201", "Guiyang city"),
        new Level("county", "county-520102", "520102", "Nanming county"));
    static final String COUNTY_PROFILE = "vsat";
    private static final String VILLAGE = "vil-1";
    private static final int CUT_ROUTINE = 4;
    /** How many of the county's redials the cut refuses before the link returns. */
    private static final int REDIALS_WHILE_CUT = 4;

    private final PrintWriter out;
    private final Roster roster = new Roster()
        .add("cp-52", "Guizhou provincial command centre", TerminalKind.COMMAND_POST, "52", "")
        .add("cp-5201", "Guiyang city post", TerminalKind.COMMAND_POST, "5201", "", "positions.>")
        .add("veh-5201", "rescue vehicle, Yunyan district", TerminalKind.GROUND, "520103", "")
        .add("cp-520102", "Nanming county post", TerminalKind.COMMAND_POST, "520102", "", "positions.520102.>")
        .add("uav-1", "reconnaissance UAV over Nanming", TerminalKind.AIR, "520102", "")
        .add(VILLAGE, "Xiaohe village terminal, Nanming", TerminalKind.GROUND, "520102001001", "");
    /** Terminal id to the level whose router it logs in to. */
    private final Map<String, String> home = Map.of("cp-52", "prov", "cp-5201", "city", "veh-5201", "city",
        "cp-520102", "county", "uav-1", "county", VILLAGE, "county");
    private final Tally tally;
    private final Map<String, Router> routers = new LinkedHashMap<>();
    private final Map<String, EmcommClient> online = new LinkedHashMap<>();
    private final List<Tally.Expected> expected = new ArrayList<>();
    private final List<FederationReport.Published> published = new ArrayList<>();
    private final FederationReport.Link link = new FederationReport.Link();
    private LinkSwitch countyLink;
    private int stepFrom;

    private FederationDemo(final PrintWriter out)
    {
        this.out = out;
        this.tally = new Tally(out);
    }

    /**
     * Runs the federation scenario and prints its log and summary to {@code out}.
     *
     * @param dataDir a folder for the three routers' data ({@code prov/}, {@code city/}, {@code county/}), which must
     *                hold no journal yet; null for a temporary folder that is deleted afterwards
     * @return 0 when no expected delivery was lost, 1 otherwise
     * @throws Demo.DemoException when the demo cannot run (a router does not start, a terminal cannot log in, a
     *                            publish is not acknowledged)
     */
    public static int run(final PrintWriter out, final Path dataDir)
    {
        final boolean temporary = dataDir == null;
        final Path dir = temporary ? Demo.createTempDir() : dataDir;
        final FederationDemo demo = new FederationDemo(out);
        try
        {
            for (final Level l : LEVELS)
            {
                if (!temporary && Demo.holdsFiles(dir.resolve(l.name()).resolve("journal")))
                {
                    throw new Demo.DemoException(dir + " already holds a journal; give the demo an empty or new folder");
                }
            }
            try
            {
                demo.startRouters(dir);
                demo.play(temporary ? "a temporary folder" : dir.toString());
            }
            finally
            {
                demo.closeAll();
            }
            final FederationReport report = new FederationReport(out, demo.tally, demo.expected, demo.published, demo.link,
                dir, demo.routers, demo.home);
            report.summary();
            return report.lost() == 0 ? 0 : 1;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new Demo.DemoException("interrupted");
        }
        finally
        {
            if (temporary)
            {
                Demo.deleteQuietly(dir);
            }
        }
    }

    private void startRouters(final Path dir)
    {
        String uplink = "";
        String parentId = "";
        for (final Level l : LEVELS)
        {
            final RouterConfig.Builder b = RouterConfig.builder().host("127.0.0.1").port(0).adminPort(-1)
                .dataDir(dir.resolve(l.name())).routerId(l.routerId()).set("emcomm.router.region", l.region());
            if (!uplink.isEmpty())
            {
                b.set("emcomm.uplink", uplink).set("emcomm.uplink.router.id", parentId);
            }
            if (l.name().equals("county"))
            {
                b.set("emcomm.uplink.profile", COUNTY_PROFILE);
            }
            final Router r;
            try
            {
                r = Router.start(new Router.Context().config(b.build()));
            }
            catch (final RuntimeException ex)
            {
                throw new Demo.DemoException("cannot start the " + l.name() + " router: " + ex.getMessage());
            }
            routers.put(l.name(), r);
            if (l.name().equals("prov"))
            {
                uplink = "127.0.0.1:" + r.port();
            }
            else if (l.name().equals("city"))
            {
                countyLink = new LinkSwitch(r.port());
                uplink = "127.0.0.1:" + countyLink.port();
            }
            parentId = l.routerId();
        }
    }

    private void play(final String dataWhere) throws InterruptedException
    {
        out.println("EmComm demo --federation: a flash flood in Guiyang, on three routers that federate up and down. Data in "
            + dataWhere + ".");
        out.println();
        out.println("routers:");
        for (final Level l : LEVELS)
        {
            out.println(String.format(Locale.ROOT, "  %-13s region %-7s 127.0.0.1:%-5d %s%s", l.routerId(), l.region(),
                routers.get(l.name()).port(), l.place(), switch (l.name())
                {
                    case "city" -> ", uplink to prov-52";
                    case "county" -> ", uplink to city-5201 on a " + COUNTY_PROFILE + " link (8 kB/s) that the scenario cuts";
                    default -> "";
                }));
        }
        out.println("terminals, each logged in to the router of its level:");
        for (final Roster.Member m : roster.members())
        {
            out.println(String.format(Locale.ROOT, "  %-10s %-13s %-13s at %-7s %s", m.id(), Address.kindName(m.kind()),
                m.region(), home.get(m.id()), m.label()));
            connect(m);
        }
        out.println("live log: time, message id -> receiver, precedence, body, latency (created -> received)");
        tally.startClock();

        step("1. the Nanming county post reports in, up the chain of command (county -> city -> province)");
        publish("cp-520102", Message.text("Nanming county post on line, river at 2.1 m").precedence(Precedence.IMMEDIATE),
            "up:520102");
        awaitStep();

        step("2. FLASH from the province to all of Guizhou");
        publish("cp-52", Message.alert("Flood", Alert.Severity.SEVERE, "Heavy rain: 150 mm in 6 h over Guiyang", "52")
            .precedence(Precedence.FLASH).ttl(Duration.ofHours(6)), "region:52");
        awaitStep();

        step("3. the UAV reports its position; the county and city posts follow it");
        position("uav-1", 26.5712, 106.7135, 850);
        awaitStep();

        step("4. the county's link is cut (fibre down, VSAT lost): the county works on its own");
        countyLink.cut();
        link.cutAt = System.nanoTime();
        final int cutFrom = expected.size();
        for (int i = 1; i <= CUT_ROUTINE; i++)
        {
            publish(VILLAGE, Message.text("Xiaohe: water at the school gate, report " + i), "up:520102001001");
            publish("cp-5201", Message.text("Guiyang: pumps and boats dispatched, update " + i), "region:520102");
        }
        position("uav-1", 26.5745, 106.7201, 900);
        publish("cp-52", Message.text("Province: 2 helicopters to Guiyang at 14:00").precedence(Precedence.PRIORITY),
            "region:5201");
        publish("cp-520102", Message.incident("dam", "520102", "Seepage at the Xiaohe reservoir dam, 300 people below it")
            .precedence(Precedence.FLASH), "up:520102");
        // from the city itself, so that it is in the city's journal, behind the routine updates, when the link returns
        publish("cp-5201", Message.alert("Flood", Alert.Severity.EXTREME, "Evacuate low ground along the Nanming River now",
            "520102").precedence(Precedence.FLASH).ttl(Duration.ofHours(6)), "region:520102");
        final List<Tally.Expected> duringCut = new ArrayList<>(expected.subList(cutFrom, expected.size()));
        final List<Tally.Expected> local = duringCut.stream().filter(this::local).toList();
        final int missing = tally.await(local, Demo.DELIVERY_WAIT).size();
        link.waitingUp = crossing(duringCut, true);
        link.waitingDown = crossing(duringCut, false);
        out.println(String.format(Locale.ROOT, "  delivered on their own side of the cut: %d; waiting to cross: %d up, %d down",
            local.size() - missing, link.waitingUp.size(), link.waitingDown.size()));
        // the link stays down until the county has noticed and tried again a few times (100 ms, 200 ms, 400 ms ...)
        final boolean redialled = countyLink.awaitRefusedDials(REDIALS_WHILE_CUT, Demo.DELIVERY_WAIT.toMillis());
        out.println("  the county " + (redialled ? "redialled the city " + countyLink.refused() + " times, refused by the cut"
            : "did not redial within " + Demo.DELIVERY_WAIT.toSeconds() + " s"));

        step("5. the link returns: what waited crosses, most urgent first, each message once");
        final long bytesUpBefore = countyLink.bytesUp();
        final long bytesDownBefore = countyLink.bytesDown();
        countyLink.restore();
        link.restoredAt = System.nanoTime();
        tally.await(duringCut, Demo.DELIVERY_WAIT.multipliedBy(3));
        link.firstUp = firstArrival(link.waitingUp, "cp-5201");
        link.firstDown = firstArrival(link.waitingDown, "cp-520102");
        out.println(String.format(Locale.ROOT, "  link down %.2f s; after it returned %d bytes crossed up and %d down; "
            + "first across: up %s, down %s", (link.restoredAt - link.cutAt) / 1e9, countyLink.bytesUp() - bytesUpBefore,
            countyLink.bytesDown() - bytesDownBefore, link.firstUp, link.firstDown));

        step("6. a task from the province to the Xiaohe village, delivery receipt requested");
        final PublishResult task = publish("cp-52", Message.task("T-52-7", "Open the Xiaohe school as a shelter",
            "Take in the families from the river bank", 26.5601, 106.7102).precedence(Precedence.PRIORITY).wantReceipts(true),
            "region:520102001001");
        expected.add(Tally.Expected.receiptAnywhere("cp-52", task.messageId(), VILLAGE));
        awaitStep();

        step("7. the village warns the whole province");
        publish(VILLAGE, Message.text("Xiaohe: the bridge on X041 is washed out").precedence(Precedence.IMMEDIATE), "region:52");
        awaitStep();

        final List<Tally.Expected> notYet = tally.await(expected, Demo.DELIVERY_WAIT);
        if (!notYet.isEmpty())
        {
            out.println("  still missing after " + Demo.DELIVERY_WAIT.toSeconds() + " s: " + notYet.size() + " deliveries");
        }
        out.flush();
    }

    /** Whether an expected delivery stays on one side of the county's link (receiver and sender on the same side). */
    private boolean local(final Tally.Expected e)
    {
        final String origin = e.messageId().substring(0, e.messageId().indexOf('/'));
        return home.get(e.receiver()).equals("county") == home.get(origin).equals("county");
    }

    /** The ids of the messages published during the cut that must cross the link, up (from the county) or down. */
    private List<String> crossing(final List<Tally.Expected> duringCut, final boolean up)
    {
        final Set<String> ids = new HashSet<>();
        final List<String> ordered = new ArrayList<>();
        for (final Tally.Expected e : duringCut)
        {
            final String origin = e.messageId().substring(0, e.messageId().indexOf('/'));
            if (!local(e) && home.get(origin).equals("county") == up && ids.add(e.messageId()))
            {
                ordered.add(e.messageId());
            }
        }
        return ordered;
    }

    /** The first of {@code ids} that {@code receiver} got, with its precedence, or "nothing". */
    private String firstArrival(final List<String> ids, final String receiver)
    {
        for (final Tally.Received r : tally.receivedBy(receiver))
        {
            if (ids.contains(r.messageId()))
            {
                return r.messageId() + " " + FederationReport.precedence(r.envelope().getPrecedence()) + " (at " + receiver + ")";
            }
        }
        return "nothing";
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
        final List<Tally.Expected> missing = tally.await(expected.subList(stepFrom, expected.size()), Demo.DELIVERY_WAIT);
        for (final Tally.Expected e : missing)
        {
            out.println("  NOT RECEIVED within " + Demo.DELIVERY_WAIT.toSeconds() + " s: " + e.messageId() + " at " + e.receiver());
        }
    }

    private void position(final String from, final double lat, final double lon, final double altitudeM)
        throws InterruptedException
    {
        final Roster.Member m = roster.get(from);
        publish(from, Message.position(PositionReport.newBuilder().setLat(lat).setLon(lon).setAltitudeM(altitudeM).build())
            .ttl(Duration.ofMinutes(10)), "channel:positions." + m.region() + "." + Address.kindName(m.kind()));
    }

    /** Publishes, waits for the ack of the sender's own router, and records who must receive the message. */
    private PublishResult publish(final String from, final Message message, final String... to) throws InterruptedException
    {
        final PublishResult r = Demo.await(online.get(from).publish(message.to(to)), "publish from " + from);
        published.add(new FederationReport.Published(r, home.get(from)));
        for (final String receiver : roster.recipients(from, List.of(to)))
        {
            expected.add(Tally.Expected.messageAnywhere(receiver, r.messageId()));
        }
        return r;
    }

    private void connect(final Roster.Member m) throws InterruptedException
    {
        final Router router = routers.get(home.get(m.id()));
        final ClientOptions options = ClientOptions.builder()
            .router("127.0.0.1", router.port())
            .terminal(m.id(), m.kind(), m.region())
            .requestTimeout(Demo.ACK_WAIT)
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
            throw new Demo.DemoException(m.id() + " could not log in: " + ex.getMessage());
        }
        online.put(m.id(), client);
        if (!m.channels().isEmpty())
        {
            Demo.await(client.subscribe(m.channels().toArray(String[]::new)), m.id() + " subscribing");
        }
    }

    private void closeRouter(final String level)
    {
        final Router r = routers.get(level);
        if (r != null)
        {
            r.close();
        }
    }

    private void closeAll()
    {
        online.values().forEach(EmcommClient::close);
        online.clear();
        // children first, so that none redials a parent that is already gone
        closeRouter("county");
        if (countyLink != null)
        {
            countyLink.close();
        }
        closeRouter("city");
        closeRouter("prov");
    }
}
