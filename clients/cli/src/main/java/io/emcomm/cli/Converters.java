package io.emcomm.cli;

import io.emcomm.client.ClientOptions;
import io.emcomm.protocol.address.Address;
import io.emcomm.protocol.address.AddressException;
import io.emcomm.protocol.region.RegionCode;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for the command line's value types; each failure is one readable sentence (exit code 2). */
final class Converters
{
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Converters()
    {
    }

    /** The longest duration any option takes: ten years, far below where nanosecond arithmetic overflows. */
    static final Duration MAX_DURATION = Duration.ofDays(3650);

    private static final String DURATION_FORMS = " (e.g. 500ms, 30s, 5m, 2h)";

    /**
     * {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}, combinations like {@code 1m30s}, or ISO-8601
     * {@code PT30S}; zero or more, at most {@link #MAX_DURATION}.
     */
    static Duration duration(final String text)
    {
        final Duration d;
        try
        {
            d = parseDuration(text);
        }
        catch (final ArithmeticException | NumberFormatException ex)
        {
            throw new TypeConversionException("'" + text + "' is too long a duration (at most 3650d)");
        }
        if (d.isNegative())
        {
            throw new TypeConversionException("'" + text + "' is a negative duration");
        }
        if (d.compareTo(MAX_DURATION) > 0)
        {
            throw new TypeConversionException("'" + text + "' is too long a duration (at most 3650d)");
        }
        return d;
    }

    /** Like {@link #duration(String)}, and more than zero. */
    static Duration positiveDuration(final String text)
    {
        final Duration d = duration(text);
        if (d.isZero())
        {
            throw new TypeConversionException("'" + text + "' must be longer than zero");
        }
        return d;
    }

