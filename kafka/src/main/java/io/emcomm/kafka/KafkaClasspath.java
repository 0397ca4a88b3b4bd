package io.emcomm.kafka;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

/**
 * The class path of the broker processes: this JVM's own, so a broker runs exactly the Kafka jars this program
 * was built with (module kafka depends on {@code kafka_2.13}). Three shapes occur:
 * <ul>
 *   <li>a Maven test or an IDE: {@code java.class.path} lists the jars and folders;</li>
 *   <li>Maven Surefire's booter: one jar whose manifest {@code Class-Path} lists them (followed here);</li>
 *   <li>the launcher, {@code java -jar clients/cli/target/emcomm.jar}: one shaded jar holding every dependency,
 *       Kafka's broker included, so the broker is {@code java -cp emcomm.jar io.emcomm.kafka.BrokerMain}.</li>
 * </ul>
 * Entries are made absolute (the broker runs in its node folder), and the result is checked to hold
 * {@code kafka/Kafka.class} so that a class path without the broker fails here with a reason.
 */
public final class KafkaClasspath
{
    private static final String KAFKA_CLASS = "kafka/Kafka.class";

    private KafkaClasspath()
    {
    }

    /**
     * This JVM's class path, absolute, with manifest class paths followed.
     *
     * @return the entries, in order, without duplicates
     * @throws ClusterFailure when none of them holds {@code kafka.Kafka}
     */
    public static List<Path> current()
    {
        final Set<Path> entries = new LinkedHashSet<>();
        for (final String e : System.getProperty("java.class.path", "").split(File.pathSeparator))
        {
            if (!e.isEmpty())
            {
                add(Path.of(e).toAbsolutePath().normalize(), entries);
            }
        }
        final List<Path> list = new ArrayList<>(entries);
        if (list.stream().noneMatch(KafkaClasspath::holdsKafka))
        {
            throw new ClusterFailure("this program's class path has no Kafka broker (kafka.Kafka from kafka_2.13): run it from "
                + "the emcomm launcher (./emcomm kafka) or a Maven build with module kafka on the class path");
        }
        return list;
    }

    /**
     * The class path as one {@code -cp} argument.
     *
     * @return the entries joined with the platform's path separator
     */
    public static String currentAsArgument()
    {
        final StringBuilder sb = new StringBuilder();
        for (final Path p : current())
        {
            if (sb.length() > 0)
            {
                sb.append(File.pathSeparatorChar);
            }
            sb.append(p);
        }
        return sb.toString();
    }

    private static void add(final Path entry, final Set<Path> entries)
    {
        if (!entries.add(entry) || !Files.isRegularFile(entry))
        {
            return;
        }
        try (JarFile jar = new JarFile(entry.toFile()))
        {
            final String manifestPath = jar.getManifest() == null ? null
                : jar.getManifest().getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (manifestPath == null)
            {
                return;
            }
            for (final String ref : manifestPath.trim().split("\\s+"))
            {
                // manifest entries are URLs relative to the jar (Surefire writes absolute file: URLs)
                final URI uri = entry.toUri().resolve(ref);
                add(Path.of(uri).normalize(), entries);
            }
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            // not a jar, or an entry that is not a file URL: the JVM would skip it too
        }
    }

    private static boolean holdsKafka(final Path entry)
    {
        if (Files.isDirectory(entry))
        {
            return Files.isRegularFile(entry.resolve(KAFKA_CLASS));
        }
        if (!Files.isRegularFile(entry))
        {
            return false;
        }
        try (JarFile jar = new JarFile(entry.toFile()))
        {
            return jar.getEntry(KAFKA_CLASS) != null;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }
}
