package io.emcomm.protocol.address;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
final class ChannelPatternTest
{
    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        // literal
        "flood.5201      | flood.5201           | true",
        "flood.5201      | flood.5202           | false",
        "flood.5201      | flood.5201.rescue    | false",
        "flood.5201      | flood                | false",
        "flood           | floods               | false",
        "floods          | flood                | false",
        // '*' is exactly one token
        "*               | flood                | true",
        "*               | flood.5201           | false",
        "flood.*         | flood.5201           | true",
        "flood.*         | flood                | false",
        "flood.*         | flood.5201.rescue    | false",
        "flood.*.rescue  | flood.5201.rescue    | true",
        "flood.*.rescue  | flood.5201.medical   | false",
        "flood.*.rescue  | flood.rescue         | false",
        "*.*             | a.b                  | true",
        "*.*             | a                    | false",
        "*.*             | a.b.c                | false",
        // '*' never matches an empty token
        "*               | \"\"                 | false",
        "a.*             | a.                   | false",
        "*.b             | .b                   | false",
        "a.*.c           | a..c                 | false",
        // '>' is one or more trailing tokens
        ">               | a                    | true",
        ">               | a.b.c                | true",
        ">               | \"\"                 | false",
        "a.>             | a                    | false",
        "a.>             | a.b                  | true",
        "a.>             | a.b.c.d              | true",
        "a.>             | a.                   | false",
        "a.>             | ab.c                 | false",
        "a.>             | b.a                  | false",
        "*.>             | a                    | false",
        "*.>             | a.b                  | true",
        "a.*.>           | a.b                  | false",
        "a.*.>           | a.b.c                | true",
        // literal tokens must match whole tokens, not prefixes
        "ab.*            | a.b                  | false",
        "a.*             | ab.c                 | false",
        "flood.5201      | flood.520            | false",
        "flood.520       | flood.5201           | false",
        "flood.*         | floo.x               | false",
    })
    void matches(final String pattern, final String channel, final boolean expected) throws AddressException
    {
        assertEquals(expected, ChannelPattern.parse(pattern).matches(channel));
    }

    @Test
    void agreesWithATokenByTokenModelOnEveryPatternAndChannelOverASmallAlphabet() throws AddressException
    {
        // Every pattern of 1-3 tokens over {a, b, *, >} (with '>' only last) against every channel of
        // 1-4 tokens over {a, b, ab}: the fast matcher must agree with the obvious definition.
        final List<String> patterns = sequences(new String[]{"a", "b", "*", ">"}, 3);
        final List<String> channels = sequences(new String[]{"a", "b", "ab"}, 4);
        int compared = 0;
        int matched = 0;
        for (final String p : patterns)
        {
            final String[] pt = p.split("\\.");
            if (p.contains(">") && p.indexOf('>') != p.length() - 1)
            {
                continue;
            }
            final ChannelPattern pattern = ChannelPattern.parse(p);
            for (final String c : channels)
            {
                final boolean expected = model(pt, c.split("\\."));
                assertEquals(expected, pattern.matches(c), p + " ~ " + c);
                compared++;
                matched += expected ? 1 : 0;
            }
        }
        assertTrue(compared > 5000 && matched > 500, "the model comparison exercised both outcomes");
    }

    @Test
    void literalFlag() throws AddressException
    {
        assertTrue(ChannelPattern.parse("flood.5201").isLiteral());
        assertFalse(ChannelPattern.parse("flood.*").isLiteral());
        assertFalse(ChannelPattern.parse("flood.>").isLiteral());
        assertEquals("flood.>", ChannelPattern.parse("flood.>").pattern());
        assertEquals("flood.>", ChannelPattern.parse("flood.>").toString());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "\"\"        | channel name is empty",
        "a.>.b       | channel pattern 'a.>.b': '>' may only be the last token",
        ">.>         | channel pattern '>.>': '>' may only be the last token",
        "a.**        | channel 'a.**' has an invalid character '*' (allowed: a-z 0-9 _ - and . between tokens)",
        "a*          | channel 'a*' has an invalid character '*' (allowed: a-z 0-9 _ - and . between tokens)",
        "a.>>        | channel 'a.>>' has an invalid character '>' (allowed: a-z 0-9 _ - and . between tokens)",
        "a..*        | channel 'a..*' has an empty token",
        "*.          | channel '*.' has an empty token",
        "A.*         | channel 'A.*' has an invalid character 'A' (allowed: a-z 0-9 _ - and . between tokens)",
    })
    void rejectsBadPatterns(final String pattern, final String message)
    {
        assertEquals(message, assertThrows(AddressException.class, () -> ChannelPattern.parse(pattern)).getMessage());
    }

    @Test
    void patternOfSixteenTokensIsTheLongest() throws AddressException
    {
        final String sixteen = "*" + ".*".repeat(15);
        assertTrue(ChannelPattern.parse(sixteen).matches("a" + ".a".repeat(15)));
        assertThrows(AddressException.class, () -> ChannelPattern.parse(sixteen + ".>"));
    }

    private static boolean model(final String[] pattern, final String[] channel)
    {
        for (int i = 0; i < pattern.length; i++)
        {
            if (pattern[i].equals(">"))
            {
                return channel.length > i;
            }
            if (i >= channel.length || !(pattern[i].equals("*") || pattern[i].equals(channel[i])))
            {
                return false;
            }
        }
        return pattern.length == channel.length;
    }

    private static List<String> sequences(final String[] alphabet, final int maxTokens)
    {
        final List<String> out = new ArrayList<>();
        List<String> level = new ArrayList<>(List.of(alphabet));
        out.addAll(level);
        for (int n = 2; n <= maxTokens; n++)
        {
            final List<String> next = new ArrayList<>();
            for (final String prefix : level)
            {
                for (final String t : alphabet)
                {
                    next.add(prefix + "." + t);
                }
            }
            out.addAll(next);
            level = next;
        }
        return out;
    }
}
