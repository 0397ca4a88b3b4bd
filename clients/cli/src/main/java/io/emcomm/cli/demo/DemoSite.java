package io.emcomm.cli.demo;

import io.emcomm.kafka.ClusterFailure;
import io.emcomm.kafka.ClusterSettings;
import io.emcomm.kafka.JournalTopics;
import io.emcomm.kafka.LocalKafkaCluster;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The site of {@code emcomm demo --cluster}: a local 3-broker KRaft cluster ({@link LocalKafkaCluster}, free ports,
 * in {@code DIR/kafka}) and three router nodes on it, which create the journal and terminals topics
 * ({@link JournalTopics#defaults()}) as they start ({@link RouterNodes}, in {@code DIR/node-N}). Starting prints a progress line per step, with the time
 * since the start, because on a small machine the brokers take a while. {@link #close} stops the nodes, then the
 * brokers; the brokers also stop by themselves when this JVM is gone.
 *
 * <p>Not thread-safe: the scenario thread starts and closes it.
 */
final class DemoSite implements AutoCloseable
{
    static final int BROKERS = 3;
    static final int NODES = 3;

    private final PrintWriter out;
    private final long startNanos = System.nanoTime();
    private final JournalTopics topics = JournalTopics.defaults();
    private LocalKafkaCluster kafka;
    private RouterNodes nodes;
    private double brokersSeconds;
    private double nodesSeconds;

    private DemoSite(final PrintWriter out)
    {
        this.out = out;
    }

    /**
     * Starts the brokers, creates the topics and starts the nodes.
     *
     * @param dir       the data folder: {@code kafka/}, {@code node-N/} and {@code node-N.log} in it
     * @param mainClass the launcher's main class, which the node processes run
     * @param out       where the progress lines go
     * @return the running site
     * @throws Demo.DemoException when something does not start (nothing keeps running then)
     */
    static DemoSite start(final Path dir, final String mainClass, final PrintWriter out)
    {
        final DemoSite site = new DemoSite(out);
        try
        {
            site.progress("starting " + BROKERS + " Kafka brokers (KRaft, one JVM each) in " + dir.resolve("kafka"));
            site.kafka = LocalKafkaCluster.start(ClusterSettings.of(dir.resolve("kafka"), BROKERS).basePort(0)
                .progress(line -> site.progress("kafka: " + line + (line.startsWith("waiting") ? " (20-40 s on a small machine)" : ""))));
            site.brokersSeconds = site.elapsed();
            site.progress("kafka: " + BROKERS + " brokers ready at " + site.kafka.bootstrapServers());
            // the nodes create the topics (the first one to start wins): a node that creates the journal topic also
            // writes the marker at its offset 0, which is never a journal index
            site.progress("starting " + NODES + " router nodes (emcomm router --kafka ..., one JVM each); they create the "
                + "topics " + site.topics.journal() + " and " + site.topics.terminals());
            final double before = site.elapsed();
            site.nodes = RouterNodes.start(NODES, site.kafka.bootstrapServers(), dir, mainClass,
                line -> site.progress("  " + line));
            site.nodesSeconds = site.elapsed() - before;
            return site;
        }
        catch (final ClusterFailure ex)
        {
            site.close();
            throw new Demo.DemoException("cannot start the Kafka cluster: " + ex.getMessage());
        }
        catch (final RuntimeException ex)
        {
            site.close();
            throw ex;
        }
    }

    String bootstrap()
    {
        return kafka.bootstrapServers();
    }

    JournalTopics topics()
    {
        return topics;
    }

    RouterNodes nodes()
    {
        return nodes;
    }

    double brokersSeconds()
    {
        return brokersSeconds;
    }

    double nodesSeconds()
    {
        return nodesSeconds;
    }

    /** Seconds since the site began to start. */
    double elapsed()
    {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** A progress line, stamped with the time since the start, printed at once. */
    void progress(final String line)
    {
        out.println(String.format(Locale.ROOT, "[%5.1fs] %s", elapsed(), line));
        out.flush();
    }

    /** Stops the nodes (SIGTERM), then the brokers. Idempotent; the nodes stay known (ids, ports) for the summary. */
    @Override
    public void close()
    {
        if (nodes != null)
        {
            nodes.close();
        }
        if (kafka != null)
        {
            kafka.close();
        }
    }
}
