package io.emcomm.protocol.address;

/**
 * Channel names and subscription patterns. A name is dot-separated tokens of {@code [a-z0-9_-]}
 * (e.g. {@code flood.5201.rescue}), at most 16 tokens. A pattern may use {@code *} for exactly one token
 * and, as its last token, {@code >} for one or more tokens: {@code flood.*.rescue}, {@code flood.>}.
 * Published channel addresses never contain wildcards.
 */
public final class ChannelPattern
{
    public static final int MAX_TOKENS = 16;

    private final String pattern;
    private final String[] tokens;
    private final boolean literal;

    private ChannelPattern(final String pattern, final String[] tokens, final boolean literal)
    {
        this.pattern = pattern;
        this.tokens = tokens;
        this.literal = literal;
    }

    /**
     * Parses a channel pattern (protocol.md 5.2): dot-separated tokens, {@code *} for one token, {@code >} as the
     * last token for one or more.\n@throws AddressException naming the problem when the pattern is empty, has an
     * empty token or a misplaced wildcard
     */
    public static ChannelPattern parse(final String pattern) throws AddressException
    {
        final String[] tokens = split(pattern, true);
        boolean literal = true;
        for (final String t : tokens)
        {
            if (t.equals("*") || t.equals(">"))
            {
                literal = false;
            }
        }
        return new ChannelPattern(pattern, tokens, literal);
    }

    static void checkName(final String name) throws AddressException
    {
        split(name, false);
    }

    private static String[] split(final String text, final boolean wildcards) throws AddressException
    {
        if (text.isEmpty())
        {
            throw new AddressException("channel name is empty");
        }
        final String[] tokens = text.split("\\.", -1);
        if (tokens.length > MAX_TOKENS)
        {
            throw new AddressException("channel '" + text + "' has more than " + MAX_TOKENS + " tokens");
        }
        for (int i = 0; i < tokens.length; i++)
        {
            final String t = tokens[i];
            if (t.isEmpty())
            {
                throw new AddressException("channel '" + text + "' has an empty token");
            }
            if (t.equals("*") || t.equals(">"))
            {
                if (!wildcards)
                {
                    throw new AddressException("channel '" + text + "': wildcards are for subscriptions, not destinations");
                }
                if (t.equals(">") && i != tokens.length - 1)
                {
                    throw new AddressException("channel pattern '" + text + "': '>' may only be the last token");
                }
                continue;
            }
            for (int c = 0; c < t.length(); c++)
            {
                final char ch = t.charAt(c);
                if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-'))
                {
                    throw new AddressException("channel '" + text + "' has an invalid character '" + ch
                        + "' (allowed: a-z 0-9 _ - and . between tokens)");
                }
            }
        }
        return tokens;
    }

    public String pattern()
    {
        return pattern;
    }

    /** True when the pattern has no wildcard and so matches exactly one channel name. */
    public boolean isLiteral()
    {
        return literal;
    }

    /** True when the channel name (no wildcards) matches this pattern. Allocation-free; any thread. */
    public boolean matches(final String channel)
    {
        if (literal)
        {
            return pattern.equals(channel);
        }
        int start = 0;
        for (int i = 0; i < tokens.length; i++)
        {
            if (start > channel.length())
            {
                return false;
            }
            final String t = tokens[i];
            if (t.equals(">"))
            {
                return start < channel.length();
            }
            int end = channel.indexOf('.', start);
            if (end < 0)
            {
                end = channel.length();
            }
            if (!t.equals("*") && !channel.regionMatches(start, t, 0, Math.max(t.length(), end - start)))
            {
                return false;
            }
            if (t.equals("*") && end == start)
            {
                return false;
            }
            start = end + 1;
        }
        return start == channel.length() + 1;
    }

    @Override
    public String toString()
    {
        return pattern;
    }
}
