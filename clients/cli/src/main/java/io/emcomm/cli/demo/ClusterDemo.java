package io.emcomm.cli.demo;

import io.emcomm.client.Message;
import io.emcomm.client.PublishResult;
import io.emcomm.protocol.address.Address;
import io.emcomm.protocol.wire.PositionReport;
import io.emcomm.protocol.wire.Precedence;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code emcomm demo --cluster}: the flood in Guizhou of {@link Demo} (same roster, same checks) on a site of three
 * router nodes on one 3-broker Kafka cluster ({@link DemoSite}), all real processes on this machine. The terminals
 * are spread over the nodes round robin, each with the other two nodes as its fallbacks, so a publish on one node is
 * delivered on the others. Mid-scenario node-2 is killed with SIGKILL; the other nodes keep publishing, some of it to
 * node-2's terminals while they move; they fail over to their next node and catch up from the cursor the cluster
 * keeps; traffic goes on, to and from them; node-2 is started again. Then {@link Report}'s summary: "lost" counts the
 * expected deliveries not received, or whose message is not in the cluster's journal (read back from Kafka,
 * {@link ClusterJournal}) exactly once at the index its publisher was acknowledged with.
 *
 * <p>Not thread-safe: one scenario thread drives it; deliveries are recorded by {@link Tally}.
 */
public final class ClusterDemo
{
    static final String KILLED = "node-2";
    private static final String PROVINCE = "cp-52";
    private static final String CITY = "cp-5201";
    private static final String BAIYUN = "cp-520113";
    private static final Duration AUDIT_TIMEOUT = Duration.ofSeconds(60);

    private final PrintWriter out;
    private final Roster roster = Demo.roster();
    private final Tally tally;
    private final Map<String, ClusterTerminal> terminals = new LinkedHashMap<>();
    private final List<Tally.Expected> expected = new ArrayList<>();
    private final List<PublishResult> acked = new ArrayList<>();
    private final Map<String, String> moves = new LinkedHashMap<>();
    private volatile DemoSite site;
    private int stepFrom;
    private String restart = "not restarted";

    private ClusterDemo(final PrintWriter out)
    {
        this.out = out;
        this.tally = new Tally(out);
    }

    /**
     * Runs the cluster scenario and prints its progress, live log and summary to {@code out}.
     *
     * @param out       where everything is printed
     * @param dataDir   the site's folder ({@code kafka/}, {@code node-N/}, {@code node-N.log}), which must hold no
     *                  cluster or journal yet; null for a temporary folder that is deleted afterwards
     * @param mainClass the launcher's main class, run by the node processes ({@code io.emcomm.cli.Main})
     * @return 0 when no expected delivery was lost, 1 otherwise
     * @throws Demo.DemoException when the demo cannot run (a broker or node does not start, a terminal cannot log in,
     *                            a publish is not acknowledged)
     */
    public static int run(final PrintWriter out, final Path dataDir, final String mainClass)
    {
        final boolean temporary = dataDir == null;
        final Path dir = (temporary ? Demo.createTempDir() : dataDir).toAbsolutePath();
        final ClusterDemo demo = new ClusterDemo(out);
        // Ctrl-C or SIGTERM: the finally below never runs, so the hook stops what runs and keeps the folder's promise
        final Thread interrupted = new Thread(() ->
        {
            out.println("interrupted: stopping the nodes and the brokers" + (temporary ? ", deleting the temporary folder" : ""));
            out.flush();
            final DemoSite site = demo.site;
            if (site != null)
            {
                site.close();
            }
            if (temporary)
            {
                Demo.deleteQuietly(dir);
            }
        }, "cluster-demo-interrupted");
        Runtime.getRuntime().addShutdownHook(interrupted);
        try
        {
            if (!temporary && (Demo.holdsFiles(dir.resolve("kafka")) || Demo.holdsFiles(dir.resolve("node-1"))))
            {
                throw new Demo.DemoException(dir + " already holds a cluster; give the demo an empty or new folder");
            }
            out.println("EmComm demo --cluster: a flash flood in Guiyang, on three router nodes of one Kafka cluster. Data in "
                + (temporary ? "a temporary folder" : dir.toString()) + ".");
            out.println();
            final ClusterJournal journal;
            demo.site = DemoSite.start(dir, mainClass, out);
            try
            {
                demo.play();
                demo.terminals.values().forEach(ClusterTerminal::close);
                demo.site.progress("reading the cluster's journal back from Kafka (topic " + demo.site.topics().journal() + ")");
                journal = ClusterJournal.read(demo.site.bootstrap(), demo.site.topics().journal(), AUDIT_TIMEOUT);
                demo.site.progress("stopping the nodes and the brokers");
            }
            finally
            {
                demo.terminals.values().forEach(ClusterTerminal::close);
                demo.site.close();
            }
            final Report report = new Report(out, demo.tally, demo.expected, demo.acked, demo.source(journal), journal.audit());
            report.summary(demo.notes(journal));
            out.println();
            out.println(String.format(Locale.ROOT, "cluster demo done in %.1f s (brokers up in %.1f s, nodes in %.1f s); %s",
                demo.site.elapsed(), demo.site.brokersSeconds(), demo.site.nodesSeconds(), temporary
                    ? "its temporary folder is deleted" : "data kept in " + dir + " (kafka/, node-N/, node-N.log)"));
            out.flush();
            return report.lost() == 0 ? 0 : 1;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new Demo.DemoException("interrupted");
        }
        finally
        {
            try
            {
                Runtime.getRuntime().removeShutdownHook(interrupted);
            }
            catch (final IllegalStateException ignore)
            {
                // shutting down already: the hook does the rest
            }
            if (temporary)
            {
                Demo.deleteQuietly(dir);
            }
        }
    }

