package io.emcomm.protocol.address;

import io.emcomm.protocol.wire.TerminalKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
final class AddressTest
{
    @Test
    void parsesATerminal() throws AddressException
    {
        final Address a = Address.parse("terminal:UAV-7.relay_2");

        assertEquals(Address.Scheme.TERMINAL, a.scheme());
        assertEquals("UAV-7.relay_2", a.value());
        assertEquals(Address.ALL_KINDS, a.kindMask());
        assertEquals(Address.terminal("UAV-7.relay_2"), a);
        assertEquals("terminal:UAV-7.relay_2", a.toString());
    }

    @Test
    void terminalIdOfSixtyFourCharactersIsTheLongestAccepted() throws AddressException
    {
        assertEquals("x".repeat(64), Address.parse("terminal:" + "x".repeat(64)).value());
        assertTrue(Address.isValidTerminalId("a"));
        assertFalse(Address.isValidTerminalId("x".repeat(65)));
        assertFalse(Address.isValidTerminalId(""));
        assertFalse(Address.isValidTerminalId(null));
        assertFalse(Address.isValidTerminalId("has space"));
        assertFalse(Address.isValidTerminalId("a/b"));
    }

    @Test
    void parsesAChannel() throws AddressException
    {
        final Address a = Address.parse("channel:flood.5201.rescue");

        assertEquals(Address.Scheme.CHANNEL, a.scheme());
        assertEquals("flood.5201.rescue", a.value());
        assertEquals("channel:flood.5201.rescue", a.toString());
    }

    @Test
    void parsesARegionWithoutFilterAsAllKinds() throws AddressException
    {
        final Address a = Address.parse("region:5201");

        assertEquals(Address.Scheme.REGION, a.scheme());
        assertEquals("5201", a.value());
        assertEquals(Address.ALL_KINDS, a.kindMask());
        for (final TerminalKind kind : new TerminalKind[]{TerminalKind.AIR, TerminalKind.SPACE, TerminalKind.GROUND, TerminalKind.COMMAND_POST})
        {
            assertTrue(a.acceptsKind(kind), kind.name());
        }
    }

    @Test
    void regionKindFilterAcceptsOnlyTheNamedKinds() throws AddressException
    {
        final Address a = Address.parse("region:520102/air+ground");

        assertEquals("520102", a.value(), "the filter is not part of the code");
        assertTrue(a.acceptsKind(TerminalKind.AIR));
        assertTrue(a.acceptsKind(TerminalKind.GROUND));
        assertFalse(a.acceptsKind(TerminalKind.SPACE));
        assertFalse(a.acceptsKind(TerminalKind.COMMAND_POST));
        assertFalse(a.acceptsKind(TerminalKind.TERMINAL_KIND_UNSPECIFIED));
        assertEquals("region:520102/air+ground", a.toString());
    }

    @Test
    void singleKindFilter() throws AddressException
    {
        final Address a = Address.parse("region:52/space");

        assertEquals(Address.kindBit(TerminalKind.SPACE), a.kindMask());
        assertTrue(a.acceptsKind(TerminalKind.SPACE));
        assertFalse(a.acceptsKind(TerminalKind.AIR));
    }

    @Test
    void kindNamesAreCaseInsensitiveWithCommandPostAliasesAndPrintInCanonicalOrder() throws AddressException
    {
        final Address a = Address.parse("region:5201/CP+Ground+command_post+AIR");
        final Address b = Address.parse("region:5201/air+ground+command-post");

        assertEquals(b, a);
        assertEquals("region:5201/air+ground+command-post", a.toString());
        assertEquals(a, Address.parse(a.toString()), "toString parses back to the same address");
    }

    @Test
    void filterIsPartOfEquality() throws AddressException
    {
        assertNotEquals(Address.parse("region:5201"), Address.parse("region:5201/air"));
        assertNotEquals(Address.parse("region:5201/air"), Address.parse("region:5201/ground"));
        assertNotEquals(Address.parse("region:5201"), Address.parse("up:5201"));
    }

    @Test
    void parsesUp() throws AddressException
    {
        final Address a = Address.parse("up:520102001001");

        assertEquals(Address.Scheme.UP, a.scheme());
        assertEquals("520102001001", a.value());
        assertEquals("up:520102001001", a.toString());
    }

