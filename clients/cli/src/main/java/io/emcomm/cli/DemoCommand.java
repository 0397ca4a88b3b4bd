package io.emcomm.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.emcomm.cli.demo.ClusterDemo;
import io.emcomm.cli.demo.Demo;
import io.emcomm.cli.demo.FederationDemo;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code emcomm demo}: a short flood scenario in Guizhou on a private in-process router (see {@link Demo}), or with
 * {@code --federation} on three federated routers (see {@link FederationDemo}), or with {@code --cluster} on three router
 * nodes of one local Kafka cluster, one of which is killed with SIGKILL (see {@link ClusterDemo}).
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
        "Play a short flood scenario in Guizhou on a private router.",
        "Starts a router on a free loopback port and connects command posts",
        "(province 52, Guiyang 5201, counties 520102, 520111, 520113), a UAV, a",
        "BeiDou terminal and rescue vehicles over TCP. Plays position reports, a",
        "FLASH flood alert, an incident up the chain, a task with a receipt and a",
        "vehicle that drops offline and catches up. Prints each delivery, a summary",
        "whose lost count is checked against the journal, and a journal replay.",
        "With --federation: the same flood on three routers that federate (province 52,",
        "city 5201, county 520102 on a shaped vsat uplink); the county's link is cut for",
        "part of it while both sides keep publishing, then restored (docs/federation.md).",
        "With --cluster: the same flood on a local 3-broker Kafka cluster and three",
        "router nodes (child processes); node-2 is killed with SIGKILL mid-scenario,",
        "its terminals fail over to the other nodes, and lost is checked against the",
        "cluster's journal read back from Kafka (docs/cluster.md). Takes about a minute.",
        "Exit code 0 when no expected delivery was lost, 1 otherwise."},
    footer = {"", "Examples:", "  emcomm demo", "  emcomm demo --data ./demo-data", "  emcomm demo --federation", "  emcomm demo --cluster",
        "  emcomm replay --data ./demo-data --precedence flash"})
final class DemoCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR",
        description = "Keep the router's data (journal) in DIR, which must not hold a journal yet " +
            "(default: a temporary folder, deleted at the end).")
    Path data;

    @Option(names = "--federation",
        description = "Play the scenario on three federated routers (province, city, county) and cut the county's link; "
            + "with --data, each router's data is in DIR/prov, DIR/city and DIR/county.")
    boolean federation;

    @Option(names = "--cluster",
        description = "Play the scenario on three router nodes of a local 3-broker Kafka cluster and SIGKILL one of them; "
            + "with --data, the brokers' data is in DIR/kafka and each node's in DIR/node-N (log DIR/node-N.log).")
    boolean cluster;

    @Override
    public Integer call()
    {
        if (federation && cluster)
        {
            throw new ParameterException(spec.commandLine(), "--federation and --cluster are two different demos: give one");
        }
        try
        {
            final int lost;
            if (cluster)
            {
                quietKafkaClients();
                lost = ClusterDemo.run(spec.commandLine().getOut(), data, Main.class.getName());
            }
            else
            {
                lost = federation ? FederationDemo.run(spec.commandLine().getOut(), data) : Demo.run(spec.commandLine().getOut(), data);
            }
            return lost == 0 ? Main.EXIT_OK : Main.EXIT_FAILURE;
        }
        catch (final Demo.DemoException ex)
        {
            throw new CliFailure(ex.getMessage());
        }
    }

    /** The demo's own Kafka clients (topics, the journal audit) warn at every refused connection while brokers start. */
    private static void quietKafkaClients()
    {
        if (LoggerFactory.getLogger("org.apache.kafka") instanceof Logger kafka && kafka.getLevel() == null)
        {
            kafka.setLevel(Level.ERROR);
        }
    }
}
