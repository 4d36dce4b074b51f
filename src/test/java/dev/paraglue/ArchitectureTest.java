package dev.paraglue;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.INTERFACES;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The package rules a reader relies on: imports point one way, and the contract needs no Spark. */
class ArchitectureTest {
  private static JavaClasses main;

  @BeforeAll
  static void importMainClasses() {
    main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.paraglue");
  }

  @Test
  void packages_haveNoCycles() {
    slices().matching("dev.paraglue.(**)").should().beFreeOfCycles().check(main);
  }

  /**
   * The adapters implement the pipeline's ports ({@code ParagraphSink}, {@code StagedOutput}) and
   * use nothing else of it: what the split found reaches the tables through the job, translated.
   */
  @Test
  void sink_usesOnlyThePipelinesPortInterfaces() {
    noClasses()
        .that()
        .resideInAPackage("dev.paraglue.sink..")
        .should()
        .dependOnClassesThat(
            resideInAPackage("dev.paraglue.pipeline..")
                .and(not(INTERFACES))
                .and(not(nestedInPort())))
        .check(main);
  }

  private static DescribedPredicate<JavaClass> nestedInPort() {
    return DescribedPredicate.describe(
        "nested in an interface",
        c -> c.getEnclosingClass().map(e -> e.isInterface()).orElse(false));
  }

  @Test
  void text_dependsOnNoSparkHadoopIcebergOrAws() {
    noClasses()
        .that()
        .resideInAPackage("dev.paraglue.text..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.spark..",
            "org.apache.hadoop..",
            "org.apache.iceberg..",
            "scala..",
            "software.amazon..",
            "com.amazonaws..")
        .check(main);
  }

  @Test
  void text_dependsOnNoOtherPackageOfParaglue() {
    noClasses()
        .that()
        .resideInAPackage("dev.paraglue.text..")
        .should()
        .dependOnClassesThat()
        .resideOutsideOfPackages("dev.paraglue.text..", "java..")
        .check(main);
  }
}
