package io.emcomm.bench.sut;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A server running in its own JVM, started from this JVM's class path, so that its threads, heap and GC
 * are not shared with the load generator's (and so it is measured the way it would be deployed).
 * The child speaks a line protocol on stdin/stdout ({@link ChildControl}).
 */
final class ChildJvm implements AutoCloseable
{
    private final ServerProcess process;
    private final int port;

    private ChildJvm(final ServerProcess process, final int port)
    {
        this.process = process;
        this.port = port;
    }

    static ChildJvm start(final String name, final Class<?> mainClass, final Path workDir, final List<String> args)
        throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(JvmFlags.javaExecutable());
        command.addAll(JvmFlags.forChild(workDir));
        // every server in the same heap: 512 MiB unless the scenario needs more (connections: 1 GiB, ServerLimits)
        final String heap = ServerLimits.heap();
        command.add("-Xms" + heap);
        command.add("-Xmx" + heap);
        command.add("-XX:+UseG1GC");
        // e.g. -Demcomm.bench.childJvmArgs="-XX:StartFlightRecording=filename=router.jfr,settings=profile"
        // ... and for one child only, by its name: -Demcomm.bench.childJvmArgs.hop2-r5201="-agentpath:..."
        for (final String key : List.of("emcomm.bench.childJvmArgs", "emcomm.bench.childJvmArgs." + name))
        {
            final String extra = System.getProperty(key, "").trim();
            if (!extra.isEmpty())
            {
                command.addAll(List.of(extra.split("\\s+")));
            }
        }
        command.add("-cp");
        // absolute: the child runs in its work folder, and `java -jar bench/target/emcomm-bench.jar` gives a relative path
        command.add(java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
            .map(e -> Path.of(e).toAbsolutePath().toString()).collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator)));
        command.add(mainClass.getName());
        command.addAll(args);
        final ServerProcess process = ServerProcess.start(name, command, workDir, true);
        try
        {
            final String ready = process.awaitLine(ChildControl.READY, Duration.ofSeconds(60));
            return new ChildJvm(process, Integer.parseInt(ready.substring(ChildControl.READY.length()).trim()));
        }
        catch (final IOException | RuntimeException ex)
        {
            process.close();
            throw ex;
        }
    }

    int port()
    {
        return port;
    }

    /** The child's operating-system process id. */
    long pid()
    {
        return process.pid();
    }

    Footprint footprint() throws IOException
    {
        final String line = process.command(ChildControl.HEAP_COMMAND, ChildControl.HEAP_REPLY, Duration.ofSeconds(30));
        final long heap = Long.parseLong(line.substring(ChildControl.HEAP_REPLY.length()).trim());
        return new Footprint(process.rssBytes(), heap);
    }

    @Override
    public void close()
    {
        process.close();
    }
}
