package io.emcomm.bench.sut;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * The JVM flags a child JVM (router, forwarder) or a JMH fork needs: the Chronicle exports/opens the parent
 * pom defines (filled into bench-jvm.properties at build time), the JDK 24+ access flags when this JVM is
 * 24 or newer, and the properties that keep Chronicle quiet and off the network.
 */
public final class JvmFlags
{
    private JvmFlags()
    {
    }

    /** Flags for a child JVM whose scratch files (JNA) go under {@code tmpDir}. */
    public static List<String> forChild(final Path tmpDir)
    {
        final List<String> flags = new ArrayList<>(base());
        flags.add("-Djna.tmpdir=" + tmpDir.toAbsolutePath());
        // as ./emcomm runs the router (see the launcher): Netty's sampled leak detector off, tests run it at paranoid
        flags.add("-Dio.netty.leakDetection.level=disabled");
        return flags;
    }

    /** Flags without a scratch folder (JMH forks). */
    public static List<String> base()
    {
        final Properties props = new Properties();
        try (InputStream in = JvmFlags.class.getResourceAsStream("/bench-jvm.properties"))
        {
            if (in != null)
            {
                props.load(in);
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot read bench-jvm.properties", ex);
        }
        final List<String> flags = new ArrayList<>();
        split(flags, props.getProperty("chronicle.jvm.flags", ""));
        if (Runtime.version().feature() >= 24)
        {
            flags.add("--enable-native-access=ALL-UNNAMED");
            flags.add("--sun-misc-unsafe-memory-access=allow");
        }
        split(flags, props.getProperty("chronicle.quiet.props", ""));
        return flags;
    }

    private static void split(final List<String> into, final String flags)
    {
        if (flags.contains("${"))
        {
            throw new IllegalStateException("bench-jvm.properties was not filtered by the build: " + flags);
        }
        Arrays.stream(flags.trim().split("\\s+")).filter(s -> !s.isEmpty()).forEach(into::add);
    }

    /** The java launcher of this JVM. */
    public static String javaExecutable()
    {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
