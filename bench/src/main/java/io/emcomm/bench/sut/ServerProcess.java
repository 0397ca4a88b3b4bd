package io.emcomm.bench.sut;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A server the harness started as a child process. It is always stopped: by {@link #close()}, and by a
 * shutdown hook should the harness exit without closing it. Stderr goes to a log file in the work folder.
 *
 * <p>JVM children talk to the harness over stdin/stdout in lines ({@link #command(String)}); native
 * peers are only watched through their listening port.
 */
final class ServerProcess implements AutoCloseable
{
    private final String name;
    private final Process process;
    private final Path log;
    private final Thread shutdownHook;
    private final BufferedWriter stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private ServerProcess(final String name, final Process process, final Path log, final boolean lineProtocol)
    {
        this.name = name;
        this.process = process;
        this.log = log;
        this.stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.shutdownHook = new Thread(process::destroyForcibly, name + "-killer");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        if (lineProtocol)
        {
            // Drain stdout all the time: a child that fills the pipe would block, and stall the measurement.
            final Thread reader = new Thread(this::readStdout, name + "-stdout");
            reader.setDaemon(true);
            reader.start();
        }
    }

    /**
     * Starts a process. With {@code lineProtocol} its stdout is read as answer lines; otherwise stdout goes
     * to the log file too.
     */
    static ServerProcess start(final String name, final List<String> command, final Path workDir,
        final boolean lineProtocol) throws IOException
    {
        Files.createDirectories(workDir);
        final Path log = workDir.resolve(name + ".log");
        final ProcessBuilder builder = new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (!lineProtocol)
        {
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        }
        return new ServerProcess(name, builder.start(), log, lineProtocol);
    }

    private void readStdout()
    {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = out.readLine()) != null)
            {
                lines.add(line);
            }
        }
        catch (final IOException ignore)
        {
            // the process ended
        }
    }

    /** Waits for a line starting with {@code prefix} on the child's stdout and returns it (others are skipped). */
    String awaitLine(final String prefix, final Duration timeout) throws IOException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        try
        {
            while (true)
            {
                final long left = deadline - System.nanoTime();
                if (left <= 0)
                {
                    break;
                }
                final String line = lines.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
                if (line != null)
                {
                    if (line.startsWith(prefix))
                    {
                        return line;
                    }
                }
                else if (!process.isAlive() && lines.isEmpty())
                {
                    throw new IOException(name + " exited with " + process.exitValue() + "; see " + log);
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for " + name, ex);
        }
        throw new IOException(name + " did not say '" + prefix.trim() + "' within " + timeout + "; see " + log);
    }

    /** Sends one command line to a JVM child and returns its one-line answer starting with {@code reply}. */
    synchronized String command(final String line, final String reply, final Duration timeout) throws IOException
    {
        stdin.write(line);
        stdin.newLine();
        stdin.flush();
        return awaitLine(reply, timeout);
    }

    /** Waits until something accepts TCP connections on the loopback port. */
    void awaitPort(final int port, final Duration timeout) throws IOException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline)
        {
            if (!process.isAlive())
            {
                throw new IOException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try (Socket socket = new Socket())
            {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            }
            catch (final IOException notYet)
            {
                parkMillis(20);
            }
        }
        throw new IOException(name + " did not listen on port " + port + " within " + timeout + "; see " + log);
    }

    /** The operating-system process id. */
    long pid()
    {
        return process.pid();
    }

    /** Resident set size of the process from /proc, or -1. */
    long rssBytes()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")))
            {
                if (line.startsWith("VmRSS:"))
                {
                    final String[] parts = line.trim().split("\\s+");
                    return Long.parseLong(parts[1]) * 1024L;
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
            stdin.close();
        }
        catch (final IOException ignore)
        {
            // the child may already be gone
        }
        process.destroy();
        try
        {
            if (!process.waitFor(5, TimeUnit.SECONDS))
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
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        }
        catch (final IllegalStateException shuttingDown)
        {
            // the hook is running or has run; the process is gone either way
        }
    }

    static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }

    private static void parkMillis(final long millis)
    {
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
    }
}
