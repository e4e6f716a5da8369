package dev.procrastinate.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.core.importer.Locations;
import com.tngtech.archunit.lang.ArchRule;
import dev.procrastinate.App;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering the modules keep, read from the compiled classes of the published modules that an
 * application runs (the runtime, the dashboard, the test support, the command line, the Maven
 * plugin, JPA and the Spring Boot starter), so that a forbidden import fails the build where it is
 * added. (The processor runs inside javac, apart from all of them; {@code
 * ProcessorDependenciesTest} keeps it to the JDK, JavaPoet and the shared rules.)
 *
 * <ul>
 *   <li>generated code and applications see only {@code spi} and {@code model} beside the API, so
 *       neither depends on the internals;
 *   <li>the front ends (command line, Maven plugin, dashboard, Spring Boot) reach the database
 *       through the API and {@link dev.procrastinate.internal.AppRuntime}, never the SQL layer;
 *   <li>the internals never name {@link App}, which is a facade over them: the circle between them
 *       stays broken.
 * </ul>
 */
class ArchitectureTest {
  private static JavaClasses classes;

  /**
   * The build output of the modules this module keeps off its test class path: it runs the command
   * line's jar as a process, and JPA comes in only with the example applications.
   */
  private static final List<Path> OTHER_CLASSES =
      List.of(
          Path.of("..", "runtime", "cli", "target", "classes"),
          Path.of("..", "runtime", "jpa", "target", "classes"));

  @BeforeAll
  static void importClasses() {
    for (Path other : OTHER_CLASSES) {
      assertThat(other.resolve("dev/procrastinate")).as("built before this module").isDirectory();
    }
    Set<Location> locations = new HashSet<>(Locations.ofPackage("dev.procrastinate"));
    for (Path other : OTHER_CLASSES) {
      locations.add(Location.of(other.toAbsolutePath()));
    }
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // The runtime's test jar (its test support classes) is not a published module.
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importLocations(locations);
  }

  @Test
  void everyModuleIsRead() {
    // A rule over packages that were not imported would pass for nothing.
    for (String module :
        new String[] {
          "dev.procrastinate.App",
          "dev.procrastinate.spi.TaskDescriptor",
          "dev.procrastinate.model.ProcrastinateJob",
          "dev.procrastinate.internal.sql.Database",
          "dev.procrastinate.dashboard.Dashboard",
          "dev.procrastinate.test.TestJobs",
          "dev.procrastinate.cli.Main",
          "dev.procrastinate.maven.MigrateMojo",
          "dev.procrastinate.relations.RelationChecker",
          "dev.procrastinate.jpa.ProcrastinateJob",
          "dev.procrastinate.spring.ProcrastinateAutoConfiguration"
        }) {
      assertThat(classes.contain(module)).as(module).isTrue();
    }
  }

  @Test
  void spiAndModelDependOnNoInternals() {
    check(
        noClasses()
            .that()
            .resideInAnyPackage("dev.procrastinate.spi..", "dev.procrastinate.model..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.procrastinate.internal..")
            .because(
                "generated code and applications compile against spi and model, which must not"
                    + " tie them to the internals"));
  }

  @Test
  void frontEndsNeverReachTheSqlLayer() {
    check(
        noClasses()
            .that()
            .resideInAnyPackage(
                "dev.procrastinate.cli..",
                "dev.procrastinate.maven..",
                "dev.procrastinate.relations..",
                "dev.procrastinate.dashboard..",
                "dev.procrastinate.spring..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.procrastinate.internal.sql..")
            .because(
                "the front ends go through the API and AppRuntime, so that the SQL layer can change"
                    + " without them"));
  }

  @Test
  void theInternalsNeverNameTheAppFacade() {
    check(
        noClasses()
            .that()
            .resideInAPackage("dev.procrastinate.internal..")
            .should()
            .dependOnClassesThat()
            .belongToAnyOf(App.class)
            .because("App is a facade over AppRuntime; a reference back would close a circle"));
  }

  private static void check(ArchRule rule) {
    rule.check(classes);
  }
}
