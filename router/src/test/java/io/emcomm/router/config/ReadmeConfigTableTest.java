package io.emcomm.router.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README.md's configuration table says what {@link Settings} declares: every declared key has a row with its
 * default and description, and no row names a key that is not declared. On a mismatch the message carries the
 * table the declarations give, to paste into the README.
 */
class ReadmeConfigTableTest
{
    /** Surefire runs in the module's folder. */
    private static final Path README = Path.of("..", "README.md");
    private static final Pattern ROW = Pattern.compile("^\\| `(emcomm\\.[a-z.]+)` \\| (.*) \\| (.*) \\|$");

    @Test
    void everyDeclaredKeyIsInTheTableAndNothingElse() throws Exception
    {
        final Map<String, String[]> rows = rows();
        final Set<String> missing = new TreeSet<>(Settings.KEYS);
        missing.removeAll(rows.keySet());
        final Set<String> undeclared = new TreeSet<>(rows.keySet());
        undeclared.removeAll(Settings.KEYS);
        assertTrue(missing.isEmpty(), "declared but not in README.md's table: " + missing + "\n" + expectedTable());
        assertTrue(undeclared.isEmpty(), "in README.md's table but not declared: " + undeclared + "\n" + expectedTable());
    }

    @Test
    void eachRowHasTheDeclaredDefaultAndDescription() throws Exception
    {
        final Map<String, String[]> rows = rows();
        for (final Setting<?> setting : Settings.ALL)
        {
            final String[] row = rows.get(setting.key());
            if (row != null)
            {
                assertEquals(setting.documentedDefault(), row[0], setting.key() + ": default in README.md");
                assertEquals(setting.description(), row[1], setting.key() + ": meaning in README.md");
            }
        }
    }

    @Test
    void theTableFollowsTheDeclarationOrder() throws Exception
    {
        final List<String> declared = Settings.ALL.stream().map(Setting::key).toList();
        assertEquals(declared, new ArrayList<>(rows().keySet()), "README.md's rows, in order\n" + expectedTable());
    }

    /** Key to {default, meaning}, from the rows of the table under "## Configuration", in order. */
    private static Map<String, String[]> rows() throws Exception
    {
        final Map<String, String[]> rows = new LinkedHashMap<>();
        boolean inSection = false;
        for (final String line : Files.readAllLines(README))
        {
            if (line.startsWith("## "))
            {
                inSection = line.equals("## Configuration");
                continue;
            }
            if (!inSection || !line.startsWith("| `"))
            {
                continue;
            }
            final Matcher m = ROW.matcher(line);
            assertTrue(m.matches(), "a row of README.md's configuration table names one key: " + line);
            final String[] previous = rows.put(m.group(1), new String[] {m.group(2), m.group(3)});
            assertEquals(null, previous, m.group(1) + " has two rows in README.md");
        }
        assertTrue(!rows.isEmpty(), "README.md has a configuration table");
        return rows;
    }

    private static String expectedTable()
    {
        final StringBuilder table = new StringBuilder("README.md's table from the declarations:\n");
        for (final Setting<?> setting : Settings.ALL)
        {
            table.append("| `").append(setting.key()).append("` | ").append(setting.documentedDefault()).append(" | ")
                .append(setting.description()).append(" |\n");
        }
        return table.toString();
    }
}
