package io.emcomm.router;

import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.config.Setting;
import io.emcomm.router.config.Settings;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * docs/router.properties.example names every key the router declares, each set to (or, for a default the file
 * cannot spell, commented with) its default, and parses with the router's own loader into the default
 * configuration (the records compare whole).
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
        assertEquals(new TreeSet<>(Settings.KEYS), named);
    }

    @Test
    void everyLiteralDefaultIsSetAndOnlyComputedOnesAreCommentedOut() throws Exception
    {
        for (final String line : Files.readAllLines(EXAMPLE))
        {
            final Matcher m = SETTING.matcher(line);
            if (m.matches())
            {
                final Setting<?> setting = Settings.forKey(m.group(1));
                final String expected = setting.defaultText() == null ? "" : setting.defaultText();
                if (line.startsWith("#"))
                {
                    assertEquals(null, setting.defaultText(), setting.key() + " has a literal default: set it, not commented out");
                }
                else
                {
                    assertEquals(expected, m.group(2), setting.key() + " in the example is not its default");
                }
            }
        }
    }

    @Test
    void theExampleParsesIntoTheDefaults() throws Exception
    {
        final RouterConfig example = RouterConfig.builder().load(EXAMPLE, null, Map.of()).build();
        assertEquals(RouterConfig.builder().build(), example);
    }
}
