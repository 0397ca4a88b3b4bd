package io.emcomm.bench.report;

import io.emcomm.router.journal.JsonLines;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The benchmark's JSON files ({@code summary.json}, {@code soak.json}) written with Jackson, in the layout they
 * have always had, since scripts read them: two-space indentation, {@code "name": value}, {@code {}} and
 * {@code []} when empty, a line break at the end. Numbers in a map keep the summary's rule: a whole
 * {@code double} is written as an integer ({@code 1200}, not {@code 1200.0}), any other with one decimal
 * ({@code 12.3}), NaN and infinities as {@code null}; integers as they are. Control characters in strings are
 * six-character escapes in lower-case hex (backspace and form feed too), as before. Thread-safe (Jackson's writers are
 * immutable).
 */
public final class ReportJson
{
    private static final ObjectMapper MAPPER = JsonLines.builder()
        .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
        .addModule(new SimpleModule("bench-numbers")
            .addSerializer(Double.class, new OneDecimal<>(Double.class))
            .addSerializer(double.class, new OneDecimal<>(double.class))
            .addSerializer(Float.class, new OneDecimal<>(Float.class))
            .addSerializer(float.class, new OneDecimal<>(float.class)))
        .build();

    private static final ObjectWriter WRITER = MAPPER.writer(layout());

    private ReportJson()
    {
    }

    /** An empty object to fill in order (fields are written in the order they were put). */
    public static ObjectNode object()
    {
        return MAPPER.createObjectNode();
    }

    /**
     * {@code value} rounded half-up to {@code decimals} places, as {@code String.format("%.Nf")} would print it,
     * for a field with a fixed number of decimals; null (JSON {@code null}) for NaN or an infinity.
     */
    public static BigDecimal decimals(final double value, final int decimals)
    {
        if (Double.isNaN(value) || Double.isInfinite(value))
        {
            return null;
        }
        return BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP);
    }

    /**
     * {@code value} (maps, lists, strings, numbers, booleans, null, or a Jackson tree) as indented JSON ending in
     * a line break.
     *
     * @throws IllegalArgumentException if Jackson cannot write the value (a type it does not know)
     */
    public static String write(final Object value)
    {
        try
        {
            return WRITER.writeValueAsString(value) + "\n";
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON", ex);
        }
    }

    /** Writes {@link #write(Object) value} to {@code file}, creating its folder. */
    public static void write(final Path file, final Object value) throws IOException
    {
        final Path parent = file.toAbsolutePath().getParent();
        if (parent != null)
        {
            Files.createDirectories(parent);
        }
        Files.writeString(file, write(value));
    }

    private static DefaultPrettyPrinter layout()
    {
        final Separators separators = Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
            .withObjectEmptySeparator("")
            .withArrayEmptySeparator("");
        final DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        return new DefaultPrettyPrinter(separators).withObjectIndenter(indenter).withArrayIndenter(indenter);
    }

    /** The summary's number rule for floating-point values (see the class comment). */
    private static final class OneDecimal<T extends Number> extends StdSerializer<T>
    {
        OneDecimal(final Class<T> type)
        {
            super(type);
        }

        @Override
        public void serialize(final T value, final JsonGenerator gen, final SerializerProvider provider) throws IOException
        {
            final double d = value.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d))
            {
                gen.writeNull();
            }
            else if (d == Math.rint(d) && Math.abs(d) < 1e15)
            {
                gen.writeNumber((long)d);
            }
            else
            {
                gen.writeNumber(String.format(Locale.ROOT, "%.1f", d));
            }
        }
    }
}
