package io.emcomm.protocol.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.emcomm.protocol.address.Address;
import io.emcomm.protocol.address.AddressException;
import io.emcomm.protocol.address.ChannelPattern;
import io.emcomm.protocol.region.RegionCode;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the address grammar: {@link Address#parse}, {@link ChannelPattern#parse} and
 * {@link ChannelPattern#matches}, and {@link RegionCode#problem}. Nothing may throw but
 * {@link AddressException}; a parsed address prints as text that parses back to an equal address; and a
 * pattern matches a channel exactly when a plain token-by-token reading of the rules says it does.
 *
 * <p>The input is UTF-8 text, so corpus files are readable: the whole text is tried as an address, a
 * pattern and a region code; when it holds a newline, the part before it is also tried as a pattern and the
 * part after it as the channel to match.
 */
final class AddressFuzzTest
{
    @FuzzTest(maxDuration = "2m")
    @Timeout(10)
    void addressGrammarHolds(final byte[] input)
    {
        final String text = new String(input, StandardCharsets.UTF_8);
        addressRoundTrips(text);
        regionProblemIsConsistent(text);
        final int newline = text.indexOf('\n');
        if (newline < 0)
        {
            patternMatchesLikeTheReference(text, text);
        }
        else
        {
            patternMatchesLikeTheReference(text.substring(0, newline), text.substring(newline + 1));
        }
    }

    private static void addressRoundTrips(final String text)
    {
        final Address address;
        try
        {
            address = Address.parse(text);
        }
        catch (final AddressException ex)
        {
            assertNotNull(ex.getMessage(), "a refusal names its reason");
            return;
        }
        assertFalse(address.value().isEmpty(), "an address has a value");
        final String printed = address.toString();
        final Address reparsed;
        try
        {
            reparsed = Address.parse(printed);
        }
        catch (final AddressException ex)
        {
            throw new AssertionError("'" + text + "' parsed, but its printed form '" + printed + "' does not", ex);
        }
        assertEquals(address, reparsed, "'" + text + "' printed as '" + printed + "'");
        assertEquals(printed, reparsed.toString(), "printing is stable");
        if (address.scheme() == Address.Scheme.REGION || address.scheme() == Address.Scheme.UP)
        {
            assertNull(RegionCode.problem(address.value()), "a parsed region address holds a valid code");
        }
    }

    private static void regionProblemIsConsistent(final String text)
    {
        final String problem = RegionCode.problem(text);
        assertEquals(problem == null, RegionCode.isValid(text));
        if (problem == null)
        {
            final String[] chain = RegionCode.chain(text);
            assertEquals(text, chain[chain.length - 1], "a chain ends at the code itself");
            for (int i = 1; i < chain.length; i++)
            {
                assertTrue(RegionCode.contains(chain[i - 1], chain[i]), "each level contains the next");
                assertEquals(chain[i - 1], RegionCode.parent(chain[i]), "parent of " + chain[i]);
            }
        }
    }

    private static void patternMatchesLikeTheReference(final String patternText, final String channel)
    {
        final ChannelPattern pattern;
        try
        {
            pattern = ChannelPattern.parse(patternText);
        }
        catch (final AddressException ex)
        {
            assertNotNull(ex.getMessage(), "a refusal names its reason");
            return;
        }
        final boolean matches = pattern.matches(channel);
        if (!isChannelName(channel))
        {
            // Not a publishable channel: only insist that a literal pattern matches nothing but itself.
            assertFalse(matches && pattern.isLiteral() && !patternText.equals(channel));
            return;
        }
        assertEquals(referenceMatches(patternText.split("\\.", -1), channel.split("\\.", -1)), matches,
            "pattern '" + patternText + "' against channel '" + channel + "'");
    }

    private static boolean isChannelName(final String channel)
    {
        try
        {
            return Address.parse("channel:" + channel).scheme() == Address.Scheme.CHANNEL;
        }
        catch (final AddressException ex)
        {
            return false;
        }
    }

    /** '*' is exactly one token, '>' (last) is one or more, anything else is itself. */
    private static boolean referenceMatches(final String[] pattern, final String[] channel)
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
        return channel.length == pattern.length;
    }
}
