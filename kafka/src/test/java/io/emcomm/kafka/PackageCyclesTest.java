package io.emcomm.kafka;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** No import cycle between this module's packages (docs/architecture.md, "Packages"). */
class PackageCyclesTest
{
    @Test
    void packagesFormNoCycle()
    {
        slices().matching("io.emcomm.(**)").should().beFreeOfCycles()
            .check(new ClassFileImporter().importPath(Path.of("target", "classes")));
    }
}