    @Test
    void parseKindAndKindNameAgree() throws AddressException
    {
        for (final TerminalKind kind : new TerminalKind[]{TerminalKind.AIR, TerminalKind.SPACE, TerminalKind.GROUND, TerminalKind.COMMAND_POST})
        {
            assertEquals(kind, Address.parseKind(Address.kindName(kind)));
        }
        assertEquals("command-post", Address.kindName(TerminalKind.COMMAND_POST));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "\"\"                       | address is empty",
        "nocolon                    | address 'nocolon' has no scheme (terminal:, channel:, region:, up:)",
        "mail:x                     | unknown address scheme 'mail' (terminal, channel, region, up)",
        "Terminal:x                 | unknown address scheme 'Terminal' (terminal, channel, region, up)",
        ":x                         | unknown address scheme '' (terminal, channel, region, up)",
        "terminal:                  | terminal id '' must be 1-64 of [A-Za-z0-9._-]",
        "terminal:a b               | terminal id 'a b' must be 1-64 of [A-Za-z0-9._-]",
        "terminal:a:b               | terminal id 'a:b' must be 1-64 of [A-Za-z0-9._-]",
        "channel:                   | channel name is empty",
        "channel:Flood              | channel 'Flood' has an invalid character 'F' (allowed: a-z 0-9 _ - and . between tokens)",
        "channel:flood..rescue      | channel 'flood..rescue' has an empty token",
        "channel:flood.             | channel 'flood.' has an empty token",
        "channel:.flood             | channel '.flood' has an empty token",
        "channel:flood.*            | channel 'flood.*': wildcards are for subscriptions, not destinations",
        "channel:flood.>            | channel 'flood.>': wildcards are for subscriptions, not destinations",
        "region:                    | region code is empty",
        "region:/air                | region code is empty",
        "region:52a1                | region code '52a1' has a non-digit at position 2",
        "region:520                 | region code '520' must be 2, 4, 6, 9 or 12 digits (province, city, county, town, village)",
        "region:5201/               | region address '5201/' has an empty kind filter",
        "region:5201/sea            | unknown terminal kind 'sea' (air, space, ground, command-post)",
        "region:5201/air+           | unknown terminal kind '' (air, space, ground, command-post)",
        "region:5201/air++ground    | unknown terminal kind '' (air, space, ground, command-post)",
        "region:5201/air/ground     | unknown terminal kind 'air/ground' (air, space, ground, command-post)",
        "up:                        | region code is empty",
        "up:5                       | region code '5' must be 2, 4, 6, 9 or 12 digits (province, city, county, town, village)",
        "up:5201/air                | region code '5201/air' has a non-digit at position 4",
    })
    void rejectsWithAMessageNamingTheProblem(final String text, final String message)
    {
        final AddressException ex = assertThrows(AddressException.class, () -> Address.parse(text));

        assertEquals(message, ex.getMessage());
    }

    @Test
    void rejectsNull()
    {
        assertEquals("address is empty", assertThrows(AddressException.class, () -> Address.parse(null)).getMessage());
    }

    @Test
    void rejectsMoreThanMaxLengthCharactersBeforeLookingAtTheScheme() throws AddressException
    {
        final String longest = "channel:" + "a".repeat(Address.MAX_LENGTH - "channel:".length());
        assertEquals(Address.MAX_LENGTH, longest.length());
        assertEquals(Address.Scheme.CHANNEL, Address.parse(longest).scheme());

        final AddressException ex = assertThrows(AddressException.class, () -> Address.parse(longest + "a"));
        assertEquals("address longer than 256 characters", ex.getMessage());
    }

    @Test
    void channelOfSeventeenTokensIsRejected() throws AddressException
    {
        final String sixteen = "a" + ".a".repeat(15);
        assertEquals(Address.Scheme.CHANNEL, Address.parse("channel:" + sixteen).scheme());

        final AddressException ex = assertThrows(AddressException.class, () -> Address.parse("channel:" + sixteen + ".a"));
        assertEquals("channel '" + sixteen + ".a' has more than 16 tokens", ex.getMessage());
    }
}
