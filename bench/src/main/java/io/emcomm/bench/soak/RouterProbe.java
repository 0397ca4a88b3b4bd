package io.emcomm.bench.soak;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Watches the router's child JVM from outside: its open file descriptors ({@code /proc/<pid>/fd}) and the
 * {@code LEAK:} lines Netty's leak detector writes to its log (read incrementally, from where the last look
 * stopped).
 */
final class RouterProbe
{
    private final long pid;
    private final Path log;
    private long logOffset;
    private long leaks;
    private final List<String> firstLeaks = new ArrayList<>();

    RouterProbe(final long pid, final Path log)
    {
        this.pid = pid;
        this.log = log;
    }

    long pid()
    {
        return pid;
    }

    /** Open descriptors of the router, or -1 when /proc cannot tell. */
    long openFds()
    {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd")))
        {
            return fds.count();
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }

    /** Reads the log written since the last call; returns how many LEAK lines have been seen in all. */
    long leakLines()
    {
        if (!Files.exists(log))
        {
            return leaks;
        }
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r"))
        {
            final long length = file.length();
            if (length <= logOffset)
            {
                return leaks;
            }
            final byte[] bytes = new byte[(int)Math.min(length - logOffset, 64L * 1024 * 1024)];
            file.seek(logOffset);
            file.readFully(bytes);
            final String text = new String(bytes, StandardCharsets.UTF_8);
            // only whole lines: a line still being written is read next time
            final int lastNewline = text.lastIndexOf('\n');
            if (lastNewline < 0)
            {
                return leaks;
            }
            logOffset += text.substring(0, lastNewline + 1).getBytes(StandardCharsets.UTF_8).length;
            for (final String line : text.substring(0, lastNewline).split("\n"))
            {
                if (line.contains("LEAK:"))
                {
                    leaks++;
                    if (firstLeaks.size() < 5)
                    {
                        firstLeaks.add(line);
                    }
                }
            }
        }
        catch (final IOException ex)
        {
            System.err.println("soak: cannot read " + log + ": " + ex.getMessage());
        }
        return leaks;
    }

    List<String> firstLeaks()
    {
        return firstLeaks;
    }

    Path log()
    {
        return log;
    }
}
