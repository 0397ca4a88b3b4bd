package io.emcomm.router;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The router's packages form no import cycle, and each imports only the layers below it in the order of
 * docs/architecture.md ("Packages"): what a package may use is decided here, not by whoever edits it next.
 */
class PackageCyclesTest
{
    /** Bottom to top; a package may depend only on packages before it in this list. */
    static final List<String> LAYERS = List.of("config", "counters", "journal", "terminal", "address", "security",
        "delivery", "session", "route", "sequence", "receipt", "replay", "conn", "link", "net", "admin");

    private static final JavaClasses ROUTER = new ClassFileImporter().importPath(Path.of("target", "classes"));

    @Test
    void packagesFormNoCycle()
    {
        slices().matching("io.emcomm.(**)").should().beFreeOfCycles().check(ROUTER);
    }

    @Test
    void eachLayerImportsOnlyTheLayersBelowIt()
    {
        final StringBuilder violations = new StringBuilder();
        for (int i = 0; i < LAYERS.size(); i++)
        {
            final String[] above = LAYERS.subList(i + 1, LAYERS.size()).stream()
                .map(p -> "io.emcomm.router." + p + "..").toArray(String[]::new);
            final String[] higher = Arrays.copyOf(above, above.length + 1);
            higher[above.length] = "io.emcomm.router"; // the top: Router and what runs it
            noClasses().that().resideInAPackage("io.emcomm.router." + LAYERS.get(i) + "..")
                .should().dependOnClassesThat().resideInAnyPackage(higher)
                .because("docs/architecture.md: " + LAYERS.get(i) + " sits below " + String.join(", ",
                    LAYERS.subList(i + 1, LAYERS.size())) + " and the router itself")
                .evaluate(ROUTER).getFailureReport().getDetails().forEach(d -> violations.append(d).append('\n'));
        }
        assertEquals("", violations.toString(), "imports against the layering");
    }
}
