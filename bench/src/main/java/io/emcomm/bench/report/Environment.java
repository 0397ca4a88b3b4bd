package io.emcomm.bench.report;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** What the numbers were measured on: CPU, cores, memory, JDK, GC, kernel. */
public final class Environment
{
    private Environment()
    {
    }

    /**
     * The machine and software of a run, as written to summary.json: cpu, cores, memory_mib (-1 when unknown), jdk, gc
     * (servers' heap and the harness's collectors), kernel, and peers (nats-server and mosquitto versions, client
     * library versions). Runs the peers' version commands (each given up to 5 s).
     */
    public static Map<String, Object> describe()
    {
        final Map<String, Object> env = new LinkedHashMap<>();
        env.put("cpu", cpuModel());
        env.put("cores", Runtime.getRuntime().availableProcessors());
        env.put("memory_mib", memoryMib());
        env.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        env.put("gc", "G1 (servers: -Xmx" + System.getProperty("emcomm.bench.childHeap", "512m") + "); harness: "
            + ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
                .collect(Collectors.joining(", ")));
        env.put("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
            + System.getProperty("os.arch"));
        final Map<String, Object> peers = new LinkedHashMap<>();
        peers.put("nats-server", firstLine(List.of("nats-server", "--version")));
        peers.put("mosquitto", firstLine(List.of("mosquitto", "-h")));
        final java.util.Properties versions = new java.util.Properties();
        try (java.io.InputStream in = Environment.class.getResourceAsStream("/bench-versions.properties"))
        {
            if (in != null)
            {
                versions.load(in);
            }
        }
        catch (final IOException ignore)
        {
            // versions stay unknown
        }
        peers.put("clients", "jnats " + versions.getProperty("jnats", "?") + ", hivemq-mqtt-client "
            + versions.getProperty("hivemq-mqtt-client", "?") + ", netty " + versions.getProperty("netty", "?"));
        env.put("peers", peers);
        return env;
    }

    /** First output line of a peer's version command, or "not installed". */
    private static String firstLine(final List<String> command)
    {
        final List<String> full = new java.util.ArrayList<>(command);
        final Path exe = Path.of("/usr/sbin", command.get(0));
        if (Files.isExecutable(exe))
        {
            full.set(0, exe.toString());
        }
        try
        {
            final Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
            p.getOutputStream().close();
            final String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            return out.lines().findFirst().orElse("?").trim();
        }
        catch (final IOException ex)
        {
            return "not installed";
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    private static String cpuModel()
    {
        try
        {
            final List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            for (final String line : lines)
            {
                if (line.startsWith("model name"))
                {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        }
        catch (final IOException | RuntimeException ignore)
        {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }

    private static long memoryMib()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/meminfo")))
            {
                if (line.startsWith("MemTotal:"))
                {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        }
        catch (final IOException | RuntimeException ignore)
        {
            // not Linux
        }
        return -1;
    }
}
