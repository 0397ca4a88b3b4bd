package io.emcomm.bench.sut;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Resources a scenario needs beyond the defaults: a larger heap for the child servers it starts, and more
 * open files for the harness and its children (the connections scenario holds 100,000 sockets on each side).
 *
 * <p>The open-file limit is raised on the harness process itself ({@code prlimit --pid}), soft and hard; the
 * child servers inherit it, and a child JVM starts with its soft limit at that hard limit. Raising a hard limit
 * needs root (CAP_SYS_RESOURCE); when it cannot be raised, {@link #raiseOpenFiles} says so in one line and the
 * scenario runs into the old limit.
 *
 * <p>Read and set from the comparison's one thread (between servers, never while one starts).
 */
public final class ServerLimits
{
    /** Heap of every child server unless a scenario asks for more; the scenarios are compared in it. */
    public static final String DEFAULT_HEAP = System.getProperty("emcomm.bench.childHeap", "512m");

    private static volatile String heap = DEFAULT_HEAP;

    private ServerLimits()
    {
    }

    /** {@code -Xms}/{@code -Xmx} of the next child JVM started, e.g. {@code 512m}. */
    public static String heap()
    {
        return heap;
    }

    /**
     * Sets the heap of the child JVMs started from now on (null: the default) until the returned scope closes,
     * which restores the default.
     */
    public static AutoCloseable heap(final String childHeap)
    {
        heap = childHeap != null ? childHeap : DEFAULT_HEAP;
        return () -> heap = DEFAULT_HEAP;
    }

    /**
     * Raises this process's open-file limit, soft and hard, to at least {@code wanted} (inherited by the children
     * started afterwards).
     *
     * @return null when the limit is now at least {@code wanted}; otherwise one line saying it could not be raised
     *         and what the limit is.
     */
    public static String raiseOpenFiles(final long wanted)
    {
        final long[] now = openFiles();
        if (now[0] >= wanted && now[1] >= wanted)
        {
            return null;
        }
        String why = "";
        try
        {
            final Process prlimit = new ProcessBuilder("prlimit", "--pid", Long.toString(ProcessHandle.current().pid()),
                "--nofile=" + wanted + ":" + wanted).redirectErrorStream(true).start();
            final String out = new String(prlimit.getInputStream().readAllBytes()).trim();
            if (!prlimit.waitFor(10, TimeUnit.SECONDS) || prlimit.exitValue() != 0)
            {
                why = ": prlimit said '" + out + "'";
            }
        }
        catch (final IOException ex)
        {
            why = ": no prlimit (" + ex.getMessage() + ")";
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            why = ": interrupted";
        }
        final long[] after = openFiles();
        if (after[0] >= wanted && after[1] >= wanted)
        {
            return null;
        }
        return "cannot raise the open-file limit to " + wanted + " (it stays soft " + after[0] + ", hard " + after[1]
            + "; raising the hard limit needs root)" + why;
    }

    /** This process's soft open-file limit (what its children start with), or -1 when unknown. */
    public static long openFileLimit()
    {
        return openFiles()[0];
    }

    /** Soft and hard open-file limits of this process, from /proc/self/limits ({@code Long.MAX_VALUE}: unlimited; -1: unknown). */
    static long[] openFiles()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/self/limits")))
            {
                if (line.startsWith("Max open files"))
                {
                    final String[] parts = line.substring("Max open files".length()).trim().split("\\s+");
                    return new long[] {limit(parts[0]), limit(parts[1])};
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            return new long[] {-1, -1};
        }
        return new long[] {-1, -1};
    }

    private static long limit(final String value)
    {
        return "unlimited".equals(value) ? Long.MAX_VALUE : Long.parseLong(value);
    }
}