    private void play() throws InterruptedException
    {
        final List<RouterNodes.Node> nodes = site.nodes().all();
        int i = 0;
        for (final Roster.Member m : roster.members())
        {
            // its own node first (round robin), then the other two, in an order that alternates from one terminal of
            // a node to the next, so that a dead node's terminals spread over the others instead of all landing on one
            final RouterNodes.Node own = nodes.get(i % nodes.size());
            final List<RouterNodes.Node> others = new ArrayList<>(nodes);
            others.remove(own);
            java.util.Collections.rotate(others, i / nodes.size());
            final List<RouterNodes.Node> order = new ArrayList<>();
            order.add(own);
            order.addAll(others);
            terminals.put(m.id(), new ClusterTerminal(m, order, tally));
            i++;
        }
        out.println();
        out.println("nodes:");
        for (final RouterNodes.Node n : nodes)
        {
            out.println(String.format(Locale.ROOT, "  %-7s 127.0.0.1:%-5d pid %-7d terminals %s", n.id(), n.port(), n.pid(),
                terminals.values().stream().filter(t -> t.order().get(0) == n).map(t -> t.member().id())
                    .collect(Collectors.joining(", "))));
        }
        out.println("terminals, each logged in to its node, then the fallbacks it would move to:");
        for (final ClusterTerminal t : terminals.values())
        {
            final Roster.Member m = t.member();
            out.println(String.format(Locale.ROOT, "  %-10s %-13s %-7s %-21s %s%s", m.id(), Address.kindName(m.kind()), m.region(),
                t.order().stream().map(RouterNodes.Node::id).collect(Collectors.joining(" ")), m.label(), m.channels().isEmpty() ? "" : ", subscribes " + String.join(" ", m.channels())));
            t.connect();
        }
        out.println("live log: time since the first step, message id -> receiver, precedence, body, latency (created -> received)");
        tally.startClock();

        step("1. position reports from every node; the posts follow them on theirs");
        position("uav-1", 26.5712, 106.7135, 850);
        position("veh-1", 26.5668, 106.7149, 1070);
        position("veh-2", 26.6781, 106.6233, 1240);
        position("bd-1", 26.4188, 106.6545, 1135);
        awaitStep();

        step("2. FLASH flood alert: " + CITY + " (on " + nodeOf(CITY) + ") -> region:5201, delivered on all three nodes");
        publish(CITY, FloodMessages.floodAlert(), "region:5201");
        awaitStep();

        step("3. field reports escalated up the chain of command");
        publish("veh-1", FloodMessages.carParkFlooded(), "up:520102");
        publish("bd-1", FloodMessages.reservoirRising(), "up:520111");
        awaitStep();

        final List<ClusterTerminal> moving = terminals.values().stream().filter(t -> t.node().equals(KILLED)).toList();
        step("4. SIGKILL " + KILLED + " (pid " + site.nodes().node(KILLED).pid() + "): "
            + moving.stream().map(t -> t.member().id()).collect(Collectors.joining(", ")) + " lose their router");
        final int killedFrom = expected.size();
        final long killedAt = System.nanoTime();
        tally.nodeDied(moving.stream().map(t -> t.member().id()).toList(),
            acked.stream().mapToLong(PublishResult::journalIndex).max().orElse(0));
        moving.forEach(t -> t.nodeKilled(killedAt));
        site.nodes().kill(KILLED);
        out.println("  " + KILLED + " is gone (no shutdown, no goodbye); the other nodes take publishes for its terminals at once");
        publish(PROVINCE, Message.text("Province: 2 helicopters to Guiyang at 14:00").precedence(Precedence.PRIORITY), "region:5201");
        publish("cp-520102", Message.task("T-19", "Pump out the Qingyun Rd car park", "Boat team on the way")
            .precedence(Precedence.IMMEDIATE), "terminal:veh-1");
        position("uav-1", 26.5745, 106.7201, 900);
        publish("veh-2", Message.text("Baiyun: landslide on S102 at km 14").precedence(Precedence.IMMEDIATE), "up:520113");

        step("5. " + KILLED + "'s terminals are on their next nodes, resumed from the cursor the cluster keeps");
        failOver(moving, killedFrom);

        step("6. traffic goes on, to and from the terminals that moved");
        final PublishResult task = publish(CITY, Message.task("T-17", "Evacuate Huaxi primary school",
            "Take 40 pupils to the Huaxi sports hall", 26.4392, 106.6721).precedence(Precedence.PRIORITY).wantReceipts(true),
            "terminal:veh-3");
        expected.add(Tally.Expected.receipt(CITY, task.journalIndex(), task.messageId(), "veh-3"));
        publish("veh-1", Message.text("veh-1: 6 people off the roof, car park pumping (T-19)").precedence(Precedence.PRIORITY),
            "up:520102");
        publish(BAIYUN, Message.task("T-18", "Check the Baiyun pumping station", "Report pump status to the Baiyun post")
            .precedence(Precedence.IMMEDIATE), "terminal:veh-2");
        position("veh-1", 26.5690, 106.7170, 1068);
        awaitStep();

        step("7. " + KILLED + " starts again on its data folder and port, and rejoins the cluster");
        final long restartAt = System.nanoTime();
        site.nodes().restart(KILLED);
        restart = String.format(Locale.ROOT, "%s restarted and listening again in %.1f s", KILLED, (System.nanoTime() - restartAt) / 1e9);
        out.println("  " + restart);

        final List<Tally.Expected> missing = tally.await(expected, Demo.DELIVERY_WAIT);
        if (!missing.isEmpty())
        {
            out.println("  still missing after " + Demo.DELIVERY_WAIT.toSeconds() + " s: " + missing.size() + " deliveries");
        }
        out.flush();
    }

