package io.emcomm.router.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One router setting, declared once in {@link Settings}: its key, default, parser, allowed range, unit and the
 * description the README's configuration table shows. Everything else (the file, {@code -D} and environment
 * sources, the unknown-key check, validation, the README test) works from these declarations.
 *
 * <p>Immutable and thread-safe; control plane only (read at start).
 *
 * @param <T> the value's type ({@code Integer}, {@code Long}, {@code Boolean}, {@code String}, {@code Path} or an
 *            enumeration).
 */
public final class Setting<T>
{
    /** A value's problem as the words after "key: ", or null when the value is fine. */
    @FunctionalInterface
    public interface Check<T>
    {
        String problem(T value);
    }

    private final String key;
    private final Function<String, T> parser;
    private final Function<T, String> format;
    private final Supplier<T> defaultValue;
    private final String defaultNote;
    private final boolean literalDefault;
    private final Check<T> check;
    private final Long min;
    private final Long max;
    private final String unit;
    private final String description;

    private Setting(final String key, final Function<String, T> parser, final Function<T, String> format,
        final Supplier<T> defaultValue, final String defaultNote, final boolean literalDefault, final Check<T> check,
        final Long min, final Long max, final String unit, final String description)
    {
        this.key = key;
        this.parser = parser;
        this.format = format;
        this.defaultValue = defaultValue;
        this.defaultNote = defaultNote;
        this.literalDefault = literalDefault;
        this.check = check;
        this.min = min;
        this.max = max;
        this.unit = unit;
        this.description = description;
    }

    /** A whole number setting within {@code min..max} (a max of {@code Integer.MAX_VALUE} reads "must be >= min"). */
    static Setting<Integer> integer(final String key, final int defaultValue, final long min, final long max,
        final String unit, final String description)
    {
        return new Setting<>(key, text -> parseNumber(text, Integer::parseInt), String::valueOf, () -> defaultValue, null,
            true, range(min, max), min, max, unit, description);
    }

    /** A {@code long} setting within {@code min..max} (a max of {@code Long.MAX_VALUE} reads "must be >= min"). */
    static Setting<Long> number(final String key, final long defaultValue, final long min, final long max,
        final String unit, final String description)
    {
        return new Setting<>(key, text -> parseNumber(text, Long::parseLong), String::valueOf, () -> defaultValue, null,
            true, range(min, max), min, max, unit, description);
    }

    /** {@code true} or {@code false}, nothing else. */
    static Setting<Boolean> flag(final String key, final boolean defaultValue, final String description)
    {
        return new Setting<>(key, Setting::parseFlag, String::valueOf, () -> defaultValue, null, true, null, null, null, "",
            description);
    }

    /** Free text, checked by {@code check} (may be null). */
    static Setting<String> text(final String key, final String defaultValue, final Check<String> check,
        final String description)
    {
        return new Setting<>(key, Function.identity(), Function.identity(), () -> defaultValue, null, true, check, null, null, "",
            description);
    }

    /**
     * Text that may be left empty: "" (the default) is none, which {@code defaultNote} describes in the README; a
     * value that is set is checked by {@code check} (may be null), which never sees "".
     */
    static Setting<String> optionalText(final String key, final String defaultNote, final Check<String> check,
        final String description)
    {
        final Check<String> whenSet = check == null ? null : value -> value.isEmpty() ? null : check.problem(value);
        return new Setting<>(key, Function.identity(), Function.identity(), () -> "", defaultNote, false, whenSet, null,
            null, "", description);
    }

    /** One of an enumeration's constants, named in any case; shown in lower case. */
    static <E extends Enum<E>> Setting<E> choice(final String key, final Class<E> type, final E defaultValue,
        final String description)
    {
        final String names = String.join(", ", java.util.Arrays.stream(type.getEnumConstants())
            .map(e -> e.name().toLowerCase(Locale.ROOT)).toList());
        final Function<String, E> parser = text ->
        {
            try
            {
                return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("'" + text + "' is not one of " + names);
            }
        };
        return new Setting<>(key, parser, e -> e.name().toLowerCase(Locale.ROOT), () -> defaultValue, null, true, null,
            null, null, "", description);
    }

    /** A required path. */
    static Setting<Path> path(final String key, final String defaultValue, final String description)
    {
        return new Setting<>(key, Path::of, Path::toString, () -> Path.of(defaultValue), null, true,
            value -> value == null ? "must be set" : null, null, null, "path", description);
    }

