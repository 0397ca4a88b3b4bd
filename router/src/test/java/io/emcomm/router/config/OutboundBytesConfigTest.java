package io.emcomm.router.config;

import io.netty.util.internal.PlatformDependent;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two delivery memory budgets: defaults derived from direct memory, overrides, and bad values. */
class OutboundBytesConfigTest
{
    private static RouterConfig.Builder base()
    {
        return RouterConfig.builder().dataDir(Path.of("unused"));
    }

    @Test
    void defaultsFollowTheDirectMemoryLimit()
    {
        final RouterConfig config = base().build();
        assertEquals(PlatformDependent.maxDirectMemory() / 2, config.outboundRouterBytes());
        assertEquals(Math.min(8L << 20, config.outboundRouterBytes() / 4), config.outboundSessionBytes());
    }

    @Test
    void aSmallRouterBudgetShrinksTheSessionDefault()
    {
        final RouterConfig config = base().outboundRouterBytes(16L << 20).build();
        assertEquals(4L << 20, config.outboundSessionBytes(), "a quarter of 16 MiB");
        assertEquals(8L << 20, base().outboundRouterBytes(1L << 30).build().outboundSessionBytes(), "at most 8 MiB");
    }

    @Test
    void bothKeysAreReadFromSystemPropertiesAndTheEnvironment()
    {
        final Properties system = new Properties();
        system.setProperty("emcomm.outbound.router.bytes", "33554432");
        final RouterConfig config = base().load(null, system, Map.of("EMCOMM_OUTBOUND_SESSION_BYTES", "1048576")).build();
        assertEquals(32L << 20, config.outboundRouterBytes());
        assertEquals(1L << 20, config.outboundSessionBytes());
    }

    @Test
    void badValuesNameTheKey()
    {
        final ConfigException above = assertThrows(ConfigException.class,
            () -> base().outboundRouterBytes(1L << 20).outboundSessionBytes(2L << 20).build());
        assertEquals("emcomm.outbound.session.bytes: 2097152 is outside 65536..emcomm.outbound.router.bytes (1048576)",
            above.getMessage());
        final ConfigException tiny = assertThrows(ConfigException.class, () -> base().outboundRouterBytes(1000).build());
        assertTrue(tiny.getMessage().startsWith("emcomm.outbound.router.bytes: 1000 is outside 65536.."), tiny.getMessage());
        final ConfigException text = assertThrows(ConfigException.class, () -> base().set("emcomm.outbound.session.bytes", "8m"));
        assertEquals("emcomm.outbound.session.bytes: '8m' is not an integer", text.getMessage());
    }
}
