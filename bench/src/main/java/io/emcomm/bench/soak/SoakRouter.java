package io.emcomm.bench.soak;

import io.emcomm.bench.sut.JvmFlags;
import io.emcomm.bench.sut.RouterHost;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The router under soak: {@link RouterHost} in a child JVM with the same flags and heap as the bench's other
 * runs (G1, 512 MiB) plus Netty's leak detector on advanced. Launched here rather than through the bench's
 * ChildJvm because the soak needs the child's pid (descriptors) and log file (LEAK lines) as well; it speaks
 * the same stdin/stdout line protocol (ChildControl: "READY port", "heap" -> "HEAP bytes").
 */
final class SoakRouter implements AutoCloseable
{
    private static final String READY = "READY ";
    private static final String HEAP_REPLY = "HEAP ";
    private static final String HEAP = System.getProperty("emcomm.bench.childHeap", "512m");

    private final Process process;
    private final Path log;
    private final BufferedWriter stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread killer;
    private final int port;

    SoakRouter(final Path workDir) throws IOException
    {
        Files.createDirectories(workDir);
        final List<String> command = new ArrayList<>();
        command.add(JvmFlags.javaExecutable());
        command.addAll(JvmFlags.forChild(workDir));
        command.addAll(List.of("-Xms" + HEAP, "-Xmx" + HEAP, "-XX:+UseG1GC", "-Dio.netty.leakDetection.level=advanced"));
        final String extra = System.getProperty("emcomm.bench.childJvmArgs", "").trim();
        if (!extra.isEmpty())
        {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), RouterHost.class.getName(),
            workDir.resolve("data").toString(), "NONE"));
        log = workDir.resolve("router.log");
        process = new ProcessBuilder(command).directory(workDir.toFile())
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        killer = new Thread(process::destroyForcibly, "soak-router-killer");
        Runtime.getRuntime().addShutdownHook(killer);
        stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        final Thread reader = new Thread(this::readStdout, "soak-router-stdout");
        reader.setDaemon(true);
        reader.start();
        try
        {
            port = Integer.parseInt(awaitLine(READY, 60).substring(READY.length()).trim());
        }
        catch (final IOException | RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    private void readStdout()
    {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = in.readLine()) != null)
            {
                lines.add(line);
            }
        }
        catch (final IOException ignore)
        {
            // the child ended
        }
    }

    private String awaitLine(final String prefix, final long seconds) throws IOException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try
        {
            while (System.nanoTime() < deadline)
            {
                final String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null && line.startsWith(prefix))
                {
                    return line;
                }
                if (line == null && !process.isAlive())
                {
                    throw new IOException("router exited with " + process.exitValue() + "; see " + log);
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ex);
        }
        throw new IOException("router did not say '" + prefix.trim() + "' within " + seconds + " s; see " + log);
    }

    int port()
    {
        return port;
    }

    long pid()
    {
        return process.pid();
    }

    Path log()
    {
        return log;
    }

    boolean alive()
    {
        return process.isAlive();
    }

    /** Heap used after two full GCs in the child (ChildControl). */
    synchronized long heapAfterGc() throws IOException
    {
        stdin.write("heap");
        stdin.newLine();
        stdin.flush();
        return Long.parseLong(awaitLine(HEAP_REPLY, 60).substring(HEAP_REPLY.length()).trim());
    }

    /** Resident set size from /proc, or -1. */
    long rssBytes()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status")))
            {
                if (line.startsWith("VmRSS:"))
                {
                    return Long.parseLong(line.trim().split("\\s+")[1]) * 1024L;
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
        return -1;
    }

    @Override
    public void close()
    {
        try
        {
            stdin.close(); // ChildControl returns when stdin ends, closing the router cleanly
        }
        catch (final IOException ignore)
        {
            // already gone
        }
        try
        {
            if (!process.waitFor(10, TimeUnit.SECONDS))
            {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try
        {
            Runtime.getRuntime().removeShutdownHook(killer);
        }
        catch (final IllegalStateException shuttingDown)
        {
            // the hook runs anyway
        }
    }
}
