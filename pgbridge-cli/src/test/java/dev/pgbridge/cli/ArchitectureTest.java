package dev.pgbridge.cli;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package and module boundaries of DESIGN.md, checked on the compiled main classes of every module (this module
 * sees them all on its test class path). A new package cycle or a dependency that points the wrong way fails here.
 */
class ArchitectureTest {
    /** Core's packages: everything under dev.pgbridge that is not another module's root. */
    private static final String[] OTHER_MODULES = {
            "dev.pgbridge.cdc..", "dev.pgbridge.cli..", "dev.pgbridge.metadata..", "dev.pgbridge.server..",
            "dev.pgbridge.testing.."};

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // the cdc module's test classes (the capture fixture) come as a test-jar, not from test-classes
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("dev.pgbridge");
    }

    @Test
    void everyModuleIsOnTheClassPath() {
        // the rules below would pass vacuously on an empty import
        assertThat(main.containPackage("dev.pgbridge.connection")).isTrue();
        assertThat(main.containPackage("dev.pgbridge.cdc.engine")).isTrue();
        assertThat(main.containPackage("dev.pgbridge.cli.command")).isTrue();
        assertThat(main.containPackage("dev.pgbridge.server.api")).isTrue();
    }

    @Test
    void noPackageCycles() {
        // each package is a slice of its own: dev.pgbridge.cdc.event and dev.pgbridge.cdc.replication are two
        slices().matching("dev.pgbridge.(**)").should().beFreeOfCycles().check(main);
    }

    @Test
    void coreDependsOnNoOtherModuleAndNoHeavyLibrary() {
        ArchRule rule = noClasses().that().resideInAPackage("dev.pgbridge..")
                .and().resideOutsideOfPackages(OTHER_MODULES)
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.pgbridge.cdc..", "dev.pgbridge.cli..", "dev.pgbridge.metadata..",
                        "dev.pgbridge.server..", "dev.pgbridge.testing..",
                        "picocli..", "org.apache.kafka..", "io.javalin..", "org.eclipse.jetty..",
                        "net.sf.jsqlparser..")
                .because("people embed pgbridge-core (DESIGN.md: core never pulls in a web server, picocli, Kafka "
                        + "or a SQL parser)");
        rule.check(main);
    }

    @Test
    void cdcDependsOnlyOnCore() {
        noClasses().that().resideInAPackage("dev.pgbridge.cdc..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.pgbridge.cli..", "dev.pgbridge.metadata..", "dev.pgbridge.server..",
                        "dev.pgbridge.testing..", "picocli..")
                .check(main);
    }

    @Test
    void serverDependsNotOnTheCli() {
        // DESIGN.md: cli -> server -> cdc, metadata -> core; picocli stays in the CLI
        noClasses().that().resideInAPackage("dev.pgbridge.server..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.pgbridge.cli..", "dev.pgbridge.testing..", "picocli..")
                .check(main);
    }

    @Test
    void nothingButTestsUsesTheTestingFixture() {
        noClasses().that().resideOutsideOfPackage("dev.pgbridge.testing..")
                .should().dependOnClassesThat().resideInAPackage("dev.pgbridge.testing..")
                .check(main);
    }
}
