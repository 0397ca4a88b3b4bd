package io.emcomm.router.crash;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A router in a child JVM ({@link RouterProcessMain}), started with this JVM's own java, class path and
 * JVM flags (the Chronicle --add-exports/--add-opens set and system properties come from surefire's argLine),
 * so the child runs exactly as the test JVM does.
 */
public final class ChildRouter implements AutoCloseable
{
    private static final long START_TIMEOUT_S = 30;
    private static final int TAIL_LINES = 60;

    private final Process process;
    private final int port;
    private final Deque<String> tail = new ArrayDeque<>();
    /** Everything the child printed (a router logs per session, not per message, so this stays small). */
    private final StringBuilder everything = new StringBuilder();

    private ChildRouter(final Path dataDir, final List<String> jvmFlags) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            // a debugger agent would try to bind the parent's debug port a second time
            if (!arg.startsWith("-agentlib:jdwp") && !arg.startsWith("-Xrunjdwp"))
            {
                command.add(arg);
            }
        }
        // Later flags win. Paranoid leak tracking records a stack trace per buffer touch and nobody reads the
        // child's leak reports (BadInputTest covers leaks in-process); C1 alone warms a short-lived JVM faster.
        command.add("-Dio.netty.leakDetection.level=disabled");
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(RouterProcessMain.class.getName());
        command.add(dataDir.toString());
        process = new ProcessBuilder(command).redirectErrorStream(true).start();

        final CompletableFuture<Integer> bound = new CompletableFuture<>();
        final Thread pump = new Thread(() -> pump(bound), "child-router-output");
        pump.setDaemon(true);
        pump.start();
        try
        {
            port = bound.get(START_TIMEOUT_S, TimeUnit.SECONDS);
        }
        catch (final InterruptedException | ExecutionException | TimeoutException ex)
        {
            process.destroyForcibly();
            throw new AssertionError("child router did not report its port: " + ex + "\n" + output(), ex);
        }
    }

    /** Starts a router JVM on {@code dataDir} and waits until it listens. */
    public static ChildRouter start(final Path dataDir) throws IOException
    {
        return new ChildRouter(dataDir, List.of());
    }

    /** As {@link #start(Path)}, with JVM flags after the inherited ones (so they win), e.g. memory limits. */
    public static ChildRouter start(final Path dataDir, final List<String> jvmFlags) throws IOException
    {
        return new ChildRouter(dataDir, jvmFlags);
    }

    public boolean isAlive()
    {
        return process.isAlive();
    }

    public int port()
    {
        return port;
    }

    public long pid()
    {
        return process.pid();
    }

    /** Kills the router with SIGKILL (no shutdown hooks, no flush, no close) and waits for it to die. */
    public int kill() throws InterruptedException
    {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS))
        {
            throw new AssertionError("child router " + process.pid() + " survived SIGKILL");
        }
        return process.exitValue();
    }

    /** The last lines the child printed, for failure messages. */
    public String output()
    {
        synchronized (tail)
        {
            return String.join("\n", tail);
        }
    }

    /** Whether the child has printed {@code fragment} anywhere in its output so far. */
    public boolean printed(final String fragment)
    {
        synchronized (tail)
        {
            return everything.indexOf(fragment) >= 0;
        }
    }

    /** Stops the router cleanly (closing its stdin), or kills it if it does not stop in time. */
    @Override
    public void close() throws IOException, InterruptedException
    {
        if (!process.isAlive())
        {
            return;
        }
        process.getOutputStream().close();
        if (!process.waitFor(10, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Drains the child's output so it never blocks on a full pipe; completes {@code bound} with the port. */
    private void pump(final CompletableFuture<Integer> bound)
    {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = in.readLine()) != null)
            {
                if (!bound.isDone() && line.startsWith(RouterProcessMain.PORT_LINE))
                {
                    bound.complete(Integer.parseInt(line.substring(RouterProcessMain.PORT_LINE.length()).trim()));
                    continue;
                }
                synchronized (tail)
                {
                    if (tail.size() == TAIL_LINES)
                    {
                        tail.removeFirst();
                    }
                    tail.addLast(line);
                    everything.append(line).append('\n');
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            bound.completeExceptionally(ex);
        }
        bound.completeExceptionally(new IOException("child exited (status "
            + (process.isAlive() ? "?" : String.valueOf(process.exitValue())) + ") before reporting its port"));
    }
}
