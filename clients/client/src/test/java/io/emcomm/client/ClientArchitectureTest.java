package io.emcomm.client;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** What package-info.java says the library may import, and no package cycles, checked on the compiled classes. */
class ClientArchitectureTest
{
    private static final JavaClasses LIBRARY = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.emcomm.client");

    @Test
    void theLibraryImportsOnlyTheJdkTheProtocolNettyAndProtobuf()
    {
        classes().should().onlyDependOnClassesThat().resideInAnyPackage(
                "java..", "javax.net.ssl..", "io.emcomm.client..", "io.emcomm.protocol..", "io.netty..", "com.google.protobuf..")
            .because("the client is a library an integrator embeds: no router, Chronicle, Micrometer, logging backend or picocli (issue 13)")
            .check(LIBRARY);
    }

    @Test
    void packagesAreFreeOfCycles()
    {
        slices().matching("io.emcomm.(**)").should().beFreeOfCycles().check(LIBRARY);
    }
}
