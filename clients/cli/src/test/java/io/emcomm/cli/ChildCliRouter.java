package io.emcomm.cli;

import java.io.BufferedReader;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One router run as an operator runs it: {@code emcomm router ARGS} ({@link Main}) in a child JVM with this JVM's
 * java, class path and flags (the Chronicle exports and opens come from surefire's argLine), on its own data
 * folder. The port is read from the "listening on" line the command prints once it accepts connections
 * ({@code --port 0} picks a free one). Everything the child prints is appended to {@code NAME.log} beside its data
 * folder, across restarts, for diagnosis. {@link #kill()} is {@code kill -9}; {@link #restart()} starts it again on
 * the same data folder and, when it is free, the same port.
 *
 * <p>Not thread-safe: one test thread starts, kills and restarts it.
 */
final class ChildCliRouter implements AutoCloseable
{
    private static final long START_TIMEOUT_S = 60;
    private static final Pattern LISTENING = Pattern.compile("^EmComm router \\S+ listening on [^:]+:(\\d+),");
    private static final Pattern ADMIN = Pattern.compile("^admin endpoint on http://[^:]+:(\\d+)/");

    private final String name;
    private final Path data;
    private final Path log;
    private final List<String> jvmFlags;
    private final List<String> routerArgs;
    private Process process;
    private int port;
    private volatile int adminPort = -1;
    private int starts;

    private ChildCliRouter(final String name, final Path data, final List<String> jvmFlags, final List<String> routerArgs)
    {
        this.name = name;
        this.data = data;
        this.log = data.resolveSibling(name + ".log");
        this.jvmFlags = List.copyOf(jvmFlags);
        this.routerArgs = List.copyOf(routerArgs);
    }

    /**
     * Starts {@code emcomm router --data DATA --port 0 --admin-port 0 ROUTER_ARGS} and waits until it listens.
     *
     * @param name     a short name for the log file and failure messages
     * @param data     the router's data folder
     * @param jvmFlags JVM flags after the inherited ones (so they win), e.g. {@code -Demcomm.idle.timeout.ms=3000}
     * @param args     the router command's options, e.g. {@code --router-id city-5201 --region 5201 --uplink ...}
     */
    static ChildCliRouter start(final String name, final Path data, final List<String> jvmFlags, final String... args)
        throws IOException
    {
        final ChildCliRouter r = new ChildCliRouter(name, data, jvmFlags, List.of(args));
        r.launch(0);
        return r;
    }

    String name()
    {
        return name;
    }

    /** The terminal port of the running (or last) process. */
    int port()
    {
        return port;
    }

    /** The admin endpoint's port, -1 when the router printed none. */
    int adminPort()
    {
        return adminPort;
    }

    Path data()
    {
        return data;
    }

    /** Where everything the child printed is kept. */
    Path log()
    {
        return log;
    }

    boolean isAlive()
    {
        return process != null && process.isAlive();
    }

    /** {@code kill -9}: no shutdown hook, no flush, no close; waits until the process is gone. */
    void kill() throws InterruptedException
    {
        process.destroyForcibly();
        if (!process.waitFor(20, TimeUnit.SECONDS))
        {
            throw new AssertionError(name + " (pid " + process.pid() + ") survived SIGKILL");
        }
    }

    /**
     * Starts the router again on the same data folder, on its previous port when that can be bound again and on a
     * free one otherwise (the caller reads {@link #port()}).
     */
    void restart() throws IOException
    {
        if (isAlive())
        {
            throw new IllegalStateException(name + " is still running");
        }
        try
        {
            launch(port);
        }
        catch (final AssertionError portTaken)
        {
            launch(0);
        }
    }

    /**
     * Waits until the child has printed a line containing {@code fragment} since its last (re)start; fails after
     * {@code timeout}. For what only the router's log tells (an uplink is up), read from the log file it writes.
     */
    void awaitOutput(final String fragment, final Duration timeout) throws InterruptedException
    {
        awaitLine(line -> line.contains(fragment), "'" + fragment + "'", timeout);
    }

    /** Waits until the child has printed, since its last (re)start, a line that {@code which} accepts; returns it. */
    String awaitLine(final Predicate<String> which, final String what, final Duration timeout) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline)
        {
            try
            {
                final List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                for (int i = lines.size() - 1; i >= 0 && !lines.get(i).startsWith("---- start "); i--)
                {
                    if (which.test(lines.get(i)))
                    {
                        return lines.get(i);
                    }
                }
            }
            catch (final IOException ex)
            {
                // not written yet
            }
            synchronized (this)
            {
                wait(50); // the log is a file another process appends to: there is no event to wait on
            }
        }
        throw new AssertionError(name + " never printed " + what + " within " + timeout.toSeconds() + " s\n" + tail());
    }

    /** The last lines the child printed, for failure messages. */
    String tail()
    {
        try
        {
            final List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        }
        catch (final IOException ex)
        {
            return "(no log: " + ex.getMessage() + ")";
        }
    }

    /** SIGTERM (the router stops cleanly), then SIGKILL if it has not stopped in time. */
    @Override
    public void close() throws InterruptedException
    {
        if (process == null || !process.isAlive())
        {
            return;
        }
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            process.waitFor(15, TimeUnit.SECONDS);
        }
    }

    private void launch(final int wantedPort) throws IOException
    {
        starts++;
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (!arg.startsWith("-agentlib:jdwp") && !arg.startsWith("-Xrunjdwp"))
            {
                command.add(arg);
            }
        }
        // Later flags win: nobody reads a child's leak reports, C1 alone warms a short-lived JVM faster, and three
        // routers share the machine with the test.
        command.add("-Dio.netty.leakDetection.level=disabled");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Xmx256m");
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.add("router");
        command.addAll(List.of("--data", data.toString(), "--port", String.valueOf(wantedPort), "--admin-port", "0"));
        command.addAll(routerArgs);
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("EMCOMM_"));
        Files.createDirectories(data.getParent());
        Files.writeString(log, "---- start " + starts + ": " + String.join(" ", command.subList(command.indexOf("router"),
            command.size())) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        process = builder.start();
        final CompletableFuture<Integer> bound = new CompletableFuture<>();
        final Process mine = process;
        final Thread pump = new Thread(() -> pump(mine, bound), "router-output-" + name);
        pump.setDaemon(true);
        pump.start();
        try
        {
            port = bound.get(START_TIMEOUT_S, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new AssertionError("interrupted while " + name + " started", ex);
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            process.destroyForcibly();
            throw new AssertionError(name + " did not start listening: " + ex + "\n" + tail(), ex);
        }
    }

    /** Copies the child's output to the log file and completes {@code bound} with the port it listens on. */
    private void pump(final Process p, final CompletableFuture<Integer> bound)
    {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND))
        {
            String line;
            while ((line = in.readLine()) != null)
            {
                out.write(line);
                out.write('\n');
                out.flush();
                final Matcher admin = ADMIN.matcher(line);
                if (admin.find())
                {
                    adminPort = Integer.parseInt(admin.group(1));
                }
                final Matcher m = LISTENING.matcher(line);
                if (!bound.isDone() && m.find())
                {
                    // the admin line follows the listening line; both are printed before anything else can happen
                    bound.complete(Integer.parseInt(m.group(1)));
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            bound.completeExceptionally(ex);
        }
        bound.completeExceptionally(new IOException(name + " exited before listening (status "
            + (p.isAlive() ? "?" : String.valueOf(p.exitValue())) + ")"));
    }
}