    /** Waits until each terminal of the killed node is on another node and has what was sent to it since the kill. */
    private void failOver(final List<ClusterTerminal> moving, final int killedFrom) throws InterruptedException
    {
        for (final ClusterTerminal t : moving)
        {
            moves.put(t.member().id(), KILLED + " -> " + t.awaitMove(Demo.DELIVERY_WAIT));
        }
        final List<Tally.Expected> sent = expected.subList(killedFrom, expected.size()).stream()
            .filter(e -> moves.containsKey(e.receiver())).toList();
        final List<Tally.Expected> notYet = tally.await(sent, Demo.DELIVERY_WAIT);
        out.println("  " + (sent.size() - notYet.size()) + " of " + sent.size() + " messages sent to them since the SIGKILL "
            + "reached them on their new nodes" + (notYet.isEmpty() ? "" : "; " + notYet.size() + " did not arrive within "
            + Demo.DELIVERY_WAIT.toSeconds() + " s"));
    }

    private String nodeOf(final String terminal)
    {
        return terminals.get(terminal).node();
    }

    private Report.Source source(final ClusterJournal journal)
    {
        final Map<String, Long> byNode = new LinkedHashMap<>();
        site.nodes().all().forEach(n -> byNode.put(n.id(), 0L));
        journal.byNode().forEach((node, n) -> byNode.merge(node, (long)n, Long::sum));
        return new Report.Source("a node once the cluster had committed it (journaled by " + byNode.entrySet().stream()
            .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")) + ")",
            journal.audit().entries().size(), "entries in the cluster's journal topic " + site.topics().journal() + " read back from Kafka",
            journal.records() + " records, " + journal.duplicates() + " later copies of a message dropped at apply",
            "a repeat is a delivery sent again after the failover because the killed node had not yet committed its ack", site.nodes().all().stream().map(RouterNodes.Node::id)
                .collect(Collectors.toSet()));
    }

    private Map<String, String> notes(final ClusterJournal journal)
    {
        final Map<String, String> notes = new LinkedHashMap<>();
        notes.put("failover", KILLED + " killed with SIGKILL mid-scenario; " + moves.entrySet().stream()
            .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")) + "; " + restart);
        final long afterFailover = moves.keySet().stream().mapToLong(tally::afterFailover).sum();
        notes.put("after it", afterFailover + " messages sent to " + KILLED + "'s terminals after the SIGKILL, delivered on the nodes"
            + " they moved to (each addressee once; repeats above)");
        notes.put("order", journal.outOfOrder().isEmpty() ? "every origin's messages are in the journal in sequence order"
            : "NOT in sequence order in the journal: " + String.join(", ", journal.outOfOrder()));
        return notes;
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
        final List<Tally.Expected> due = expected.subList(stepFrom, expected.size()).stream()
            .filter(e -> !nodeOf(e.receiver()).equals(KILLED) || site.nodes().node(KILLED).isAlive()).toList();
        for (final Tally.Expected e : tally.await(due, Demo.DELIVERY_WAIT))
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

    /** Publishes through the sender's node, waits for the ack (the cluster has committed it), records who must get it. */
    private PublishResult publish(final String from, final Message message, final String... to) throws InterruptedException
    {
        final PublishResult r = Demo.await(terminals.get(from).client().publish(message.to(to)), "publish from " + from);
        acked.add(r);
        for (final String receiver : roster.recipients(from, List.of(to)))
        {
            expected.add(Tally.Expected.message(receiver, r.journalIndex(), r.messageId()));
        }
        return r;
    }
}
