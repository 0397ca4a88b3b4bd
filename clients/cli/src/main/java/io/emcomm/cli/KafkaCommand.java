package io.emcomm.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.emcomm.kafka.ClusterFailure;
import io.emcomm.kafka.ClusterSettings;
import io.emcomm.kafka.JournalTopics;
import io.emcomm.kafka.LocalKafkaCluster;
import io.emcomm.kafka.TopicRefused;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code emcomm kafka}: a local KRaft Kafka cluster for EmComm routers on this machine (issue 15), run from the
 * Kafka jars inside the launcher: no download, no Docker. Starts the brokers ({@link LocalKafkaCluster}), creates
 * or checks the journal and terminals topics ({@link JournalTopics}), prints one line with the bootstrap address
 * on standard output, and runs until SIGINT or SIGTERM, when it stops the brokers and exits 0. Progress goes to
 * standard error. docs/cluster.md explains the ports, the data folder and the topics' settings.
 */
@Command(
    name = "kafka",
    mixinStandardHelpOptions = true,
    description = {
        "Run a local Kafka cluster (KRaft, 1 or 3 brokers on 127.0.0.1) for EmComm routers until interrupted.",
        "Each broker is a child process with its data and logs in DIR/node-N.",
        "Starting again on DIR keeps its cluster id, ports and data.",
        "Creates the topics emcomm.journal and emcomm.terminals when missing, and refuses",
        "existing ones whose settings could lose acknowledged messages (docs/cluster.md).",
        "One cluster per folder (DIR/kafka.lock). Prints the bootstrap address once ready."})
final class KafkaCommand implements Callable<Integer>
{
    private static final Duration TOPICS_TIMEOUT = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", required = true, description = "Data folder of the cluster.")
    Path data;

    @Option(names = "--brokers", paramLabel = "N", defaultValue = "3",
        description = "Number of brokers: 3 (default; min.insync.replicas=2, survives one broker lost) or 1.")
    int brokers;

    @Option(names = "--port", paramLabel = "PORT",
        description = "First port: brokers on PORT..PORT+N-1, controllers on the next N (default: the folder's ports, "
            + "else 19092; 0 picks free ones).")
    Integer port;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = JournalTopics.DEFAULT_PREFIX,
        description = "Prefix of the topic names (default emcomm.: emcomm.journal, emcomm.terminals).")
    String prefix;

    @Override
    public Integer call()
    {
        if (brokers != 1 && brokers != 3)
        {
            throw new ParameterException(spec.commandLine(), "--brokers must be 1 or 3, was " + brokers);
        }
        if (port != null && (port < 0 || port > 65535 - 2 * brokers))
        {
            throw new ParameterException(spec.commandLine(), "--port must be 0 or a port with room for " + 2 * brokers
                + " ports after it, was " + port);
        }
        final JournalTopics topics;
        try
        {
            topics = JournalTopics.withPrefix(prefix);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ParameterException(spec.commandLine(), ex.getMessage());
        }
        quietKafkaClients();
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final LocalKafkaCluster cluster;
        try
        {
            cluster = LocalKafkaCluster.start(ClusterSettings.of(data, brokers)
                .basePort(port == null ? LocalKafkaCluster.REUSE_PORTS : port)
                .progress(line -> progress(err, line)));
        }
        catch (final ClusterFailure ex)
        {
            throw new CliFailure(ex.getMessage());
        }
        try (Admin admin = cluster.admin())
        {
            final List<String> created = topics.ensure(admin, TOPICS_TIMEOUT);
            progress(err, created.isEmpty() ? "topics " + topics.journal() + " and " + topics.terminals() + " checked"
                : "created " + String.join(" and ", created));
        }
        catch (final TopicRefused | ClusterFailure ex)
        {
            cluster.close();
            throw new CliFailure(ex.getMessage());
        }
        return runUntilStopped(cluster, out, err);
    }

    private int runUntilStopped(final LocalKafkaCluster cluster, final PrintWriter out, final PrintWriter err)
    {
        final CountDownLatch stop = new CountDownLatch(1);
        final CountDownLatch stopped = new CountDownLatch(1);
        final Thread hook = new Thread(() ->
        {
            stop.countDown();
            try
            {
                stopped.await(30, TimeUnit.SECONDS); // let the brokers shut down before the JVM goes
            }
            catch (final InterruptedException ignore)
            {
                Thread.currentThread().interrupt();
            }
        }, "emcomm-kafka-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        final StopSignals signals = StopSignals.install(stop::countDown);
        // printed once a signal is a clean stop: scripts wait for this line
        out.println("kafka: " + cluster.size() + (cluster.size() == 1 ? " broker" : " brokers") + " ready at "
            + cluster.bootstrapServers() + " (data " + cluster.dir() + ")");
        out.flush();
        try
        {
            stop.await();
        }
        catch (final InterruptedException ignore)
        {
            // stopped in-process (tests, embedding): the same orderly stop as a signal
        }
        finally
        {
            signals.restore();
            progress(err, "stopping the brokers");
            cluster.close();
            out.println("kafka stopped");
            out.flush();
            stopped.countDown();
            try
            {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            catch (final IllegalStateException ignore)
            {
                // the JVM is already shutting down: the hook is running
            }
        }
        return Main.EXIT_OK;
    }

    private static void progress(final PrintWriter err, final String line)
    {
        err.println("kafka: " + line);
        err.flush();
    }

    /** The Admin client warns at every refused connection while the brokers start: not the user's concern. */
    private static void quietKafkaClients()
    {
        if (LoggerFactory.getLogger("org.apache.kafka") instanceof Logger kafka && kafka.getLevel() == null)
        {
            kafka.setLevel(Level.ERROR);
        }
    }
}
