package io.emcomm.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One broker process of a {@link LocalKafkaCluster}: {@code java -cp <this JVM's class path>
 * io.emcomm.kafka.BrokerMain node.properties} (which runs {@code kafka.Kafka}), started in its node folder, its
 * standard output and error appended to {@code logs/stdout.log} (Kafka's own log is {@code logs/server.log}).
 * Its standard input stays an open pipe: {@link BrokerMain} stops the broker when it closes, that is when this JVM
 * is gone. Not thread-safe; the cluster calls it under its own lock.
 */
public final class BrokerProcess
{
    private final int nodeId;
    private final Path nodeDir;
    private final Process process;

    private BrokerProcess(final int nodeId, final Path nodeDir, final Process process)
    {
        this.nodeId = nodeId;
        this.nodeDir = nodeDir;
        this.process = process;
    }

    /**
     * Starts a broker process; returns once it is forked, not when it is ready ({@link ClusterReadiness}).
     *
     * @param nodeId     the node
     * @param nodeDir    its folder, with {@link NodeConfig#PROPERTIES} and {@link NodeConfig#LOGBACK} in it
     * @param classpath  the {@code -cp} argument ({@link KafkaClasspath#currentAsArgument()})
     * @param jvmOptions options before the main class (heap, GC)
     * @return the running process
     * @throws ClusterFailure when the JVM cannot be forked
     */
    public static BrokerProcess start(final int nodeId, final Path nodeDir, final String classpath, final List<String> jvmOptions)
    {
        final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        final List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.addAll(jvmOptions);
        cmd.add("-Dlogback.configurationFile=" + nodeDir.resolve(NodeConfig.LOGBACK).toAbsolutePath());
        cmd.add("-Dkafka.logs.dir=" + nodeDir.resolve("logs").toAbsolutePath());
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(BrokerMain.class.getName());
        cmd.add(nodeDir.resolve(NodeConfig.PROPERTIES).toAbsolutePath().toString());
        final Path out = nodeDir.resolve("logs").resolve("stdout.log");
        try
        {
            final ProcessBuilder pb = new ProcessBuilder(cmd).directory(nodeDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
            // the class path can be long: keep it out of the environment and off the command line of tools
            pb.environment().remove("CLASSPATH");
            return new BrokerProcess(nodeId, nodeDir, pb.start());
        }
        catch (final IOException ex)
        {
            throw new ClusterFailure("cannot start the broker of node " + nodeId + " (" + java + "): " + ex.getMessage(), ex);
        }
    }

    /** @return the node this process runs */
    public int nodeId()
    {
        return nodeId;
    }

    /** @return the operating system's process id */
    public long pid()
    {
        return process.pid();
    }

    /** @return whether the process is running */
    public boolean isAlive()
    {
        return process.isAlive();
    }

    /**
     * Runs {@code action} when the process ends, for whatever reason, on a JDK thread.
     *
     * @param action what to run; it must not block
     */
    public void onExit(final Runnable action)
    {
        process.onExit().thenRun(action);
    }

    /** @return the exit code; only once the process has ended */
    public int exitValue()
    {
        return process.exitValue();
    }

    /**
     * Kills the process with SIGKILL (no shutdown of any kind, as a power loss of the process) and waits for it
     * to be gone, so its ports and its log directory lock are free when this returns.
     *
     * @throws ClusterFailure when it is still there after 30 s
     */
    public void kill()
    {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    /**
     * Stops the process with SIGTERM (Kafka's orderly shutdown: leadership moved away, logs closed cleanly),
     * and with SIGKILL if it has not ended within {@code grace}.
     *
     * @param grace how long the orderly shutdown may take
     */
    public void stop(final Duration grace)
    {
        if (!process.isAlive())
        {
            return;
        }
        process.destroy();
        if (!waitFor(grace))
        {
            kill();
        }
    }

    /** Sends SIGTERM and returns at once (to stop several brokers together). */
    public void signalStop()
    {
        process.destroy();
    }

    /**
     * Waits for the process to end.
     *
     * @param timeout how long
     * @return true when it ended
     */
    public boolean waitFor(final Duration timeout)
    {
        try
        {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private void awaitExit(final Duration timeout)
    {
        if (!waitFor(timeout))
        {
            throw new ClusterFailure("the broker of node " + nodeId + " (pid " + pid() + ") did not end after SIGKILL");
        }
    }

    /**
     * The last lines of the broker's logs, for a failure message: what Kafka said before it died.
     *
     * @param lines how many lines of each log
     * @return the lines, with the file names; empty when there are no logs
     */
    public String tailOfLogs(final int lines)
    {
        final StringBuilder sb = new StringBuilder();
        for (final String name : new String[] {"stdout.log", "server.log"})
        {
            final Path file = nodeDir.resolve("logs").resolve(name);
            try
            {
                if (!Files.exists(file))
                {
                    continue;
                }
                final List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
                sb.append("--- ").append(file).append(" (last ").append(Math.min(lines, all.size())).append(" lines)\n");
                for (final String l : all.subList(Math.max(0, all.size() - lines), all.size()))
                {
                    sb.append(l).append('\n');
                }
            }
            catch (final IOException | RuntimeException ex)
            {
                sb.append("--- ").append(file).append(": ").append(ex).append('\n');
            }
        }
        return sb.toString();
    }
}