    private static Duration parseDuration(final String text)
    {
        final String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("p") || t.startsWith("-p"))
        {
            try
            {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            }
            catch (final DateTimeParseException ex)
            {
                if (ex.getCause() instanceof ArithmeticException overflow)
                {
                    throw overflow;
                }
                throw new TypeConversionException("'" + text + "' is not a duration" + DURATION_FORMS);
            }
        }
        final Matcher m = DURATION_PART.matcher(t);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end)
        {
            final long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2))
            {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
            end = m.end();
        }
        if (end == 0 || end != t.length())
        {
            throw new TypeConversionException("'" + text + "' is not a duration" + DURATION_FORMS);
        }
        return total;
    }

    /** A duration of zero or more (where zero has a meaning, such as "run until Ctrl-C"). */
    static final class DurationConverter implements ITypeConverter<Duration>
    {
        @Override
        public Duration convert(final String value)
        {
            return duration(value);
        }
    }

    /** A duration longer than zero: a time-to-live or a timeout. */
    static final class PositiveDurationConverter implements ITypeConverter<Duration>
    {
        @Override
        public Duration convert(final String value)
        {
            return positiveDuration(value);
        }
    }

    /** A destination address, checked with the protocol's own parser. */
    static final class AddressConverter implements ITypeConverter<String>
    {
        @Override
        public String convert(final String value)
        {
            try
            {
                Address.parse(value.trim());
                return value.trim();
            }
            catch (final AddressException ex)
            {
                throw new TypeConversionException("bad address '" + value + "': " + ex.getMessage());
            }
        }
    }

    static final class KindConverter implements ITypeConverter<TerminalKind>
    {
        @Override
        public TerminalKind convert(final String value)
        {
            try
            {
                return Address.parseKind(value);
            }
            catch (final AddressException ex)
            {
                throw new TypeConversionException(ex.getMessage());
            }
        }
    }

    static final class RegionConverter implements ITypeConverter<String>
    {
        @Override
        public String convert(final String value)
        {
            final String problem = RegionCode.problem(value);
            if (problem != null)
            {
                throw new TypeConversionException(problem);
            }
            return value;
        }
    }

    /** {@code flash|immediate|priority|routine}, or the one-letter prosigns Z, O, P, R. */
    static Precedence precedence(final String value)
    {
        switch (value.trim().toLowerCase(Locale.ROOT))
        {
            case "flash", "z": return Precedence.FLASH;
            case "immediate", "o": return Precedence.IMMEDIATE;
            case "priority", "p": return Precedence.PRIORITY;
            case "routine", "r": return Precedence.ROUTINE;
            default: throw new TypeConversionException(
                "unknown precedence '" + value + "' (flash, immediate, priority, routine)");
        }
    }

    static final class PrecedenceConverter implements ITypeConverter<Precedence>
    {
        @Override
        public Precedence convert(final String value)
        {
            return precedence(value);
        }
    }

    /** {@code HOST:PORT}, {@code :PORT} or {@code HOST}; the port defaults to 7400. */
    record HostPort(String host, int port)
    {
        static final int DEFAULT_PORT = 7400;

        static HostPort parse(final String text)
        {
            final String t = text.trim();
            final int colon = t.lastIndexOf(':');
            final String host = colon < 0 ? t : t.substring(0, colon);
            int port = DEFAULT_PORT;
            if (colon >= 0)
            {
                try
                {
                    port = Integer.parseInt(t.substring(colon + 1));
                }
                catch (final NumberFormatException ex)
                {
                    port = -1;
                }
            }
            if (port < 1 || port > 65535)
            {
                throw new TypeConversionException("'" + text + "' is not HOST:PORT with a port in 1..65535");
            }
            return new HostPort(host.isEmpty() ? "127.0.0.1" : host, port);
        }

        @Override
        public String toString()
        {
            return host + ":" + port;
        }
    }

    static final class HostPortConverter implements ITypeConverter<HostPort>
    {
        @Override
        public HostPort convert(final String value)
        {
            return HostPort.parse(value);
        }
    }

    /**
     * The router nodes a terminal may use, in the order to try them: {@code HOST:PORT[,HOST:PORT...]}, each entry
     * also {@code HOST} (port 7400) or {@code :PORT} (127.0.0.1), parsed by {@link ClientOptions#parseRouters} and
     * given to {@link ClientOptions.Builder#routers}. Prints as written, without blanks.
     */
    record Routers(List<InetSocketAddress> addresses)
    {
        static Routers parse(final String text)
        {
            try
            {
                return new Routers(ClientOptions.parseRouters(text));
            }
            catch (final IllegalArgumentException ex)
            {
                throw new TypeConversionException(ex.getMessage());
            }
        }

        @Override
        public String toString()
        {
            return addresses.stream().map(a -> (a.getHostString().indexOf(':') >= 0 ? "[" + a.getHostString() + "]" :
                a.getHostString()) + ":" + a.getPort()).collect(Collectors.joining(","));
        }
    }

    static final class RoutersConverter implements ITypeConverter<Routers>
    {
        @Override
        public Routers convert(final String value)
        {
            return Routers.parse(value);
        }
    }

    /**
     * A point in time: {@code now}, an ISO-8601 instant ({@code 2026-05-01T08:00:00Z}), a local date-time or
     * date (this machine's zone), or a duration meaning that long ago ({@code 15m}).
     */
    static Instant time(final String text, final Instant now)
    {
        final String t = text.trim();
        if (t.equalsIgnoreCase("now"))
        {
            return now;
        }
        try
        {
            return Instant.parse(t);
        }
        catch (final DateTimeParseException ignore)
        {
            // not an instant; try the other forms
        }
        try
        {
            return LocalDateTime.parse(t).atZone(ZoneId.systemDefault()).toInstant();
        }
        catch (final DateTimeParseException ignore)
        {
            // next form
        }
        try
        {
            return LocalDate.parse(t).atStartOfDay(ZoneId.systemDefault()).toInstant();
        }
        catch (final DateTimeParseException ignore)
        {
            // next form
        }
        final String ago = t.startsWith("-") ? t.substring(1) : t;
        if (!ago.isEmpty() && Character.isDigit(ago.charAt(0)) && DURATION_PART.matcher(ago).lookingAt())
        {
            return now.minus(duration(ago)); // a duration, perhaps too long: its own message says so
        }
        try
        {
            return now.minus(duration(ago));
        }
        catch (final TypeConversionException | java.time.DateTimeException | ArithmeticException ex)
        {
            throw new TypeConversionException("'" + text +
                "' is not a time (now, 2026-05-01T08:00:00Z, 2026-05-01T08:00, 2026-05-01, or 15m for 15 minutes ago)");
        }
    }

    private static final Instant LATEST_TIME = Instant.parse("9999-12-31T23:59:59Z");

    static final class TimeConverter implements ITypeConverter<Instant>
    {
        @Override
        public Instant convert(final String value)
        {
            final Instant t = time(value, Instant.now());
            // The journal counts microseconds since 1970 in a long: keep to times it can hold and people mean.
            if (t.isBefore(Instant.EPOCH) || t.isAfter(LATEST_TIME))
            {
                throw new TypeConversionException("'" + value + "' is outside 1970-01-01..9999-12-31");
            }
            return t;
        }
    }
}
