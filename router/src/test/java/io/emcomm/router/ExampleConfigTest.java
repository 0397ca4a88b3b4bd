package io.emcomm.router;

import io.emcomm.router.config.RouterConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * docs/router.properties.example names every key the router declares, each set to (or, for a default the file
 * cannot spell, commented with) its default, and parses with the router's own loader into the default
 * configuration.
 */
class ExampleConfigTest
{
    /** Surefire runs in the module's folder. */
    private static final Path EXAMPLE = Path.of("..", "docs", "router.properties.example");
    private static final Pattern SETTING = Pattern.compile("^#?(emcomm\\.[a-z.]+)=(.*)$");

    @Test
    void theExampleNamesEveryKeyOnce() throws Exception
    {
        final Set<String> named = new TreeSet<>();
        for (final String line : Files.readAllLines(EXAMPLE))
        {
            final Matcher m = SETTING.matcher(line);
            if (m.matches() && !named.add(m.group(1)))
            {
                throw new AssertionError(m.group(1) + " is in the example twice");
            }
        }
        assertEquals(new TreeSet<>(RouterConfig.KEYS), named);
    }

    @Test
    void theExampleParsesIntoTheDefaults() throws Exception
    {
        final RouterConfig example = RouterConfig.builder().load(EXAMPLE, null, Map.of()).build();
        final RouterConfig defaults = RouterConfig.builder().build();
        final List<Function<RouterConfig, Object>> settings = List.of(RouterConfig::host, RouterConfig::port,
            RouterConfig::dataDir, RouterConfig::maxFrameBytes, RouterConfig::ioThreads, RouterConfig::journalSync,
            RouterConfig::routerId, RouterConfig::heartbeatIntervalMs, RouterConfig::outboundQueueLimit,
            RouterConfig::timerIntervalMs, RouterConfig::deliveryWindow, RouterConfig::inFlightLimit,
            RouterConfig::flashAckTimeoutMs, RouterConfig::flashEscalate, RouterConfig::slowConsumerDisconnectMs,
            RouterConfig::adminHost, RouterConfig::adminPort, RouterConfig::rollCycle, RouterConfig::retentionHours,
            RouterConfig::retentionMb, RouterConfig::retentionIntervalMs, RouterConfig::diskMinFreeMb,
            RouterConfig::shutdownDrainMs, RouterConfig::security, RouterConfig::outboundSessionBytes,
            RouterConfig::outboundRouterBytes);
        for (int i = 0; i < settings.size(); i++)
        {
            assertEquals(settings.get(i).apply(defaults), settings.get(i).apply(example), "setting " + i + " of the list");
        }
    }
}
