package io.emcomm.cli.demo;

import io.emcomm.kafka.ClusterFailure;
import io.emcomm.kafka.KafkaClasspath;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The router nodes of {@code emcomm demo --cluster}: each one {@code emcomm router --kafka BOOTSTRAP --router-id
 * node-N --port P --admin-port -1 --data DIR/node-N} in a child JVM of its own, as an operator runs them, so that
 * {@link #kill} is a real SIGKILL of a real process. A node is ready when it prints its "listening on" line (the
 * router prints it once it takes connections; {@code --port 0} picks a free port, read from that line). Everything
 * a node prints goes to {@code DIR/node-N.log}.
 *
 * <p>No node outlives the demo: {@link #close} (also run by a shutdown hook, so on Ctrl-C) stops each one with
 * SIGTERM, then SIGKILL after a grace period; and each node runs under {@link NodeMain}, which stops it when its
 * standard input, a pipe from this JVM, closes (when this JVM dies of SIGKILL). The children run on this JVM's
 * class path ({@link KafkaClasspath}) with its flags, plus the module exports and opens that the launcher jar's
 * manifest gives {@code java -jar} (a {@code -cp} start does not read them).
 *
 * <p>Thread-safety: the methods that start and stop processes are synchronized; one reader thread per process
 * copies its output.
 */
final class RouterNodes implements AutoCloseable
{
    /** One router node process. */
    static final class Node
    {
        private final String id;
        private final Path data;
        private final Path log;
        private Process process;
        private int port;
        private double startSeconds;

        Node(final String id, final Path data, final Path log)
        {
            this.id = id;
            this.data = data;
            this.log = log;
        }

        String id()
        {
            return id;
        }

        /** The terminal port of the running (or last) process. */
        int port()
        {
            return port;
        }

        Path data()
        {
            return data;
        }

        Path log()
        {
            return log;
        }

        long pid()
        {
            return process.pid();
        }

        boolean isAlive()
        {
            return process != null && process.isAlive();
        }

        /** How long its last start took, from the fork to the "listening" line. */
        double startSeconds()
        {
            return startSeconds;
        }
    }

    private static final Pattern LISTENING = Pattern.compile("^EmComm router \\S+ listening on [^:]+:(\\d+),");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private final String bootstrap;
    private final String mainClass;
    private final Consumer<String> progress;
    private final List<String> command;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<Node, CompletableFuture<Integer>> ready = new LinkedHashMap<>();
    private final Thread hook = new Thread(this::close, "emcomm-demo-nodes-stop");

    private RouterNodes(final String bootstrap, final String mainClass, final Consumer<String> progress)
    {
        this.bootstrap = bootstrap;
        this.mainClass = mainClass;
        this.progress = progress;
        this.command = javaCommand();
    }

    /**
     * Starts {@code count} nodes named node-1..node-N at once and waits until each listens, printing a progress
     * line as each one does.
     *
     * @param count     how many nodes
     * @param bootstrap the Kafka cluster's bootstrap servers
     * @param dir       the folder for the nodes' data folders and logs
     * @param mainClass the launcher's main class ({@code io.emcomm.cli.Main})
     * @param progress  receives one line per step
     * @return the running nodes; close them to stop them
     * @throws Demo.DemoException when a node cannot be started or does not listen in time (none keeps running)
     */
    static RouterNodes start(final int count, final String bootstrap, final Path dir, final String mainClass,
        final Consumer<String> progress)
    {
        final RouterNodes nodes = new RouterNodes(bootstrap, mainClass, progress);
        Runtime.getRuntime().addShutdownHook(nodes.hook);
        try
        {
            for (int i = 1; i <= count; i++)
            {
                final String id = "node-" + i;
                final Node n = new Node(id, dir.resolve(id), dir.resolve(id + ".log"));
                nodes.nodes.put(id, n);
                nodes.launch(n, 0);
            }
            for (final Node n : nodes.nodes.values())
            {
                nodes.awaitListening(n);
            }
            return nodes;
        }
        catch (final RuntimeException ex)
        {
            nodes.close();
            throw ex;
        }
    }

    List<Node> all()
    {
        return new ArrayList<>(nodes.values());
    }

    Node node(final String id)
    {
        return nodes.get(id);
    }

    /** SIGKILL: no shutdown hook, no flush, no goodbye to its terminals; returns once the process is gone. */
    synchronized void kill(final String id) throws InterruptedException
    {
        final Node n = nodes.get(id);
        n.process.destroyForcibly();
        if (!n.process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS))
        {
            throw new Demo.DemoException(id + " (pid " + n.pid() + ") survived SIGKILL");
        }
    }

    /** Starts a node that was killed again, on its data folder and its port, and waits until it listens. */
    void restart(final String id)
    {
        final Node n = nodes.get(id);
        launch(n, n.port);
        awaitListening(n);
    }

    private synchronized void launch(final Node n, final int port)
    {
        final List<String> cmd = new ArrayList<>(command);
        cmd.addAll(List.of(NodeMain.class.getName(), mainClass, "router", "--kafka", bootstrap, "--router-id", n.id,
            "--port", Integer.toString(port), "--admin-port", "-1", "--data", n.data.toString()));
        final CompletableFuture<Integer> listening = new CompletableFuture<>();
        final long started = System.nanoTime();
        try
        {
            final ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().remove("CLASSPATH");
            n.process = pb.start();
        }
        catch (final IOException ex)
        {
            throw new Demo.DemoException("cannot start " + n.id + " (" + cmd.get(0) + "): " + ex.getMessage());
        }
        ready.put(n, listening);
        final Process p = n.process;
        final Thread copy = new Thread(() -> copyOutput(n, p, listening, started), "emcomm-demo-" + n.id + "-output");
        copy.setDaemon(true);
        copy.start();
        p.onExit().thenRun(() -> listening.completeExceptionally(new Demo.DemoException(n.id + " ended (exit "
            + p.exitValue() + ") before it listened; see " + n.log)));
    }

    /** Copies a node's output to its log, line by line, and completes {@code listening} at its "listening" line. */
    private void copyOutput(final Node n, final Process p, final CompletableFuture<Integer> listening, final long started)
    {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            Writer log = Files.newBufferedWriter(n.log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND))
        {
            String line;
            while ((line = in.readLine()) != null)
            {
                log.write(line);
                log.write('\n');
                log.flush();
                final Matcher m = LISTENING.matcher(line);
                if (m.find() && !listening.isDone())
                {
                    n.startSeconds = (System.nanoTime() - started) / 1e9;
                    listening.complete(Integer.parseInt(m.group(1)));
                }
            }
        }
        catch (final IOException ignore)
        {
            // the process is gone, or the log cannot be written: readiness then fails with the exit or the timeout
        }
    }

    private void awaitListening(final Node n)
    {
        try
        {
            n.port = ready.get(n).get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            progress.accept(String.format(Locale.ROOT, "%s listening on 127.0.0.1:%d (pid %d, up in %.1f s)", n.id,
                n.port, n.pid(), n.startSeconds));
        }
        catch (final ExecutionException ex)
        {
            throw ex.getCause() instanceof Demo.DemoException d ? d : new Demo.DemoException(n.id + ": " + ex.getCause());
        }
        catch (final TimeoutException ex)
        {
            throw new Demo.DemoException(n.id + " did not listen within " + READY_TIMEOUT.toSeconds() + " s; see " + n.log);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new Demo.DemoException("interrupted while waiting for " + n.id);
        }
    }

    /** Stops every node still running: SIGTERM (an orderly close), SIGKILL after a grace period. Idempotent. */
    @Override
    public synchronized void close()
    {
        final List<Process> running = nodes.values().stream().filter(Node::isAlive).map(n -> n.process).toList();
        running.forEach(Process::destroy);
        for (final Process p : running)
        {
            try
            {
                if (!p.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS))
                {
                    p.destroyForcibly().waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
                }
            }
            catch (final InterruptedException ex)
            {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        if (Thread.currentThread() != hook)
        {
            try
            {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            catch (final IllegalStateException ignore)
            {
                // the JVM is already shutting down: the hook is running or has run
            }
        }
    }

    /**
     * {@code java FLAGS -cp CLASSPATH}: this JVM's java and flags (the launcher's system properties, or surefire's
     * argLine in a test) without its heap size, debugger or agents; the exports and opens of the class path's jar
     * manifests; a small heap and C1 only, which starts a router fastest on a small shared machine.
     */
    private static List<String> javaCommand()
    {
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (!arg.startsWith("-Xmx") && !arg.startsWith("-Xms") && !arg.startsWith("-agentlib") && !arg.startsWith("-javaagent")
                && !arg.startsWith("-agentpath") && !arg.startsWith("-XX:+Use") && !arg.startsWith("-XX:TieredStopAtLevel"))
            {
                cmd.add(arg);
            }
        }
        cmd.addAll(manifestFlags());
        cmd.addAll(List.of("-Xmx256m", "-Xms64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        try
        {
            cmd.addAll(List.of("-cp", KafkaClasspath.currentAsArgument()));
        }
        catch (final ClusterFailure ex)
        {
            throw new Demo.DemoException(ex.getMessage());
        }
        return cmd;
    }

    /** {@code --add-exports}/{@code --add-opens} flags for the {@code Add-Exports}/{@code Add-Opens} of the class path's jars. */
    private static List<String> manifestFlags()
    {
        final List<String> flags = new ArrayList<>();
        for (final String entry : System.getProperty("java.class.path", "").split(File.pathSeparator))
        {
            if (!entry.endsWith(".jar") || !Files.isRegularFile(Path.of(entry)))
            {
                continue;
            }
            try (JarFile jar = new JarFile(entry))
            {
                final Manifest manifest = jar.getManifest();
                if (manifest == null)
                {
                    continue;
                }
                for (final String attribute : List.of("Add-Exports", "Add-Opens"))
                {
                    final String value = manifest.getMainAttributes().getValue(attribute);
                    if (value != null)
                    {
                        for (final String module : value.trim().split("\\s+"))
                        {
                            flags.add("--" + attribute.toLowerCase(Locale.ROOT) + "=" + module + "=ALL-UNNAMED");
                        }
                    }
                }
            }
            catch (final IOException ignore)
            {
                // not a readable jar: it gives no flags
            }
        }
        return flags;
    }
}
