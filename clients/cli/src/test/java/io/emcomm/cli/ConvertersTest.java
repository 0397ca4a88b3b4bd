package io.emcomm.cli;

import io.emcomm.cli.format.DeliveryFormat;
import io.emcomm.protocol.wire.Precedence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine.TypeConversionException;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

@Timeout(10)
class ConvertersTest
{
    @Test
    void durations()
    {
        assertEquals(Duration.ofMillis(500), Converters.duration("500ms"));
        assertEquals(Duration.ofSeconds(90), Converters.duration("1m30s"));
        assertEquals(Duration.ofHours(2), Converters.duration("2h"));
        assertEquals(Duration.ofDays(1), Converters.duration("1d"));
        assertEquals(Duration.ofSeconds(30), Converters.duration("PT30S"));
        for (final String bad : new String[] {"", "5", "5x", "s", "1m 30s", "-5s", "PTX"})
        {
            assertThrows(TypeConversionException.class, () -> Converters.duration(bad), bad);
        }
    }

    @Test
    void durationsOutOfRangeAreOneSentenceNotAnArithmeticError()
    {
        assertEquals(Duration.ZERO, Converters.duration("0s"), "zero is a duration (simulate --duration 0s: until Ctrl-C)");
        assertEquals(Duration.ofDays(3650), Converters.duration("3650d"));
        assertEquals("'0s' must be longer than zero",
            assertThrows(TypeConversionException.class, () -> Converters.positiveDuration("0s")).getMessage());
        assertEquals("'PT0S' must be longer than zero",
            assertThrows(TypeConversionException.class, () -> Converters.positiveDuration("PT0S")).getMessage());
        assertEquals("'-PT5S' is a negative duration",
            assertThrows(TypeConversionException.class, () -> Converters.duration("-PT5S")).getMessage());
        for (final String huge : new String[] {"99999999999999999999s", "9223372036854775807d", "3651d", "PT9999999999999999H",
            "P99999999999D", "106751991167300d"})
        {
            assertEquals("'" + huge + "' is too long a duration (at most 3650d)",
                assertThrows(TypeConversionException.class, () -> Converters.duration(huge), huge).getMessage());
        }
        final Instant now = Instant.parse("2026-05-01T08:00:00Z");
        assertEquals("'99999999d' is too long a duration (at most 3650d)",
            assertThrows(TypeConversionException.class, () -> Converters.time("99999999d", now)).getMessage());
        assertThrows(TypeConversionException.class, () -> new Converters.TimeConverter().convert("1969-12-31T00:00:00Z"));
        assertThrows(TypeConversionException.class, () -> new Converters.TimeConverter().convert("+100000-01-01T00:00:00Z"));
    }

    @Test
    void hostPort()
    {
        assertEquals(new Converters.HostPort("10.0.0.5", 7401), Converters.HostPort.parse("10.0.0.5:7401"));
        assertEquals(new Converters.HostPort("127.0.0.1", 7402), Converters.HostPort.parse(":7402"));
        assertEquals(new Converters.HostPort("router.local", 7400), Converters.HostPort.parse("router.local"));
        assertThrows(TypeConversionException.class, () -> Converters.HostPort.parse("host:http"));
        assertThrows(TypeConversionException.class, () -> Converters.HostPort.parse("host:70000"));
    }

    @Test
    void aRouterListParsesEveryEntryAndABadEntryIsNamedInOneLine()
    {
        final Converters.Routers routers = new Converters.RoutersConverter().convert("10.0.0.5:7401, node-b,:7402");
        assertEquals(List.of(InetSocketAddress.createUnresolved("10.0.0.5", 7401), InetSocketAddress.createUnresolved("node-b", 7400),
            InetSocketAddress.createUnresolved("127.0.0.1", 7402)), routers.addresses());
        assertEquals("10.0.0.5:7401,node-b:7400,127.0.0.1:7402", routers.toString());
        assertEquals("127.0.0.1:7400", Converters.Routers.parse("127.0.0.1:7400").toString(), "one router prints as before");
        assertEquals("bad router 'b:http' in 'a:7400,b:http': not HOST:PORT with a port in 1..65535",
            assertThrows(TypeConversionException.class, () -> Converters.Routers.parse("a:7400,b:http")).getMessage());
        assertEquals("bad router 'host:70000': not HOST:PORT with a port in 1..65535",
            assertThrows(TypeConversionException.class, () -> Converters.Routers.parse("host:70000")).getMessage());
    }

    @Test
    void times()
    {
        final Instant now = Instant.parse("2026-05-01T08:00:00Z");
        assertEquals(now, Converters.time("now", now));
        assertEquals(Instant.parse("2026-04-30T00:00:00Z"), Converters.time("2026-04-30T00:00:00Z", now));
        assertEquals(Instant.parse("2026-05-01T07:45:00Z"), Converters.time("15m", now));
        assertEquals(Instant.parse("2026-05-01T06:00:00Z"), Converters.time("-2h", now));
        assertThrows(TypeConversionException.class, () -> Converters.time("yesterday", now));
    }

    @Test
    void precedenceByNameOrProsign()
    {
        assertEquals(Precedence.FLASH, Converters.precedence("FLASH"));
        assertEquals(Precedence.FLASH, Converters.precedence("z"));
        assertEquals(Precedence.IMMEDIATE, Converters.precedence("o"));
        assertEquals(Precedence.ROUTINE, Converters.precedence("routine"));
        assertThrows(TypeConversionException.class, () -> Converters.precedence("urgent"));
    }

    @Test
    void jsonStringsAreEscaped()
    {
        assertEquals("\"a\\\"b\\\\c\\nd\\u0001\"", DeliveryFormat.quote("a\"b\\c\nd\u0001"));
    }
}