    /** A file that may be left unset: an empty value is none. {@code defaultNote} is what none means. */
    static Setting<Path> optionalFile(final String key, final String defaultNote, final String description)
    {
        return new Setting<>(key, text -> text.isEmpty() ? null : Path.of(text), Path::toString, () -> null, defaultNote,
            false, null, null, null, "path", description);
    }

    /**
     * The same setting with a default computed at start (the number of cores, a share of the direct memory),
     * described by {@code note} in the README.
     */
    Setting<T> computedDefault(final Supplier<T> value, final String note)
    {
        return new Setting<>(key, parser, format, value, note, false, check, min, max, unit, description);
    }

    /** The same setting with a note after its literal default in the README ({@code `0` (off)}). */
    Setting<T> defaultNote(final String note)
    {
        return new Setting<>(key, parser, format, defaultValue, note, literalDefault, check, min, max, unit, description);
    }

    /** The same setting read by {@code parser} (which throws {@code IllegalArgumentException} with the problem). */
    Setting<T> parsedBy(final Function<String, T> parser)
    {
        return new Setting<>(key, parser, format, defaultValue, defaultNote, literalDefault, check, min, max, unit,
            description);
    }

    /** The same setting checked by {@code check} instead of its range. */
    Setting<T> checkedBy(final Check<T> check)
    {
        return new Setting<>(key, parser, format, defaultValue, defaultNote, literalDefault, check, min, max, unit,
            description);
    }

    /** The key in a configuration file and as a {@code -D} system property, e.g. {@code emcomm.journal.sync}. */
    public String key()
    {
        return key;
    }

    /** The environment variable: the key upper-cased, dots as underscores ({@code EMCOMM_JOURNAL_SYNC}). */
    public String envName()
    {
        return ConfigSources.envName(key);
    }

    /** The value when nothing sets it (computed now for a computed default); null when unset means none. */
    public T defaultValue()
    {
        return defaultValue.get();
    }

    /**
     * The default as the README's table shows it: the literal value in backquotes (with a note in brackets
     * when there is one), or the note alone for a computed or absent default ("cores", "-").
     */
    public String documentedDefault()
    {
        if (!literalDefault)
        {
            return defaultNote;
        }
        final String literal = "`" + format.apply(defaultValue.get()) + "`";
        return defaultNote == null ? literal : literal + " (" + defaultNote + ")";
    }

    /** The literal default as a configuration file spells it, or null when the default is computed or none. */
    public String defaultText()
    {
        return literalDefault ? format.apply(defaultValue.get()) : null;
    }

    /** The smallest value allowed, or null when the setting is not a number. */
    public Long min()
    {
        return min;
    }

    /** The largest value allowed ({@code Integer.MAX_VALUE} or {@code Long.MAX_VALUE}: no limit), or null. */
    public Long max()
    {
        return max;
    }

    /** What the number counts ("ms", "bytes", "MiB", ...), or "" when it is not a quantity. */
    public String unit()
    {
        return unit;
    }

    /** What the setting does, as the README's configuration table says it. */
    public String description()
    {
        return description;
    }

    /**
     * Parses a value as written in a file, a system property or the environment (already trimmed).
     *
     * @throws ConfigException naming the key: "emcomm.port: 'x' is not an integer".
     */
    public T parse(final String text)
    {
        try
        {
            return parser.apply(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigException(key + ": " + ex.getMessage());
        }
    }

    /**
     * Checks a value against the declared range or rule.
     *
     * @throws ConfigException naming the key and the problem, e.g. "emcomm.io.threads: 0 is outside 1..256".
     */
    public T check(final T value)
    {
        final String problem = check == null ? null : check.problem(value);
        if (problem != null)
        {
            throw new ConfigException(key + ": " + problem);
        }
        return value;
    }

    @Override
    public String toString()
    {
        return key;
    }

    private static <N> N parseNumber(final String text, final Function<String, N> parse)
    {
        try
        {
            return parse.apply(text);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("'" + text + "' is not an integer");
        }
    }

    private static Boolean parseFlag(final String text)
    {
        if (!text.equals("true") && !text.equals("false"))
        {
            throw new IllegalArgumentException("'" + text + "' is not true or false");
        }
        return Boolean.valueOf(text);
    }

    private static <N extends Number> Check<N> range(final long min, final long max)
    {
        final boolean unbounded = max == Integer.MAX_VALUE || max == Long.MAX_VALUE;
        return value ->
        {
            final long v = value.longValue();
            if (v >= min && v <= max)
            {
                return null;
            }
            return unbounded ? "must be >= " + min : v + " is outside " + min + ".." + max;
        };
    }
}
