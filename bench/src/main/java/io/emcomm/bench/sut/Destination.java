package io.emcomm.bench.sut;

/**
 * Where a bench message goes, in system-neutral terms. Each system maps it onto its own addressing:
 * EmComm {@code channel:} / {@code terminal:} / {@code up:} addresses, NATS subjects, MQTT topics, or a
 * forwarding group of the Netty baseline.
 */
public record Destination(Kind kind, String name)
{
    /** The three kinds of bench address; each maps to an EmComm address form (docs/protocol.md section 5). */
    public enum Kind
    {
        /** A named channel (pub/sub topic). */
        CHANNEL,
        /** One terminal's own inbox. */
        TERMINAL,
        /** Up the chain of command from a region code: the command posts of it and every enclosing level. */
        UP
    }

    public static Destination channel(final String name)
    {
        return new Destination(Kind.CHANNEL, name);
    }

    public static Destination terminal(final String id)
    {
        return new Destination(Kind.TERMINAL, id);
    }

    public static Destination up(final String regionCode)
    {
        return new Destination(Kind.UP, regionCode);
    }

    /** Region code split into its levels, e.g. 520102001 -> [52, 5201, 520102, 520102001]. */
    public static String[] regionLevels(final String code)
    {
        final int levels = code.length() <= 6 ? code.length() / 2 : 3 + (code.length() - 6) / 3;
        final String[] out = new String[levels];
        for (int i = 0; i < levels; i++)
        {
            out[i] = code.substring(0, i < 3 ? 2 * (i + 1) : 6 + 3 * (i - 2));
        }
        return out;
    }
}
