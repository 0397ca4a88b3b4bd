package io.emcomm.router.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The three places a router's settings come from (a properties file, {@code -D} system properties,
 * {@code EMCOMM_*} environment variables) and what each may carry. A key in the {@code emcomm.} namespace that
 * the router does not know is refused whichever source it comes from, with the nearest known key as a
 * suggestion, because a misspelt setting silently left at its default ({@code emcomm.prot=7500}) is worse
 * than a router that does not start.
 *
 * <p>Not refused: system properties of the benchmark harness ({@code emcomm.bench.*}), and the environment
 * variables the launcher and the other commands read, listed in {@link #OTHER_ENV} and
 * {@link #OTHER_ENV_PREFIXES}: they share the {@code EMCOMM_} prefix but are not router settings.
 * Control plane; not thread-safe.
 */
final class ConfigSources
{
    /** Environment variables read by the launcher ({@code ./emcomm}) and the client commands, not the router. */
    static final Set<String> OTHER_ENV = Set.of(
        "EMCOMM_JAVA_OPTS",   // ./emcomm: extra JVM options
        "EMCOMM_CREDENTIAL"); // send, listen, replay, simulate: the terminal's token
    /**
     * Prefixes of client-side variables ({@code EMCOMM_CLIENT_TLS_CA} etc., the console's {@code EMCOMM_CONSOLE_PASSWORD}). The client's TLS files have names of
     * their own because {@code EMCOMM_TLS_CA} is the router's {@code emcomm.tls.ca}: a shell set up for a client
     * must not turn on TLS in a router started from it.
     */
    static final List<String> OTHER_ENV_PREFIXES = List.of("EMCOMM_CLIENT_", "EMCOMM_CONSOLE_");
    /** System properties of the benchmark harness, passed to the routers it starts. */
    static final String BENCH_PREFIX = "emcomm.bench.";

    private static final String NAMESPACE = "emcomm.";
    private static final String ENV_NAMESPACE = "EMCOMM_";

    private ConfigSources()
    {
    }

    /** The environment variable of a key: {@code emcomm.journal.sync} is {@code EMCOMM_JOURNAL_SYNC}. */
    static String envName(final String key)
    {
        return key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /**
     * Reads a properties file and refuses keys it does not know.
     *
     * @throws ConfigException "cannot read configuration file X: no such file" (or permission denied, is a
     *                         directory, ...), or the unknown keys with suggestions.
     */
    static Properties readFile(final Path file, final Set<String> keys)
    {
        final Properties fromFile = new Properties();
        try (InputStream in = Files.newInputStream(file))
        {
            fromFile.load(in);
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            // IllegalArgumentException: a malformed \\uXXXX escape
            throw new ConfigException("cannot read configuration file " + file + ": " + FileProblem.reason(ex));
        }
        refuseUnknown(fromFile.stringPropertyNames(), keys, "in " + file);
        return fromFile;
    }

    /** Refuses {@code emcomm.*} system properties that are not keys (the harness's own excepted). */
    static void checkSystem(final Properties system, final Set<String> keys)
    {
        final List<String> names = new ArrayList<>();
        for (final String name : system.stringPropertyNames())
        {
            if (name.startsWith(NAMESPACE) && !name.startsWith(BENCH_PREFIX))
            {
                names.add(name);
            }
        }
        refuseUnknown(names, keys, "from -D system properties");
    }

    /** Refuses {@code EMCOMM_*} environment variables that are neither keys nor read by another command. */
    static void checkEnvironment(final Map<String, String> env, final Set<String> keys)
    {
        final Set<String> known = new TreeSet<>();
        for (final String key : keys)
        {
            known.add(envName(key));
        }
        final Set<String> unknown = new TreeSet<>();
        for (final String name : env.keySet())
        {
            if (name.startsWith(ENV_NAMESPACE) && !known.contains(name) && !OTHER_ENV.contains(name)
                && OTHER_ENV_PREFIXES.stream().noneMatch(name::startsWith))
            {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty())
        {
            throw new ConfigException(describe(unknown, known, "unknown environment variable") + " (README.md lists the settings)");
        }
    }

    private static void refuseUnknown(final Collection<String> names, final Set<String> keys, final String where)
    {
        final Set<String> unknown = new TreeSet<>(names);
        unknown.removeAll(keys);
        if (!unknown.isEmpty())
        {
            throw new ConfigException(describe(unknown, keys, "unknown key") + " " + where + " (README.md lists the keys)");
        }
    }

    /** "unknown key emcomm.prot (did you mean emcomm.port?)", or the plural with every name. */
    static String describe(final Set<String> unknown, final Collection<String> known, final String what)
    {
        final StringBuilder line = new StringBuilder(what).append(unknown.size() == 1 ? " " : "s ");
        String separator = "";
        for (final String name : unknown)
        {
            line.append(separator).append(name);
            final String nearest = KeySuggestion.nearest(name, known);
            if (nearest != null)
            {
                line.append(" (did you mean ").append(nearest).append("?)");
            }
            separator = ", ";
        }
        return line.toString();
    }
}
