package io.emcomm.protocol.address;

import io.emcomm.protocol.region.RegionCode;
import io.emcomm.protocol.wire.TerminalKind;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A destination address. Four forms, each {@code scheme:value}:
 * <ul>
 *   <li>{@code terminal:<id>} - one terminal;</li>
 *   <li>{@code channel:<name>} - every session subscribed to a matching channel pattern;</li>
 *   <li>{@code region:<code>[/<kind>[+<kind>...]]} - every terminal registered in the region or below it,
 *       optionally only those of the given kinds ({@code air}, {@code space}, {@code ground},
 *       {@code command-post}), e.g. {@code region:5201/air};</li>
 *   <li>{@code up:<code>} - the command posts of every level enclosing and including the region's
 *       parent chain: {@code up:520102001} reaches the posts of 520102001, 520102, 5201 and 52.</li>
 * </ul>
 * Instances are immutable and compare by value.
 */
public record Address(Scheme scheme, String value, int kindMask)
{
    /** The four address schemes of protocol.md section 5, with their text prefix. */
    public enum Scheme
    {
        TERMINAL("terminal"), CHANNEL("channel"), REGION("region"), UP("up");

        private final String prefix;

        Scheme(final String prefix)
        {
            this.prefix = prefix;
        }

        public String prefix()
        {
            return prefix;
        }
    }

    /** Mask that matches every terminal kind. */
    public static final int ALL_KINDS = 0;
    public static final int MAX_LENGTH = 256;

    private static final Pattern TERMINAL_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public static boolean isValidTerminalId(final String id)
    {
        return id != null && TERMINAL_ID.matcher(id).matches();
    }

    public static int kindBit(final TerminalKind kind)
    {
        return 1 << kind.getNumber();
    }

    /** True when a terminal of this kind passes the address's kind filter. */
    public boolean acceptsKind(final TerminalKind kind)
    {
        return kindMask == ALL_KINDS || (kindMask & kindBit(kind)) != 0;
    }

    public static Address terminal(final String id)
    {
        return new Address(Scheme.TERMINAL, id, ALL_KINDS);
    }

    /**
     * Parses a destination address ({@code terminal:ID}, {@code channel:NAME}, {@code region:CODE[?kind=...]}, {@code
     * up:CODE}; protocol.md section 5).\n@throws AddressException naming the problem for an unknown scheme, an empty
     * value, a bad region code or kind filter
     */
    public static Address parse(final String text) throws AddressException
    {
        if (text == null || text.isEmpty())
        {
            throw new AddressException("address is empty");
        }
        if (text.length() > MAX_LENGTH)
        {
            throw new AddressException("address longer than " + MAX_LENGTH + " characters");
        }
        final int colon = text.indexOf(':');
        if (colon < 0)
        {
            throw new AddressException("address '" + text + "' has no scheme (terminal:, channel:, region:, up:)");
        }
        final String scheme = text.substring(0, colon);
        final String value = text.substring(colon + 1);
        switch (scheme)
        {
            case "terminal":
                if (!isValidTerminalId(value))
                {
                    throw new AddressException("terminal id '" + value + "' must be 1-64 of [A-Za-z0-9._-]");
                }
                return new Address(Scheme.TERMINAL, value, ALL_KINDS);
            case "channel":
                ChannelPattern.checkName(value);
                return new Address(Scheme.CHANNEL, value, ALL_KINDS);
            case "region":
                return parseRegion(value);
            case "up":
                checkRegion(value);
                return new Address(Scheme.UP, value, ALL_KINDS);
            default:
                throw new AddressException("unknown address scheme '" + scheme + "' (terminal, channel, region, up)");
        }
    }

    private static Address parseRegion(final String value) throws AddressException
    {
        final int slash = value.indexOf('/');
        final String code = slash < 0 ? value : value.substring(0, slash);
        checkRegion(code);
        int mask = ALL_KINDS;
        if (slash >= 0)
        {
            final String kinds = value.substring(slash + 1);
            if (kinds.isEmpty())
            {
                throw new AddressException("region address '" + value + "' has an empty kind filter");
            }
            for (final String kind : kinds.split("\\+", -1))
            {
                mask |= kindBit(parseKind(kind));
            }
        }
        return new Address(Scheme.REGION, code, mask);
    }

    /** Parses a terminal kind as written in addresses and on the command line: air, space, ground, command-post. */
    public static TerminalKind parseKind(final String kind) throws AddressException
    {
        switch (kind.toLowerCase(Locale.ROOT))
        {
            case "air": return TerminalKind.AIR;
            case "space": return TerminalKind.SPACE;
            case "ground": return TerminalKind.GROUND;
            case "command-post":
            case "command_post":
            case "cp": return TerminalKind.COMMAND_POST;
            default: throw new AddressException("unknown terminal kind '" + kind + "' (air, space, ground, command-post)");
        }
    }

    public static String kindName(final TerminalKind kind)
    {
        return kind == TerminalKind.COMMAND_POST ? "command-post" : kind.name().toLowerCase(Locale.ROOT);
    }

    private static void checkRegion(final String code) throws AddressException
    {
        final String problem = RegionCode.problem(code);
        if (problem != null)
        {
            throw new AddressException(problem);
        }
    }

    @Override
    public String toString()
    {
        if (kindMask == ALL_KINDS)
        {
            return scheme.prefix() + ':' + value;
        }
        final StringBuilder sb = new StringBuilder(scheme.prefix()).append(':').append(value);
        char sep = '/';
        for (final TerminalKind kind : TerminalKind.values())
        {
            if (kind != TerminalKind.UNRECOGNIZED && kind != TerminalKind.TERMINAL_KIND_UNSPECIFIED && acceptsKind(kind))
            {
                sb.append(sep).append(kindName(kind));
                sep = '+';
            }
        }
        return sb.toString();
    }
}
